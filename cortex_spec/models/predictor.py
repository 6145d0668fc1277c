"""`predictor:`, the predictor form (Cortex's original): a Python (or ONNX) predictor that the
runtime image serves, with the Cortex v0.20-v0.35 fields it still reads.

Separate from `workload.py`, which holds what both forms share (compute, probes) and the
container form: the predictor form carries most of Cortex's field history on its own.
"""

from __future__ import annotations

import posixpath
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from cortex_spec import limits
from cortex_spec.models.base import (
    QuantityValue,
    StrictModel,
    check_image,
    fail,
    shown,
)
from cortex_spec.models.cortex_history import (
    API_GO_V020,
    API_GO_V033,
    VALIDATIONS_V033,
    history,
    unsupported,
)
from cortex_spec.models.env import EnvName, EnvValue
from cortex_spec.models.predictor_options import DependencyFiles, ServerSideBatching
from cortex_spec.models.predictor_types import check_model_path
from cortex_spec.project_files import check_relative

__all__ = ["Predictor"]


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
