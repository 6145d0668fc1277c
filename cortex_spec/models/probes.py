"""Probes and hooks of the container form: readiness, liveness and pre-stop, as in Cortex,
with Kubernetes' int32 bounds on every timing and threshold."""

from __future__ import annotations

import re
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, model_validator

from cortex_spec import limits
from cortex_spec.models.base import StrictModel, fail, shown
from cortex_spec.models.cortex_edges import probe_zeros

_INT32 = f"at most {limits.INT32_MAX:,}: Kubernetes stores it as an int32"


_PORT_NAME = re.compile(r"(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?", re.ASCII)


def _check_port(value: int | str) -> int | str:
    """A port number, or a container port's name (Cortex accepted both, as Kubernetes does)."""
    if isinstance(value, int):
        if not 1 <= value <= 65535:
            fail(f"must be between 1 and 65535 (got {value})", "use a port number or a name")
        return value
    if value.isascii() and value.isdigit():
        fail(f'"{shown(value)}" is a quoted number', f"remove the quotes: {shown(value)}")
    if not _PORT_NAME.fullmatch(value) or "--" in value:
        fail(
            f'"{shown(value)}" is not a port number or a valid port name',
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
    initial_delay_seconds: Annotated[
        int, Field(default=0, ge=0, le=limits.INT32_MAX, description=f"Wait first ({_INT32}).")
    ]
    timeout_seconds: Annotated[
        int,
        Field(
            default=1,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Per-probe timeout; 0 reads as 1, Kubernetes' default ({_INT32}).",
        ),
    ]
    period_seconds: Annotated[
        int,
        Field(
            default=10,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Seconds between probes; 0 reads as 10 ({_INT32}).",
        ),
    ]
    success_threshold: Annotated[
        int,
        Field(
            default=1,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Passes to succeed; 1 for liveness probes; 0 reads as 1 ({_INT32}).",
        ),
    ]
    failure_threshold: Annotated[
        int,
        Field(
            default=3,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Failures to fail; 0 reads as 3 ({_INT32}).",
        ),
    ]

    @model_validator(mode="before")
    @classmethod
    def _zeros(cls, data: Any) -> Any:
        return probe_zeros(data)

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
