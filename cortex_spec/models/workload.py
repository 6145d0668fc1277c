"""What an API runs: the predictor form, or the container form (`pod.containers`)."""

from __future__ import annotations

import posixpath
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator

from cortex_spec import catalog, limits
from cortex_spec.models.base import (
    QUANTITY_SCHEMAS,
    DurationValue,
    QuantityValue,
    StrictModel,
    check_dns1035,
    check_image,
    fail,
    shown,
)
from cortex_spec.models.cortex_edges import null_as
from cortex_spec.models.cortex_history import (
    API_GO_V020,
    API_GO_V033,
    API_GO_V034,
    VALIDATIONS_V033,
    history,
    unsupported,
)
from cortex_spec.models.env import EnvName, EnvValue, check_env_name
from cortex_spec.models.predictor_types import check_model_path
from cortex_spec.models.probes import Exec, HttpGet, PreStop, Probe
from cortex_spec.project_files import check_relative
from cortex_spec.quantities import Duration, Quantity
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
    "Predictor",
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


class ServerSideBatching(StrictModel):
    """Cortex's server-side batching (v0.20-v0.35, `ServerSideBatching` in api.go)."""

    max_batch_size: Annotated[
        int,
        Field(
            ge=2,
            le=1024,
            description="Most requests per batch (Cortex: 2 to 1024, 'an arbitrary limit').",
        ),
    ]
    batch_interval: Annotated[
        DurationValue,
        Field(description="Longest wait for a batch to fill, e.g. 100ms (> 0)."),
    ]

    @field_validator("batch_interval")
    @classmethod
    def _interval(cls, value: Duration) -> Duration:
        if value.seconds <= 0:
            fail(f"must be greater than 0s (got {value})", "write it like 100ms or 1s")
        return value


class DependencyFiles(StrictModel):
    """Cortex's `dependencies` (v0.30-v0.35): the names of the three dependency files."""

    pip: Annotated[str, Field(default="requirements.txt", description="pip requirements file.")]
    conda: Annotated[str, Field(default="conda-packages.txt", description="conda packages file.")]
    shell: Annotated[str, Field(default="dependencies.sh", description="Shell script.")]

    @model_validator(mode="after")
    def _defaults_only(self) -> Self:
        for field in ("pip", "conda", "shell"):
            value = getattr(self, field)
            default = type(self).model_fields[field].default
            if value != default:
                fail(
                    f"Cortex v0.30-v0.35 field dependencies.{field}, not supported by "
                    f"cortex-infra with a name other than {default} (got {value})",
                    f"rename {value} to {default} at the bundle root and drop dependencies.{field}",
                    code="cortex_unsupported",
                )
        return self


class Predictor(StrictModel):
    """The predictor form (Cortex's original): a PythonPredictor served by the runtime image."""

    type: Annotated[
        Literal["python", "onnx"],
        Field(
            description="Predictor kind: python (a PythonPredictor) or onnx (an ONNXPredictor "
            "given an onnx_client for model_path, Cortex v0.20-v0.32; served by the runtime "
            "image's onnx variant, on CPU nodes)."
        ),
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
    env: Annotated[dict[EnvName, EnvValue], Field(default_factory=dict, description="Environment.")]
    processes_per_replica: Annotated[
        int,
        Field(
            default=1,
            ge=1,
            le=limits.MAX_PROCESSES,
            description="Worker processes per replica (Cortex: 1-100).",
        ),
    ]
    threads_per_process: Annotated[
        int,
        Field(
            default=1,
            ge=1,
            le=limits.MAX_CONCURRENCY,
            description="Threads per worker process; at most 30000, pod.max_concurrency's "
            "bound, since a replica never runs more requests at once.",
        ),
    ]
    server_side_batching: Annotated[
        ServerSideBatching | None,
        Field(
            default=None,
            description="Cortex v0.20-v0.35 server-side batching: each process gathers up "
            "to max_batch_size requests (or what arrives within batch_interval of the first) "
            "and predict() gets lists (payload, query_params, headers) and returns a list, one "
            "answer per request. max_batch_size must equal threads_per_process, as in Cortex.",
            json_schema_extra=history(
                "v0.20-v0.35",
                "supported",
                "served by the runtime as Cortex's batcher did: predict() gets lists and "
                "returns one answer per request",
                API_GO_V033,
            ),
        ),
    ]
    shm_size: Annotated[
        QuantityValue | None,
        Field(
            default=None,
            description="Cortex v0.26-v0.35 size of /dev/shm; read as compute.shm.",
            json_schema_extra=history("v0.26-v0.35", "mapped", "compute.shm", API_GO_V033),
        ),
    ]
    log_level: Annotated[
        Literal["debug", "info", "warning", "error"] | None,
        Field(
            default=None,
            description="Cortex v0.26-v0.35 log level of the predictor; sets CORTEX_LOG_LEVEL "
            "(default info).",
            json_schema_extra=history(
                "v0.26-v0.35", "mapped", "the runtime's CORTEX_LOG_LEVEL", VALIDATIONS_V033
            ),
        ),
    ]
    dependencies: Annotated[
        DependencyFiles | None,
        Field(
            default=None,
            description="Cortex v0.30-v0.35 names of the dependency files; only Cortex's "
            "defaults (requirements.txt, dependencies.sh) are read.",
            json_schema_extra=history(
                "v0.30-v0.35",
                "mapped",
                "requirements.txt and dependencies.sh at the bundle root (defaults only)",
                VALIDATIONS_V033,
            ),
        ),
    ]
    protobuf_path: Annotated[
        Any,
        unsupported(
            "v0.32-v0.35",
            "gRPC serving (the router and load balancer speak HTTP to the runtime)",
            "serve HTTP from predictor.py, or run a gRPC server in the container form",
            API_GO_V033,
        ),
    ]
    models: Annotated[
        Any,
        unsupported(
            "v0.20-v0.35",
            "Cortex's model downloader and multi-model cache",
            "load the model in PythonPredictor.__init__ from a path in predictor.config",
            API_GO_V033,
        ),
    ]
    multi_model_reloading: Annotated[
        Any,
        unsupported(
            "v0.25-v0.35",
            "live reloading of models from S3",
            "load the model in PythonPredictor.__init__; roll a new version by changing the spec",
            API_GO_V033,
        ),
    ]
    model_path: Annotated[
        str | None,
        Field(
            default=None,
            description="type: onnx: the .onnx file (relative to the spec's folder, shipped "
            "in the API's bundle) that onnx_client runs. Cortex also downloaded it from S3; "
            "cortex-infra does not. Refused for type: python, as in Cortex.",
            json_schema_extra=history(
                "v0.20-v0.24",
                "supported",
                "type: onnx: a .onnx file of the API's bundle (not an S3 URL); refused for "
                "type: python",
                API_GO_V020,
            ),
        ),
    ]
    signature_key: Annotated[
        Any,
        unsupported(
            "v0.20-v0.24",
            "TensorFlow signature selection of Cortex's TensorFlow predictor",
            "select the signature in predictor.py",
            API_GO_V020,
        ),
    ]
    tensorflow_serving_image: Annotated[
        Any,
        unsupported(
            "v0.20-v0.35",
            "an override of the TensorFlow Serving sidecar image",
            "drop it; the TensorFlow Serving image is pinned by cortex-infra",
            API_GO_V033,
        ),
    ]

    @model_validator(mode="after")
    def _model(self) -> Self:
        batching = self.server_side_batching is not None
        check_model_path(self.type, self.model_path, batching)
        return self

    @model_validator(mode="after")
    def _batching(self) -> Self:
        batching = self.server_side_batching
        # validations.go (v0.33.0) validatePythonPredictor: each thread of a process serves one
        # request of the batch, so the batch can never be larger than the threads.
        if batching is not None and batching.max_batch_size != self.threads_per_process:
            fail(
                f"threads_per_process ({self.threads_per_process}) must be equal to "
                f"max_batch_size ({batching.max_batch_size}) when using server side batching "
                "with the python predictor",
                f"set threads_per_process: {batching.max_batch_size}",
            )
        return self

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: object) -> object:
        # pkg/types/userconfig/predictor_type.go: tensorflow v0.20-v0.35.
        if value == "tensorflow":
            fail(
                "Cortex v0.20-v0.35 predictor type tensorflow, not supported by "
                "cortex-infra yet: no TensorFlow Serving container is planned",
                "use type: python and load the model in predictor.py (tensorflow), or the "
                "container form (pod.containers) with a TensorFlow Serving image",
                code="cortex_unsupported",
            )
        return value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.endswith(".py") or value.startswith("/"):
            fail(
                f'"{shown(value)}" is not a relative path to a .py file',
                "e.g. path: predictor.py",
            )
        return check_relative(value, "predictor.path")

    @field_validator("python_path")
    @classmethod
    def _python_path(cls, value: str | None) -> str | None:
        return None if value is None else check_relative(value, "predictor.python_path")

    @field_validator("bundle_root")
    @classmethod
    def _bundle_root(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value or value.startswith("/") or "\\" in value:
            fail(
                f'"{shown(value)}" is not a relative folder path',
                "e.g. bundle_root: apis/sentiment",
            )
        if posixpath.normpath(value).split("/")[0] == "..":
            fail(
                f'"{shown(value)}" leaves the spec\'s folder',
                "the bundle root must be the spec's folder or a folder inside it",
            )
        return check_relative(value, "predictor.bundle_root")

    @field_validator("image")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        return None if value is None else check_image(value)
