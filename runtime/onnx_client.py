"""The `onnx_client` Cortex gave an `ONNXPredictor` (Cortex v0.20-v0.32), on ONNX Runtime.

Cortex's interface (docs/deployments/predictors.md at v0.20.0, and its client,
pkg/workloads/cortex/lib/client/onnx.py): `ONNXPredictor.__init__(self, onnx_client, config)`
and `onnx_client.predict(model_input, model_name=None, model_version=None)`, which turns the
input into one numpy array per model input and returns `session.run` of every output. With
one input, the payload is either that input's value or a dictionary keyed by its name; with
several, a dictionary keyed by their names. Each value becomes an array of the input's type
and, when at most one dimension is unknown, of its shape, as Cortex did.

One model, the file `model_path` of the bundle: no S3 download, no versions, no
multi-model cache. `onnxruntime` and `numpy` are in the runtime image's `onnx` variant only,
so they are imported when an onnx predictor loads, never by the python form.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

# ONNX tensor types as onnxruntime names them (NodeArg.type) -> numpy dtype names.
_NUMPY_TYPES = {
    "tensor(float16)": "float16",
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(int8)": "int8",
    "tensor(int16)": "int16",
    "tensor(int32)": "int32",
    "tensor(int64)": "int64",
    "tensor(uint8)": "uint8",
    "tensor(uint16)": "uint16",
    "tensor(uint32)": "uint32",
    "tensor(uint64)": "uint64",
    "tensor(bool)": "bool",
    "tensor(string)": "object",
}


class ModelInputError(ValueError):
    """The payload does not fit the model's inputs; the message says how."""


class OnnxClient:
    """One ONNX Runtime session over the bundle's `model_path`."""

    def __init__(self, model_file: Path) -> None:
        try:
            runtime = importlib.import_module("onnxruntime")
            self._numpy = importlib.import_module("numpy")
        except ImportError as error:
            raise ImportError(
                f"{error.name} is not installed: type: onnx runs on the runtime image's onnx "
                "variant (runtime/requirements-onnx.lock)"
            ) from error
        self.model_name = model_file.stem
        self.session = runtime.InferenceSession(str(model_file), providers=["CPUExecutionProvider"])
        self.inputs = list(self.session.get_inputs())

    def predict(
        self, model_input: Any, model_name: str | None = None, model_version: str | None = None
    ) -> list[Any]:
        """Every output of the model for `model_input` (a list of numpy arrays)."""
        if model_name is not None and model_name != self.model_name:
            raise ModelInputError(
                f"'{model_name}' model wasn't found: this API serves one model, '{self.model_name}'"
            )
        if model_version not in (None, "latest", "1"):
            raise ModelInputError(f"model version {model_version} wasn't found: only one version")
        outputs: list[Any] = self.session.run(None, self._feed(model_input))
        return outputs

    def _feed(self, model_input: Any) -> dict[str, Any]:
        names = [meta.name for meta in self.inputs]
        if len(self.inputs) == 1 and not isinstance(model_input, dict):
            return {names[0]: self._array(model_input, self.inputs[0])}
        if not isinstance(model_input, dict):
            raise ModelInputError(
                f"expected a dictionary with keys {', '.join(names)} for model '{self.model_name}'"
            )
        missing = [name for name in names if model_input.get(name) is None]
        if missing:
            raise ModelInputError(f"missing key '{missing[0]}' for model '{self.model_name}'")
        return {meta.name: self._array(model_input[meta.name], meta) for meta in self.inputs}

    def _array(self, value: Any, meta: Any) -> Any:
        dtype = _NUMPY_TYPES.get(meta.type)
        if dtype is None:
            raise ModelInputError(f"input '{meta.name}' has type {meta.type}, which JSON lacks")
        # A named (symbolic) dimension is unknown; a missing one is taken as 1, as in Cortex.
        shape = [-1 if isinstance(d, str) else d if isinstance(d, int) else 1 for d in meta.shape]
        try:
            array = self._numpy.asarray(value, dtype=dtype)
            if shape.count(-1) <= 1:
                array = array.reshape(shape)
        except (TypeError, ValueError) as error:
            raise ModelInputError(
                f"input '{meta.name}' of model '{self.model_name}' wants {meta.type} of shape "
                f"{meta.shape}: {error}"
            ) from error
        return array
