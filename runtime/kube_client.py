"""The few Kubernetes API calls the job gateway makes, over HTTPS with the pod's token.

The contract, from the Kubernetes API reference (kubernetes.io/docs/reference/kubernetes-api/
workload-resources/job-v1/ and .../pod-v1/, "Operations"):

- create: `POST /apis/batch/v1/namespaces/{namespace}/jobs`, body a `batch/v1` Job, 201;
- read: `GET /apis/batch/v1/namespaces/{namespace}/jobs/{name}`, 200 or 404;
- delete: `DELETE /apis/batch/v1/namespaces/{namespace}/jobs/{name}` with a `DeleteOptions`
  body `{"propagationPolicy": "Background"}` (without it a Job's pods are orphaned), 200/202;
- list pods: `GET /api/v1/namespaces/{namespace}/pods?labelSelector=<selector>`, 200.

In a pod the API server is `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, the
token and CA are the projected service-account files (docs "Accessing the Kubernetes API
from a Pod"). `CORTEX_KUBE_API` overrides the address (plain HTTP is allowed only there, for
the tests' fake server). tests/runtime/test_kube_contract.py pins these calls.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from runtime import job_contract

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
TIMEOUT_SECONDS = 10


class KubeError(Exception):
    """A call the API server refused or did not answer; `status` is its HTTP status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class KubeClient:
    def __init__(self, base_url: str, token: str | None, context: ssl.SSLContext | None) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._context = context

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> KubeClient:
        override = environ.get(job_contract.ENV_KUBE_API)
        token_file = SERVICE_ACCOUNT_DIR / "token"
        token = token_file.read_text().strip() if token_file.is_file() else None
        if override:
            return cls(override, token, None)
        host, port = environ["KUBERNETES_SERVICE_HOST"], environ["KUBERNETES_SERVICE_PORT"]
        context = ssl.create_default_context(cafile=str(SERVICE_ACCOUNT_DIR / "ca.crt"))
        return cls(f"https://{host}:{port}", token, context)

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - the API server's URL, from the pod
            self.base_url + path, data=data, method=method
        )
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self._token:
            # The projected token rotates (about hourly): read it again on every call.
            token_file = SERVICE_ACCOUNT_DIR / "token"
            token = token_file.read_text().strip() if token_file.is_file() else self._token
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=TIMEOUT_SECONDS, context=self._context
            ) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:500].decode("utf-8", "replace")
            raise KubeError(f"{method} {path}: {error.code} {detail}", error.code) from None
        except (urllib.error.URLError, OSError) as error:
            raise KubeError(f"{method} {path}: {error}") from None

    def create_job(self, namespace: str, job: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST", f"/apis/batch/v1/namespaces/{quote(namespace)}/jobs", job
        )
        return result

    def read_job(self, namespace: str, name: str) -> dict[str, Any] | None:
        try:
            result: dict[str, Any] = self._call(
                "GET", f"/apis/batch/v1/namespaces/{quote(namespace)}/jobs/{quote(name)}"
            )
        except KubeError as error:
            if error.status == 404:
                return None
            raise
        return result

    def delete_job(self, namespace: str, name: str) -> bool:
        try:
            self._call(
                "DELETE",
                f"/apis/batch/v1/namespaces/{quote(namespace)}/jobs/{quote(name)}",
                {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
            )
        except KubeError as error:
            if error.status == 404:
                return False
            raise
        return True

    def list_pods(self, namespace: str, selector: str) -> list[dict[str, Any]]:
        query = urlencode({"labelSelector": selector})
        result = self._call("GET", f"/api/v1/namespaces/{quote(namespace)}/pods?{query}")
        items: list[dict[str, Any]] = result.get("items") or []
        return items


def from_environment() -> KubeClient:
    return KubeClient.from_environment(os.environ)
