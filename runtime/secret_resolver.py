"""Resolving `secret:` references when a pod starts (docs/runtime-contract.md, "Secrets").

The predictor form resolves in the serving process, before the predictor is imported: each
environment variable whose value is a reference gets the secret's value in `os.environ`
(so worker processes inherit it), and references in `predictor.config` are replaced in the
config passed to `PythonPredictor`. Config values the infrastructure held back from the spec
file because they look like secrets arrive in `CORTEX_SECRET_CONFIG` and are put back first.

The container form resolves in an init container (`cortex-runtime resolve-secrets`), which
writes one file per variable and an `env` file into a memory-backed volume that each user
container mounts at `$CORTEX_SECRETS_DIR`: the values never appear in the pod spec.

Values are fetched with boto3's standard chain (the pod's IRSA role; locally, the caller's
credentials) and never logged: errors name the reference, never what it resolved to.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any, Final

from runtime import aws_clients, contract
from runtime.secret_refs import SECRETS_MANAGER, SecretRef, SecretRefError, is_reference, parse
from runtime.settings import Settings

ClientFactory = Callable[[str, str], Any]
ENV_FILE: Final = "env"
# Every AWS call of a start is bounded: a pod that cannot reach the store fails its start
# (and is restarted) instead of hanging; retries ride out throttling.
_CONNECT_SECONDS: Final = 5
_READ_SECONDS: Final = 10
_RETRIES: Final = 5


class SecretResolutionError(Exception):
    """A reference could not be resolved: which one, and why (never a value)."""


def boto3_client(service: str, region: str) -> Any:
    return aws_clients.client(
        service,
        region,
        retries=_RETRIES,
        connect_seconds=_CONNECT_SECONDS,
        read_seconds=_READ_SECONDS,
    )


class Resolver:
    """Fetches each secret or parameter once per start, whatever the number of references."""

    def __init__(self, region: str | None, clients: ClientFactory = boto3_client) -> None:
        self.region = region
        self._clients = clients
        self._values: dict[tuple[str, str], str] = {}
        self.resolved = 0

    def resolve(self, text: str) -> str:
        try:
            ref = parse(text)
        except SecretRefError as error:
            raise SecretResolutionError(str(error)) from None
        key = (ref.service, ref.identifier)
        if key not in self._values:
            self._values[key] = self._fetch(ref)
        self.resolved += 1
        return _json_key(ref, self._values[key]) if ref.json_key else self._values[key]

    def _fetch(self, ref: SecretRef) -> str:
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        arn = ref.arn
        region = arn["region"] if arn is not None else self.region
        if region is None:
            raise SecretResolutionError(
                f"{ref.text}: AWS_REGION is not set, so a reference without an ARN has no "
                "region to be read from"
            )
        client = self._clients(ref.service, region)
        try:
            if ref.service == SECRETS_MANAGER:
                answer = client.get_secret_value(SecretId=ref.identifier)
                if "SecretString" not in answer:
                    raise SecretResolutionError(
                        f"{ref.text}: the secret holds binary data; store it as text"
                    )
                return str(answer["SecretString"])
            answer = client.get_parameter(Name=ref.identifier, WithDecryption=True)
            return str(answer["Parameter"]["Value"])
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            raise SecretResolutionError(f"{ref.text}: {code}: {_why(code)}") from None
        except BotoCoreError as error:
            raise SecretResolutionError(f"{ref.text}: {type(error).__name__}") from None


def _why(code: str) -> str:
    if code in ("AccessDeniedException", "AccessDenied"):
        return (
            "the API's IAM role may not read it (a customer-managed KMS key needs "
            "secrets_kms_key_arns; another account's secret needs a resource policy)"
        )
    if code in ("ResourceNotFoundException", "ParameterNotFound"):
        return "no such secret or parameter in that account and region"
    return "the store refused the request"


def _json_key(ref: SecretRef, text: str) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        raise SecretResolutionError(f"{ref.text}: the secret is not a JSON object") from None
    if not isinstance(document, dict) or ref.json_key not in document:
        raise SecretResolutionError(f"{ref.text}: the secret's JSON has no key {ref.json_key}")
    value = document[ref.json_key]
    return value if isinstance(value, str) else json.dumps(value)


def resolve_tree(value: Any, resolver: Resolver) -> Any:
    """A copy of a config tree with every reference replaced by what it names."""
    if is_reference(value):
        return resolver.resolve(value)
    if isinstance(value, dict):
        return {key: resolve_tree(item, resolver) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_tree(item, resolver) for item in value]
    return value


def with_held_back(config: dict[str, Any], held_back: Mapping[str, Any]) -> dict[str, Any]:
    """`config` with the values the infrastructure held back, by JSON pointer (RFC 6901)."""
    out: dict[str, Any] = json.loads(json.dumps(config))
    for pointer, value in held_back.items():
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        cursor: Any = out
        for part in parts[:-1]:
            cursor = cursor[int(part)] if isinstance(cursor, list) else cursor[part]
        if isinstance(cursor, list):
            cursor[int(parts[-1])] = value
        else:
            cursor[parts[-1]] = value
    return out


def predictor_config(
    config: dict[str, Any], environ: Mapping[str, str], resolver: Resolver
) -> dict[str, Any]:
    """The config `PythonPredictor` gets: held-back values put back, references resolved."""
    raw = environ.get(contract.ENV_SECRET_CONFIG)
    if raw:
        try:
            held_back = json.loads(raw)
        except ValueError:
            raise SecretResolutionError(f"{contract.ENV_SECRET_CONFIG} is not JSON") from None
        try:
            config = with_held_back(config, held_back)
        except (KeyError, IndexError, ValueError, TypeError):
            raise SecretResolutionError(
                f"{contract.ENV_SECRET_CONFIG} does not match the spec file's config"
            ) from None
    return resolve_tree(config, resolver)  # type: ignore[no-any-return]


def resolve_environment(environ: MutableMapping[str, str], resolver: Resolver) -> list[str]:
    """Replace every reference among the variables in place; the names that were resolved."""
    names = sorted(name for name, value in environ.items() if is_reference(value))
    for name in names:
        environ[name] = resolver.resolve(environ[name])
    return names


def write_container_secrets(document: Mapping[str, Any], out: Path, resolver: Resolver) -> int:
    """The init container's work: `<out>/<container>/<NAME>` and `<out>/<container>/env`
    for every user container whose variables hold references; returns how many."""
    pod = (document.get("api") or {}).get("pod") or {}
    written = 0
    for container in pod.get("containers") or []:
        env = container.get("env") or {}
        names = sorted(name for name, value in env.items() if is_reference(value))
        if not names:
            continue
        folder = out / str(container["name"])
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        for name in names:
            value = resolver.resolve(env[name])
            (folder / name).write_text(value, encoding="utf-8")
            lines.append(f"export {name}={shlex.quote(value)}\n")
            written += 1
        (folder / ENV_FILE).write_text("".join(lines), encoding="utf-8")
    return written


def read_spec(environ: Mapping[str, str]) -> dict[str, Any]:
    path = Path(environ.get(contract.ENV_API_SPEC_PATH) or contract.SPEC_PATH)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SecretResolutionError(f"cannot read the API spec {path}: {error}") from None
    if not isinstance(document, dict):
        raise SecretResolutionError(f"{path} is not a JSON object")
    return document


def region_of(environ: Mapping[str, str]) -> str | None:
    """The region of references written without an ARN: the cluster's (the contract sets it;
    a local run without references needs none)."""
    return environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None


def resolve_serving(
    settings: Settings, environ: MutableMapping[str, str], clients: ClientFactory = boto3_client
) -> tuple[Settings, int]:
    """The predictor form, before the predictor loads: `environ` (the process's own) and the
    predictor's config with every reference resolved; also how many were resolved."""
    assert settings.predictor is not None
    resolver = Resolver(region_of(environ), clients)
    resolve_environment(environ, resolver)
    config = predictor_config(settings.predictor.config, environ, resolver)
    predictor = dataclasses.replace(settings.predictor, config=config)
    return dataclasses.replace(settings, predictor=predictor), resolver.resolved


def resolve_into_files(
    environ: Mapping[str, str], out: Path, clients: ClientFactory = boto3_client
) -> int:
    """The container form's init container: every user container's references, as files."""
    resolver = Resolver(region_of(environ), clients)
    return write_container_secrets(read_spec(environ), out, resolver)
