"""What an API runs, shared by both forms (compute, the pod), and the container form
(`pod.containers`). The predictor form is in `predictor.py`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator

from cortex_spec import catalog, limits
from cortex_spec.models.base import (
    QUANTITY_SCHEMAS,
    QuantityValue,
    StrictModel,
    check_dns1035,
    check_image,
    fail,
)
from cortex_spec.models.cortex_edges import null_as
from cortex_spec.models.cortex_history import API_GO_V034, history
from cortex_spec.models.env import EnvName, EnvValue, check_env_name
from cortex_spec.models.probes import Exec, HttpGet, PreStop, Probe
from cortex_spec.quantities import Quantity
from runtime import contract

_CPU_DEFAULT = Quantity(Decimal("0.2"), "200m")
# The most accelerators one node of the catalog has: no request above it can be scheduled.
MAX_GPUS = max(t.gpus for t in map(catalog.instance_type, catalog.instance_type_names()) if t)
MAX_NEURON_DEVICES = max(
    t.neuron_devices for t in map(catalog.instance_type, catalog.instance_type_names()) if t
)


__all__ = [
    "Compute",
    "Container",
    "Exec",
    "HttpGet",
    "Pod",
    "PreStop",
    "Probe",
    "check_env_name",
]


class Compute(StrictModel):
    """Resources one replica (or one container) requests."""

    cpu: Annotated[
        QuantityValue,
        # validations.go (v0.42.1) lines 459-466 allowed an explicit null, which left the
        # container without a CPU request; here every container requests CPU (node fit and
        # the scheduler need it), so null reads as the default.
        BeforeValidator(null_as("200m")),
        WithJsonSchema({"anyOf": [*QUANTITY_SCHEMAS, {"type": "null"}]}),
        Field(
            default=_CPU_DEFAULT,
            description="CPU request, e.g. 500m or 2 (at least 20m); null reads as the "
            "default 200m (Cortex then requested no CPU).",
        ),
    ]
    mem: Annotated[
        QuantityValue | None,
        Field(
            default=None,
            description="Memory request, e.g. 2Gi or 4G (at least 20Mi); also the memory limit.",
        ),
    ]
    gpu: Annotated[
        int,
        Field(
            default=0,
            ge=0,
            le=MAX_GPUS,
            description=f"Whole NVIDIA GPUs (at most {MAX_GPUS}, the most of any catalog type).",
        ),
    ]
    inf: Annotated[
        int,
        Field(
            default=0,
            ge=0,
            le=MAX_NEURON_DEVICES,
            description=f"AWS Neuron devices (Inferentia; at most {MAX_NEURON_DEVICES}, the most "
            "of any catalog type).",
        ),
    ]
    shm: Annotated[
        QuantityValue | None,
        Field(default=None, description="Size of /dev/shm (memory-backed); at most `mem`."),
    ]
    node_groups: Annotated[
        list[str] | None,
        Field(
            default=None,
            description="Cortex v0.34-v0.35 place of the API's node_groups; read as the API's "
            "node_groups (predictor form only).",
            json_schema_extra=history(
                "v0.34-v0.35", "mapped", "the API's node_groups (moved there in v0.36)", API_GO_V034
            ),
        ),
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


class Container(StrictModel):
    """A user container of the container form (Cortex v0.36+)."""

    name: Annotated[str, Field(description="Container name (DNS-1035, at most 63 characters).")]
    image: Annotated[str, Field(description="Image to run, e.g. ghcr.io/org/model:1.2.")]
    command: Annotated[list[str] | None, Field(default=None, description="Entrypoint override.")]
    args: Annotated[list[str] | None, Field(default=None, description="Arguments override.")]
    env: Annotated[dict[EnvName, EnvValue], Field(default_factory=dict, description="Environment.")]
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

    @field_validator("liveness_probe")
    @classmethod
    def _liveness(cls, value: Probe | None) -> Probe | None:
        if value is not None and value.success_threshold != 1:
            # Kubernetes refuses it (core/v1 Probe: "Must be 1 for liveness and startup").
            fail(
                f"a liveness probe's success_threshold must be 1 (got {value.success_threshold})",
                "remove success_threshold from the liveness probe",
            )
        return value


# The serving container's port, the same field in every kind's pod.
ServingPort = Annotated[
    int,
    # validations.go (v0.42.1) lines 152-160 and 745: AllowExplicitNull, then 8080.
    BeforeValidator(null_as(contract.DEFAULT_PORT), json_schema_input_type=int | None),
    Field(
        default=contract.DEFAULT_PORT,
        ge=1,
        le=65535,
        description="Port the serving container listens on ($CORTEX_PORT); 8888 and 15000 "
        "are reserved; null reads as the default, as in Cortex.",
    ),
]


class Pod(StrictModel):
    """The pod: its port and concurrency limits, and (container form) its containers."""

    port: ServingPort
    max_concurrency: Annotated[
        int,
        Field(
            default=1,
            ge=1,
            le=limits.MAX_CONCURRENCY,
            description="Requests one replica runs at once (Cortex: 1-30000).",
        ),
    ]
    max_queue_length: Annotated[
        int,
        Field(
            default=100,
            ge=1,
            le=limits.MAX_CONCURRENCY,
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
        return check_pod_port(value)


def check_pod_port(value: int) -> int:
    """The serving port: any but the two the sidecars take (Cortex reserved the same)."""
    if value in contract.RESERVED_PORTS:
        fail(
            f"port {value} is reserved",
            f"ports {contract.PROXY_PORT} and {contract.ADMIN_PORT} are used by the sidecars; "
            f"use another port such as {contract.DEFAULT_PORT}",
        )
    return value


class AsyncPod(StrictModel):
    """An AsyncAPI's pod: port and concurrency (Cortex: at most 100), and its containers.
    No `max_queue_length`: requests wait in the API's queue, not in the replica."""

    port: ServingPort
    max_concurrency: Annotated[
        int,
        Field(
            default=1,
            ge=1,
            le=100,
            description="Requests one replica works on at once (the dequeuer's workers).",
        ),
    ]
    containers: Annotated[
        list[Container] | None,
        Field(default=None, min_length=1, description="Container form: the containers to run."),
    ]

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        return check_pod_port(value)
