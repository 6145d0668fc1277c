"""One Kubernetes API connection, from a kubeconfig document, answering plain JSON.

Reads go through the official client's typed methods with `_preload_content=False`, so what
comes back is the API server's own JSON (the shapes of the Kubernetes API reference), not
the client's generated models: the readers in this package take those documents as they
are. Every failure (unreachable server, refused credentials, a failing `aws eks get-token`)
becomes a ProvisionError naming what was asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

import urllib3
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from cortex_spec.errors import ProvisionError

# Seconds to connect and to wait for a read; a log stream that follows has no read limit.
TIMEOUT: Final = (5.0, 30.0)
_ERRORS: Final = (ApiException, ConfigException, urllib3.exceptions.HTTPError, OSError)


class NotFoundError(Exception):
    """The object does not exist (HTTP 404): readers turn it into "absent"."""


class Kube:
    """The cluster's API, as the kubeconfig reaches it."""

    def __init__(self, kubeconfig: dict[str, Any], *, context: str | None = None) -> None:
        try:
            self.api = config.new_client_from_config_dict(  # type: ignore[no-untyped-call]
                kubeconfig, context=context
            )
        except (ConfigException, ValueError, KeyError) as error:
            raise ProvisionError(
                f"the kubeconfig cannot be used: {error}",
                hint="check the file given with --kubeconfig, or the stack's cluster",
            ) from None
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)
        self.batch = client.BatchV1Api(self.api)
        self.server = str(self.api.configuration.host)

    def _fail(self, error: BaseException, doing: str) -> ProvisionError:
        if isinstance(error, ApiException):
            reason = f"HTTP {error.status} {error.reason}"
            body = _message(error.body)
            detail = f"{reason}: {body}" if body else reason
            hint = (
                "your identity may lack access to the cluster (EKS access entries)"
                if error.status in (401, 403)
                else None
            )
            return ProvisionError(f"{doing} at {self.server} failed: {detail}", hint=hint)
        return ProvisionError(
            f"{doing} at {self.server} failed: {error}",
            hint="is the cluster reachable from here (endpoint access, VPN)? the stack's "
            "kubeconfig runs `aws eks get-token`: the AWS CLI and credentials are needed",
        )

    def read(self, doing: str, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """One GET through the client; its JSON document, or NotFound."""
        try:
            response = call(*args, _preload_content=False, _request_timeout=TIMEOUT, **kwargs)
            document: dict[str, Any] = json.loads(response.data)
        except ApiException as error:
            if error.status == 404:
                raise NotFoundError(doing) from None
            raise self._fail(error, doing) from None
        except _ERRORS as error:
            raise self._fail(error, doing) from None
        return document

    def proxy_get(
        self, doing: str, namespace: str, service: str, path: str, query: list[tuple[str, str]]
    ) -> dict[str, Any]:
        """GET through the API server's service proxy (a path with a query string, which
        the client's generated proxy methods cannot carry)."""
        resource = f"/api/v1/namespaces/{{namespace}}/services/{{name}}/proxy/{path}"
        try:
            method, url, headers, body, post = self.api.param_serialize(
                "GET",
                resource,
                path_params={"namespace": namespace, "name": service},
                query_params=query,
                auth_settings=["BearerToken"],
            )
            response = self.api.call_api(method, url, headers, body, post, _request_timeout=TIMEOUT)
            response.read()
            if response.status == 404:
                raise NotFoundError(doing)
            if response.status >= 400:
                raise ProvisionError(f"{doing} at {self.server} failed: HTTP {response.status}")
            document: dict[str, Any] = json.loads(response.data)
        except _ERRORS as error:
            raise self._fail(error, doing) from None
        return document

    def stream_log(
        self, pod: str, namespace: str, container: str, *, follow: bool, since_seconds: int | None
    ) -> Iterator[bytes]:
        """A container's log lines, with the API server's RFC 3339 timestamps."""
        doing = f"reading the log of {pod}/{container}"
        try:
            response = self.core.read_namespaced_pod_log(
                pod,
                namespace,
                container=container,
                follow=follow,
                timestamps=True,
                since_seconds=since_seconds,
                _preload_content=False,
                # Following: no timeout (the client's single number is a total): a quiet
                # replica is not a failure.
                _request_timeout=None if follow else TIMEOUT,
            )
            yield from _lines(response)
        except _ERRORS as error:
            raise self._fail(error, doing) from None


def _lines(response: Any) -> Iterator[bytes]:
    pending = b""
    for chunk in response.stream(4096):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from complete
    if pending:
        yield pending


def _message(body: Any) -> str:
    """The `message` of the API's Status document, when the error body is one."""
    try:
        status = json.loads(body)
    except (TypeError, ValueError):
        return str(body or "").strip()[:200]
    return str(status.get("message", "")) if isinstance(status, dict) else ""
