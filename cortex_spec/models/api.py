"""`apis[]` — a RealtimeAPI: its endpoint, autoscaling, rollout and workload."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator

from cortex_spec import naming
from cortex_spec.models.base import DurationValue, StrictModel, check_dns1035, fail
from cortex_spec.models.workload import Compute, Pod, Predictor
from cortex_spec.quantities import Duration
from runtime import contract

SUPPORTED_KINDS = ("RealtimeAPI",)
CORTEX_KINDS = ("RealtimeAPI", "AsyncAPI", "BatchAPI", "TaskAPI", "TrafficSplitter")

_ENDPOINT = re.compile(r"^/?[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_PERCENT = re.compile(r"^(\d{1,3})%$")


def _duration(seconds: int, text: str) -> Duration:
    return Duration(Decimal(seconds), text)


class Networking(StrictModel):
    endpoint: Annotated[
        str | None,
        Field(default=None, description="URL path on the shared load balancer; default /<name>."),
    ]
    api_gateway: Annotated[
        Literal["public", "none"] | None,
        Field(default=None, deprecated=True, description="Cortex v0.20 only; ignored."),
    ]
    local_port: Annotated[
        int | None,
        Field(default=None, deprecated=True, description="Cortex local mode only; ignored."),
    ]

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value.rstrip("/")) > naming.ENDPOINT_MAX:
            fail(
                f"must be at most {naming.ENDPOINT_MAX} characters (got {len(value)})",
                "shorten the endpoint (the router's routes take endpoints of at most "
                f"{naming.ENDPOINT_MAX} characters)",
            )
        if not _ENDPOINT.match(value) or "//" in value:
            fail(f'"{value}" is not a valid URL path', "write it like /text-embedder")
        return value


class Autoscaling(StrictModel):
    """Cortex's request-based autoscaling knobs, with Cortex's defaults."""

    min_replicas: Annotated[
        int, Field(default=1, ge=0, description="Fewest replicas; 0 scales to zero.")
    ]
    max_replicas: Annotated[int, Field(default=100, ge=1, description="Most replicas.")]
    init_replicas: Annotated[
        int | None, Field(default=None, ge=0, description="Replicas at first deploy; default min.")
    ]
    target_in_flight: Annotated[
        float | None,
        Field(
            default=None,
            gt=0,
            description="In-flight requests (running + queued) per replica to aim for; default "
            "pod.max_concurrency.",
        ),
    ]
    window: Annotated[
        DurationValue,
        Field(
            default=_duration(60, "60s"),
            description="Averaging window of the in-flight metric; a multiple of 10s.",
        ),
    ]
    downscale_stabilization_period: Annotated[
        DurationValue,
        Field(default=_duration(300, "5m"), description="How long a scale-down must be wanted."),
    ]
    upscale_stabilization_period: Annotated[
        DurationValue,
        Field(default=_duration(60, "1m"), description="How long a scale-up must be wanted."),
    ]
    max_downscale_factor: Annotated[
        float, Field(default=0.75, ge=0, lt=1, description="Largest step down, as a fraction.")
    ]
    max_upscale_factor: Annotated[
        float, Field(default=1.5, gt=1, description="Largest step up, as a multiple.")
    ]
    downscale_tolerance: Annotated[
        float, Field(default=0.05, ge=0, lt=1, description="Ignore dips smaller than this.")
    ]
    upscale_tolerance: Annotated[
        float, Field(default=0.05, ge=0, description="Ignore rises smaller than this.")
    ]

    @field_validator("window")
    @classmethod
    def _window(cls, value: Duration) -> Duration:
        if value.seconds < 10 or value.seconds % 10 != 0:
            fail(
                f"must be a multiple of 10s and at least 10s (got {value})",
                "the autoscaler samples every 10s; use 10s, 60s, 2m, ...",
            )
        return value


def _check_step(value: int | str) -> int | str:
    if isinstance(value, int):
        if value < 0:
            fail(f"must be at least 0 (got {value})", "use an integer >= 0 or a percentage")
        return value
    match = _PERCENT.match(value)
    if match is None or int(match[1]) > 100:
        fail(f'"{value}" is not an integer or a percentage 0-100%', 'write it like 1 or "25%"')
    return value


class UpdateStrategy(StrictModel):
    max_surge: Annotated[
        int | str, Field(default="25%", description="Extra pods during a rollout (int or N%).")
    ]
    max_unavailable: Annotated[
        int | str,
        Field(default="25%", description="Pods that may be down during a rollout (int or N%)."),
    ]

    @field_validator("max_surge", "max_unavailable")
    @classmethod
    def _step(cls, value: int | str) -> int | str:
        return _check_step(value)


@dataclass(frozen=True)
class Request:
    """What one replica asks the scheduler for, sidecars included."""

    cpu_millis: int
    memory_bytes: int
    gpu: int
    inf: int


class RealtimeAPI(StrictModel):
    """A synchronous HTTP API behind the shared load balancer."""

    name: Annotated[str, Field(description="API name (DNS-1035, at most 42 characters).")]
    kind: Annotated[Literal["RealtimeAPI"], Field(description="API kind; RealtimeAPI.")]
    networking: Annotated[
        Networking, Field(default_factory=Networking, description="Endpoint path.")
    ]
    node_groups: Annotated[
        list[str] | None,
        Field(default=None, description="Node groups it may run on; default all that fit."),
    ]
    autoscaling: Annotated[
        Autoscaling, Field(default_factory=Autoscaling, description="Replica autoscaling.")
    ]
    update_strategy: Annotated[
        UpdateStrategy, Field(default_factory=UpdateStrategy, description="Rolling updates.")
    ]
    predictor: Annotated[
        Predictor | None, Field(default=None, description="Predictor form: predictor.py.")
    ]
    compute: Annotated[
        Compute | None, Field(default=None, description="Predictor form: replica resources.")
    ]
    pod: Annotated[
        Pod | None,
        Field(default=None, description="Port and concurrency; container form: containers."),
    ]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_dns1035(value, "API name", 42)

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        containers = self.pod.containers if self.pod else None
        if self.predictor is None and not containers:
            fail(
                "needs a predictor or pod.containers",
                "add predictor: {type: python, path: predictor.py} or pod: {containers: [...]}",
            )
        if self.predictor is not None and containers:
            fail(
                "has both predictor and pod.containers",
                "keep one form: predictor (served by the runtime image) or pod.containers",
            )
        if containers and self.compute is not None:
            fail(
                "compute belongs inside each container in the container form",
                "move compute under pod.containers[*].compute",
            )
        return self

    @property
    def form(self) -> Literal["predictor", "container"]:
        return "predictor" if self.predictor is not None else "container"

    @property
    def endpoint(self) -> str:
        raw = self.networking.endpoint or self.name
        return raw if raw.startswith("/") else f"/{raw}"

    @property
    def port(self) -> int:
        return self.pod.port if self.pod else contract.DEFAULT_PORT

    @property
    def max_concurrency(self) -> int:
        return self.pod.max_concurrency if self.pod else 1

    @property
    def max_queue_length(self) -> int:
        return self.pod.max_queue_length if self.pod else 100

    @property
    def init_replicas(self) -> int:
        scaling = self.autoscaling
        return scaling.min_replicas if scaling.init_replicas is None else scaling.init_replicas

    @property
    def target_in_flight(self) -> float:
        target = self.autoscaling.target_in_flight
        return float(self.max_concurrency) if target is None else target

    @property
    def computes(self) -> list[Compute]:
        if self.predictor is not None:
            return [self.compute or Compute.model_validate({})]
        return [
            c.compute for c in (self.pod.containers if self.pod and self.pod.containers else [])
        ]

    @property
    def request(self) -> Request:
        computes = self.computes
        sidecar = self.form == "container"
        return Request(
            cpu_millis=sum(c.cpu.millis for c in computes)
            + (contract.PROXY_CPU_MILLIS if sidecar else 0),
            memory_bytes=sum(c.mem.whole for c in computes if c.mem)
            + (contract.PROXY_MEMORY_MIB * 2**20 if sidecar else 0),
            gpu=sum(c.gpu for c in computes),
            inf=sum(c.inf for c in computes),
        )

    @property
    def accelerator(self) -> Literal["none", "nvidia", "neuron"]:
        request = self.request
        if request.gpu:
            return "nvidia"
        return "neuron" if request.inf else "none"
