"""The user's `PythonPredictor`: importing it as Cortex did, and one call of `predict`.

A call takes the raw request and returns the raw response, so the same code runs in a
thread of the front process or in a worker process, and only bytes cross process borders.

JSON is strict both ways (RFC 8259). A JSON payload that is not valid UTF-8 (or UTF-16/32,
which Python's json detects), is nested too deeply, or uses `NaN`/`Infinity` is the
client's error: 400. A result JSON cannot represent (`NaN`, `Infinity`, a type json does
not know) is the predictor's: 500 with the reason, and the traceback in the log, never a
200 whose body is not JSON.
"""

from __future__ import annotations

import inspect
import json
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from runtime import user_code
from runtime.onnx_client import OnnxClient
from runtime.settings import PredictorSettings
from runtime.user_code import LoadError
from runtime.user_code import short as _short

MODULE_NAME = "cortex_predictor"
# The class each predictor type defines (Cortex v0.20-v0.32 docs/deployments/predictors.md).
CLASS_NAMES = {"python": "PythonPredictor", "onnx": "ONNXPredictor"}
_OPTIONAL_ARGUMENTS = ("query_params", "headers")
JSON = b"application/json"
TEXT = b"text/plain; charset=utf-8"
OCTETS = b"application/octet-stream"


class Request(NamedTuple):
    body: bytes
    content_type: bytes
    query_string: bytes
    headers: list[tuple[bytes, bytes]]


class Outcome(NamedTuple):
    status: int
    content_type: bytes
    body: bytes
    error: str | None = None
    traceback: str | None = None


def error_outcome(status: int, message: str, trace: str | None = None) -> Outcome:
    return Outcome(status, JSON, json.dumps({"error": message}).encode(), message, trace)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# Module-level instances: json.loads and json.dumps build a new decoder or encoder on every
# call that passes an option, which costs more than decoding a small payload.
_DECODER = json.JSONDecoder(parse_constant=_no_constants)
_ENCODER = json.JSONEncoder(allow_nan=False)


def _loads(body: bytes) -> Any:
    if not body:
        return None
    try:
        return _DECODER.decode(body.decode(json.detect_encoding(body)))
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def _dumps(result: Any) -> bytes:
    try:
        return _ENCODER.encode(result).encode()
    except ValueError as error:  # NaN or Infinity, an integer too long to print
        reason = str(error)
    except RecursionError:
        reason = "it is nested too deeply"
    raise ValueError(f"predict() returned something JSON cannot represent: {reason}")


class Predictor:
    """A constructed `PythonPredictor` and the optional arguments its `predict` declares."""

    def __init__(self, instance: Any) -> None:
        predict = getattr(instance, "predict", None)
        if not callable(predict):
            raise LoadError("PythonPredictor has no predict(self, payload) method")
        parameters = inspect.signature(predict).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        self._predict = predict
        self._extra = tuple(a for a in _OPTIONAL_ARGUMENTS if takes_any or a in parameters)

    def __call__(self, request: Request) -> Outcome:
        try:
            payload = _decode(request)
        except ValueError as error:
            return error_outcome(400, f"cannot read the payload: {error}")
        try:
            if self._extra:
                return _encode(self._predict(payload, **self._arguments(request)))
            return _encode(self._predict(payload))
        except Exception as error:
            return error_outcome(500, _short(error), traceback.format_exc())

    def batch(self, requests: Sequence[Request]) -> list[Outcome]:
        """One `predict` call on a batch (server-side batching): lists in, a list out.

        A payload that cannot be read gets its 400 and stays out of the batch; whatever
        goes wrong with the call itself answers every request of the batch with a 500.
        """
        outcomes: list[Outcome | None] = [None] * len(requests)
        payloads: list[Any] = []
        taken: list[int] = []
        for index, request in enumerate(requests):
            try:
                payloads.append(_decode(request))
                taken.append(index)
            except ValueError as error:
                outcomes[index] = error_outcome(400, f"cannot read the payload: {error}")
        if taken:
            for index, outcome in zip(
                taken, self._batch_call(requests, taken, payloads), strict=True
            ):
                outcomes[index] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    def _batch_call(
        self, requests: Sequence[Request], taken: list[int], payloads: list[Any]
    ) -> list[Outcome]:
        try:
            if self._extra:
                each = [self._arguments(requests[index]) for index in taken]
                lists = {name: [arguments[name] for arguments in each] for name in self._extra}
                results = self._predict(payloads, **lists)
            else:
                results = self._predict(payloads)
        except Exception as error:
            failed = error_outcome(500, _short(error), traceback.format_exc())
            # The traceback is logged once for the batch, not once per request.
            return [failed] + [failed._replace(traceback=None)] * (len(taken) - 1)
        # Cortex's words (batching.py, v0.33.0) for a result that is not a list.
        if not isinstance(results, list):
            message = (
                "please return a list when using server side batching, got "
                f"{type(results).__name__}"
            )
            return [error_outcome(500, message)] * len(taken)
        if len(results) != len(taken):
            message = f"predict() returned {len(results)} results for {len(taken)} payloads"
            return [error_outcome(500, message)] * len(taken)
        outcomes = []
        for result in results:
            try:
                outcomes.append(_encode(result))
            except ValueError as error:
                outcomes.append(error_outcome(500, _short(error)))
        return outcomes

    def _arguments(self, request: Request) -> dict[str, Any]:
        arguments: dict[str, Any] = {}
        if "query_params" in self._extra:
            query = request.query_string.decode("latin-1")
            arguments["query_params"] = dict(parse_qsl(query, keep_blank_values=True))
        if "headers" in self._extra:
            arguments["headers"] = _headers(request.headers)
        return arguments


def _decode(request: Request) -> Any:
    if request.content_type == JSON:
        return _loads(request.body)
    kind, _, params = request.content_type.decode("latin-1").partition(";")
    kind = kind.strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        return _loads(request.body)
    if kind.startswith("text/"):
        charset = "utf-8"
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return request.body.decode(charset)
        except LookupError:
            raise ValueError(f"unknown charset {charset!r}") from None
        except UnicodeError as error:
            raise ValueError(f"the body is not {charset}: {error}") from None
    return request.body


def _encode(result: Any) -> Outcome:
    kind = type(result)
    if kind is not dict and kind is not list:
        if isinstance(result, bytes | bytearray | memoryview):
            return Outcome(200, OCTETS, bytes(result))
        if isinstance(result, str):
            return Outcome(200, TEXT, result.encode())
    return Outcome(200, JSON, _dumps(result))


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


def load_predictor(project_dir: Path, settings: PredictorSettings) -> Predictor:
    """Import the predictor's module (runtime/user_code.py) and construct its class."""
    module = user_code.import_module(project_dir, settings, MODULE_NAME, "predictor.path")
    predictor_class = user_code.find_class(module, (CLASS_NAMES[settings.type],), settings.path)
    arguments: dict[str, Any] = {"config": settings.config}
    if settings.type == "onnx":
        assert settings.model_path is not None
        arguments["onnx_client"] = _onnx_client(project_dir.resolve() / settings.model_path)
    return Predictor(user_code.construct(predictor_class, arguments))


def _onnx_client(model_file: Path) -> Any:
    if not model_file.is_file():
        raise LoadError(f"predictor.model_path {model_file.name} is not in the project bundle")
    try:
        return OnnxClient(model_file)
    except Exception as error:
        raise LoadError(f"loading the ONNX model failed: {_short(error)}") from error
