"""What an API runs: the predictor form, or the container form (`pod.containers`)."""

from __future__ import annotations

import posixpath
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from cortex_spec.models.base import (
    QuantityValue,
    StrictModel,
    check_dns1035,
    check_image,
    fail,
)
from cortex_spec.quantities import Quantity
from runtime import contract

_CPU_DEFAULT = Quantity(Decimal("0.2"), "200m")


def check_env(env: dict[str, str]) -> dict[str, str]:
    for key in env:
        check_env_name(key)
    return env


def check_env_name(key: str) -> str:
    if key.upper().startswith(contract.RESERVED_ENV_PREFIXES):
        fail(
            f'environment variable "{key}" is reserved',
            "environment variables starting with CORTEX_ or KUBEXIT_ are reserved; rename it",
        )
    if not key or "=" in key:
        fail(f'"{key}" is not a valid environment variable name', "use letters, digits and _")
    return key


# Checked per key, so that an error points at the offending variable's line.
EnvName = Annotated[str, AfterValidator(check_env_name)]


class Compute(StrictModel):
    """Resources one replica (or one container) requests."""

    cpu: Annotated[
        QuantityValue,
        Field(default=_CPU_DEFAULT, description="CPU request, e.g. 500m or 2 (at least 20m)."),
    ]
    mem: Annotated[
        QuantityValue | None,
        Field(
            default=None,
            description="Memory request, e.g. 2Gi or 4G (at least 20Mi); also the memory limit.",
        ),
    ]
    gpu: Annotated[int, Field(default=0, ge=0, description="Whole NVIDIA GPUs.")]
    inf: Annotated[int, Field(default=0, ge=0, description="AWS Neuron devices (Inferentia).")]
    shm: Annotated[
        QuantityValue | None,
        Field(default=None, description="Size of /dev/shm (memory-backed); at most `mem`."),
    ]

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, value: Quantity) -> Quantity:
        if value.millis < 20:
            fail(f"must be at least 20m (got {value})", "request at least 20m of CPU")
        return value

    @field_validator("mem")
    @classmethod
    def _mem(cls, value: Quantity | None) -> Quantity | None:
        if value is not None and value.whole < 20 * 2**20:
            fail(f"must be at least 20Mi (got {value})", "request at least 20Mi of memory")
        return value


_PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$")


def _check_port(value: int | str) -> int | str:
    """A port number, or a container port's name (Cortex accepted both, as Kubernetes does)."""
    if isinstance(value, int):
        if not 1 <= value <= 65535:
            fail(f"must be between 1 and 65535 (got {value})", "use a port number or a name")
        return value
    if value.isdigit():
        fail(f'"{value}" is a quoted number', f"remove the quotes: {value}")
    if not _PORT_NAME.match(value) or "--" in value:
        fail(
            f'"{value}" is not a port number or a valid port name',
            "a named port has at most 15 lowercase letters, digits and dashes (IANA_SVC_NAME)",
        )
    return value


PortValue = Annotated[int | str, AfterValidator(_check_port)]


class HttpGet(StrictModel):
    path: Annotated[str, Field(default="/", description="Path to GET.")]
    port: Annotated[PortValue, Field(description="Port number or name to probe.")]


class TcpSocket(StrictModel):
    port: Annotated[PortValue, Field(description="Port number or name to connect to.")]


class Exec(StrictModel):
    command: Annotated[list[str], Field(min_length=1, description="Command to run.")]


class Probe(StrictModel):
    """A readiness or liveness probe: exactly one of http_get, tcp_socket, exec."""

    http_get: Annotated[HttpGet | None, Field(default=None, description="HTTP GET check.")]
    tcp_socket: Annotated[TcpSocket | None, Field(default=None, description="TCP connect.")]
    exec: Annotated[Exec | None, Field(default=None, description="Command in the container.")]
    initial_delay_seconds: Annotated[int, Field(default=0, ge=0, description="Wait first.")]
    timeout_seconds: Annotated[int, Field(default=1, ge=1, description="Per-probe timeout.")]
    period_seconds: Annotated[int, Field(default=10, ge=1, description="Seconds between probes.")]
    success_threshold: Annotated[int, Field(default=1, ge=1, description="Passes to succeed.")]
    failure_threshold: Annotated[int, Field(default=3, ge=1, description="Failures to fail.")]

    @model_validator(mode="after")
    def _one_handler(self) -> Self:
        if sum(h is not None for h in (self.http_get, self.tcp_socket, self.exec)) != 1:
            fail(
                "must set exactly one of http_get, tcp_socket or exec",
                "please specify only one of the following fields: http_get, tcp_socket, exec",
            )
        return self


class PreStop(StrictModel):
    """A hook run before the container stops: http_get or exec."""

    http_get: Annotated[HttpGet | None, Field(default=None, description="HTTP GET hook.")]
    exec: Annotated[Exec | None, Field(default=None, description="Command hook.")]

    @model_validator(mode="after")
    def _one_handler(self) -> Self:
        if (self.http_get is None) == (self.exec is None):
            fail("must set exactly one of http_get or exec", "keep one of http_get, exec")
        return self


class Container(StrictModel):
    """A user container of the container form (Cortex v0.36+)."""

    name: Annotated[str, Field(description="Container name (DNS-1035, at most 63 characters).")]
    image: Annotated[str, Field(description="Image to run, e.g. ghcr.io/org/model:1.2.")]
    command: Annotated[list[str] | None, Field(default=None, description="Entrypoint override.")]
    args: Annotated[list[str] | None, Field(default=None, description="Arguments override.")]
    env: Annotated[dict[EnvName, str], Field(default_factory=dict, description="Environment.")]
    compute: Annotated[
        Compute, Field(default_factory=Compute, description="This container's resources.")
    ]
    readiness_probe: Annotated[Probe | None, Field(default=None, description="Readiness.")]
    liveness_probe: Annotated[Probe | None, Field(default=None, description="Liveness.")]
    pre_stop: Annotated[PreStop | None, Field(default=None, description="Pre-stop hook.")]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        check_dns1035(value, "container name", 63)
        if value in contract.RESERVED_CONTAINER_NAMES:
            fail(f'container name "{value}" is reserved', "pick another name")
        return value

    @field_validator("image")
    @classmethod
    def _image(cls, value: str) -> str:
        return check_image(value)


class Pod(StrictModel):
    """The pod: its port and concurrency limits, and (container form) its containers."""

    port: Annotated[
        int,
        Field(
            default=contract.DEFAULT_PORT,
            ge=1,
            le=65535,
            description="Port the serving container listens on ($CORTEX_PORT); 8888 and 15000 "
            "are reserved.",
        ),
    ]
    max_concurrency: Annotated[
        int, Field(default=1, ge=1, le=30000, description="Requests one replica runs at once.")
    ]
    max_queue_length: Annotated[
        int,
        Field(
            default=100,
            ge=1,
            le=30000,
            description="Requests one replica queues; beyond concurrency + queue, 503.",
        ),
    ]
    containers: Annotated[
        list[Container] | None,
        Field(default=None, min_length=1, description="Container form: the containers to run."),
    ]

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        if value in contract.RESERVED_PORTS:
            fail(
                f"port {value} is reserved",
                f"ports {contract.PROXY_PORT} and {contract.ADMIN_PORT} are used by the proxy; "
                f"use another port such as {contract.DEFAULT_PORT}",
            )
        return value


class Predictor(StrictModel):
    """The predictor form (Cortex's original): a PythonPredictor served by the runtime image."""

    type: Annotated[
        Literal["python"], Field(description="Predictor kind; only python is supported.")
    ]
    path: Annotated[
        str, Field(description="Python file defining PythonPredictor, relative to the spec.")
    ]
    config: Annotated[
        dict[str, Any],
        Field(default_factory=dict, description="Passed to PythonPredictor(config=...)."),
    ]
    python_path: Annotated[
        str | None,
        Field(default=None, description="Directory (relative) added to sys.path."),
    ]
    bundle_root: Annotated[
        str | None,
        Field(
            default=None,
            description="Folder, relative to the spec's folder, whose files are this API's "
            "code bundle (what its pods download; a change to it rolls this API alone). It "
            "must hold `path` and `python_path`. Default: the folder of `path`, widened to "
            "hold `python_path`. Not in Cortex, which uploaded the spec's whole folder for "
            "every API: set `bundle_root: .` for that.",
        ),
    ]
    image: Annotated[
        str | None,
        Field(default=None, description="Serving image; default cluster.runtime_image."),
    ]
    env: Annotated[dict[EnvName, str], Field(default_factory=dict, description="Environment.")]
    processes_per_replica: Annotated[
        int, Field(default=1, ge=1, le=100, description="Worker processes per replica.")
    ]
    threads_per_process: Annotated[
        int, Field(default=1, ge=1, description="Threads per worker process.")
    ]

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: object) -> object:
        if value in ("tensorflow", "onnx"):
            fail(
                f"predictor type {value} is not supported yet",
                "use type: python and load the model in predictor.py, or the container form "
                "(pod.containers) with a serving image",
            )
        return value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.endswith(".py") or value.startswith("/"):
            fail(f'"{value}" is not a relative path to a .py file', "e.g. path: predictor.py")
        return value

    @field_validator("bundle_root")
    @classmethod
    def _bundle_root(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value or value.startswith("/") or "\\" in value:
            fail(f'"{value}" is not a relative folder path', "e.g. bundle_root: apis/sentiment")
        if posixpath.normpath(value).split("/")[0] == "..":
            fail(
                f'"{value}" leaves the spec\'s folder',
                "the bundle root must be the spec's folder or a folder inside it",
            )
        return value

    @field_validator("image")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        return None if value is None else check_image(value)
