"""What the runtime is told: the contract's environment variables and the API spec file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime import contract
from runtime.batching import Batching, BatchingError, read_batching


class SettingsError(Exception):
    """The environment or the spec file does not honour the contract."""


@dataclass(frozen=True)
class PredictorSettings:
    """`predictor:` as validated: what to import and what to pass to `PythonPredictor`."""

    path: str
    config: dict[str, Any] = field(default_factory=dict)
    python_path: str | None = None
    # Cortex's server_side_batching: predict() then takes lists (runtime.batching).
    batching: Batching | None = None
    # `onnx`: an ONNXPredictor given an onnx_client over `model_path` (runtime.onnx_client).
    type: str = "python"
    model_path: str | None = None


@dataclass(frozen=True)
class Limits:
    """What one request and one connection may cost (docs/runtime-contract.md, "Limits")."""

    max_body_bytes: int = contract.DEFAULT_MAX_BODY_BYTES
    request_timeout: float = contract.DEFAULT_REQUEST_TIMEOUT_SECONDS
    header_timeout: float = contract.DEFAULT_HEADER_TIMEOUT_SECONDS
    body_timeout: float = contract.DEFAULT_BODY_TIMEOUT_SECONDS
    max_connections: int = contract.DEFAULT_MAX_CONNECTIONS
    max_header_bytes: int = contract.MAX_HEADER_BYTES
    body_min_rate: int = contract.BODY_MIN_RATE

    @property
    def tick(self) -> float:
        """How often timeouts are checked: a quarter of the shortest, at most once a second."""
        return min(1.0, self.header_timeout / 4, self.body_timeout / 4, self.request_timeout / 4)


@dataclass(frozen=True)
class Settings:
    api_name: str
    port: int
    endpoint: str
    max_concurrency: int
    max_queue_length: int
    drain_seconds: int
    log_level: str
    keep_alive_seconds: int = contract.DEFAULT_KEEP_ALIVE_SECONDS
    limits: Limits = field(default_factory=Limits)
    processes: int = 1
    threads: int = 1
    upstream_port: int | None = None
    bundle: str | None = None
    sha256: str | None = None
    project_dir: Path = Path(contract.PROJECT_DIR)
    predictor: PredictorSettings | None = None


def required(environ: Mapping[str, str], name: str, default: str | None = None) -> str:
    """The variable's value, or `default`; neither (or empty) is a SettingsError."""
    value = environ.get(name, default)
    if value is None or value == "":
        raise SettingsError(f"{name} is not set")
    return value


def positive_int(environ: Mapping[str, str], name: str, default: int | None = None) -> int:
    raw = required(environ, name, None if default is None else str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not an integer") from None
    if value < 1:
        raise SettingsError(f"{name}={raw!r} must be at least 1")
    return value


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise SettingsError(f"{name}={raw!r} must be a positive number of seconds")
    return value


def _limits(environ: Mapping[str, str], capacity: int, keep_alive: int) -> Limits:
    max_connections = positive_int(
        environ, contract.ENV_MAX_CONNECTIONS, max(contract.DEFAULT_MAX_CONNECTIONS, 2 * capacity)
    )
    # Past max_connections uvicorn answers 503 before the limiter sees a request; the
    # limiter's own 503 must come first, or max_queue_length would not hold.
    if max_connections <= capacity:
        raise SettingsError(
            f"{contract.ENV_MAX_CONNECTIONS}={max_connections} must exceed max_concurrency + "
            f"max_queue_length ({capacity})"
        )
    return Limits(
        max_body_bytes=positive_int(
            environ, contract.ENV_MAX_BODY_BYTES, contract.DEFAULT_MAX_BODY_BYTES
        ),
        request_timeout=_seconds(
            environ,
            contract.ENV_REQUEST_TIMEOUT_SECONDS,
            contract.request_timeout_seconds(keep_alive),
        ),
        header_timeout=_seconds(
            environ, contract.ENV_HEADER_TIMEOUT_SECONDS, contract.DEFAULT_HEADER_TIMEOUT_SECONDS
        ),
        body_timeout=_seconds(
            environ, contract.ENV_BODY_TIMEOUT_SECONDS, contract.DEFAULT_BODY_TIMEOUT_SECONDS
        ),
        max_connections=max_connections,
    )


def read_predictor(spec_path: Path) -> PredictorSettings:
    """`api.predictor` from the spec file at `$CORTEX_API_SPEC_PATH`."""
    try:
        document = json.loads(spec_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"cannot read the API spec {spec_path}: {error}") from None
    predictor = (document.get("api") or {}).get("predictor") if isinstance(document, dict) else None
    if not isinstance(predictor, dict) or not isinstance(predictor.get("path"), str):
        raise SettingsError(f"{spec_path} has no api.predictor.path: this API is not a predictor")
    config = predictor.get("config") or {}
    python_path = predictor.get("python_path")
    if not isinstance(config, dict) or not (python_path is None or isinstance(python_path, str)):
        raise SettingsError(f"{spec_path}: api.predictor.config or python_path is malformed")
    try:
        batching = read_batching(predictor.get("server_side_batching"))
    except BatchingError as error:
        raise SettingsError(f"{spec_path}: api.predictor.{error}") from None
    kind = predictor.get("type") or "python"
    model_path = predictor.get("model_path")
    if kind not in ("python", "onnx") or (kind == "onnx") != isinstance(model_path, str):
        raise SettingsError(f"{spec_path}: api.predictor.type or model_path is malformed")
    return PredictorSettings(
        path=predictor["path"],
        config=config,
        python_path=python_path,
        batching=batching,
        type=kind,
        model_path=model_path,
    )


def _common(environ: Mapping[str, str], port_default: int) -> dict[str, Any]:
    version = environ.get(contract.ENV_CONTRACT_VERSION, contract.CONTRACT_VERSION)
    if version != contract.CONTRACT_VERSION:
        raise SettingsError(
            f"{contract.ENV_CONTRACT_VERSION}={version!r}: this runtime implements contract "
            f"version {contract.CONTRACT_VERSION}"
        )
    name = required(environ, contract.ENV_API_NAME)
    concurrency = positive_int(environ, contract.ENV_MAX_CONCURRENCY, 1)
    queue = positive_int(environ, contract.ENV_MAX_QUEUE_LENGTH, 100)
    keep_alive = positive_int(
        environ, contract.ENV_KEEP_ALIVE_SECONDS, contract.DEFAULT_KEEP_ALIVE_SECONDS
    )
    return {
        "api_name": name,
        "port": positive_int(environ, contract.ENV_PORT, port_default),
        "endpoint": environ.get(contract.ENV_ENDPOINT) or f"/{name}",
        "max_concurrency": concurrency,
        "max_queue_length": queue,
        "drain_seconds": positive_int(environ, contract.ENV_DRAIN_SECONDS, contract.DRAIN_SECONDS),
        "log_level": environ.get(contract.ENV_LOG_LEVEL) or contract.LOG_LEVEL,
        "keep_alive_seconds": keep_alive,
        "limits": _limits(environ, concurrency + queue, keep_alive),
    }


def serve_settings(environ: Mapping[str, str]) -> Settings:
    """The predictor form: the bundle to load and how to run it."""
    spec_path = Path(environ.get(contract.ENV_API_SPEC_PATH) or contract.SPEC_PATH)
    return Settings(
        **_common(environ, contract.DEFAULT_PORT),
        processes=positive_int(environ, contract.ENV_PROCESSES, 1),
        threads=positive_int(environ, contract.ENV_THREADS, 1),
        bundle=required(environ, contract.ENV_PROJECT_BUNDLE),
        sha256=required(environ, contract.ENV_PROJECT_SHA256),
        project_dir=Path(environ.get(contract.ENV_PROJECT_DIR) or contract.PROJECT_DIR),
        predictor=read_predictor(spec_path),
    )


def proxy_settings(environ: Mapping[str, str]) -> Settings:
    """The container form's sidecar: where to listen and where to forward."""
    return Settings(
        **_common(environ, contract.PROXY_PORT),
        upstream_port=positive_int(environ, contract.ENV_UPSTREAM_PORT),
    )
