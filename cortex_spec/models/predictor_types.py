"""Cortex's predictor types beyond `python`: what each needs, checked on `predictor:`.

`onnx` (Cortex v0.20-v0.32, `pkg/types/userconfig/predictor_type.go`): an `ONNXPredictor`
class constructed with an `onnx_client` that runs the model at `model_path` with ONNX
Runtime, served by the runtime image's `onnx` variant. Cortex downloaded `model_path` from
S3; cortex-infra ships it in the API's bundle instead, so it must be a file there.
"""

from __future__ import annotations

from typing import Final

from cortex_spec.models.base import fail, shown
from cortex_spec.models.cortex_history import unsupported_message
from cortex_spec.project_files import check_relative

# Cortex's docs of server-side batching name the Python and TensorFlow predictors only
# (docs/workloads/realtime/server-side-batching.md at v0.33.0).
BATCHING_DOC: Final = (
    "https://github.com/cortexlabs/cortex/blob/v0.33.0/docs/workloads/realtime/"
    "server-side-batching.md"
)


def check_model_path(kind: str, model_path: str | None, batching: bool) -> None:
    """`model_path` as the predictor type needs it, and batching only where Cortex had it."""
    if kind == "python":
        if model_path is not None:
            fail(
                unsupported_message("v0.20-v0.24", "Cortex's model downloader"),
                "load the model in PythonPredictor.__init__ from a path in predictor.config",
                code="cortex_unsupported",
            )
        return
    if model_path is None:
        fail(
            f"type: {kind} needs predictor.model_path, the model its client serves",
            "e.g. model_path: model.onnx (a file next to cortex.yaml, shipped in the bundle)",
        )
    if "://" in model_path:
        fail(
            unsupported_message(
                "v0.20-v0.24",
                f"a model_path URL ({shown(model_path)}): cortex-infra does not download models "
                "as Cortex's model downloader did",
            ),
            "copy the .onnx file into the spec's folder and set model_path to its relative "
            "path, e.g. model_path: model.onnx; it is then shipped in the API's bundle",
            code="cortex_unsupported",
        )
    if not model_path.endswith(".onnx"):
        fail(
            f"model_path {shown(model_path)} is not an .onnx file",
            "point model_path at the model file itself, e.g. model_path: model.onnx",
        )
    check_relative(model_path, "predictor.model_path")
    if batching:
        fail(
            f"server_side_batching is not supported for the {kind} predictor type (Cortex "
            f"batched Python and TensorFlow predictors only: {BATCHING_DOC})",
            "drop server_side_batching; threads_per_process runs requests concurrently",
        )
