"""The user's code of the job kinds' predictor form, imported as Cortex did.

BatchAPI (Cortex v0.20-v0.33 docs/workloads/batch/predictors.md; v0.34-v0.35 renamed it
`Handler`, docs/workloads/batch/handler.md): a class `PythonPredictor` (or `Handler`)
constructed with `config` (the API's config, overridden key by key by the job's) and, when
its constructor takes it, `job_spec`; `predict(payload, batch_id)` (or
`handle_batch(payload, batch_id)`) is called once per batch, `on_job_complete()` (optional)
once when every batch is done.

TaskAPI (v0.27-v0.35 docs/workloads/task/definitions.md): a class `Task` whose instance is
called once, `Task()(config)`.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.predictor import LoadError
from runtime.settings import PredictorSettings

MODULE_NAME = "cortex_job"
_BATCH_CLASSES = ("PythonPredictor", "Handler")
_BATCH_METHODS = ("predict", "handle_batch")


def merged_config(api_config: dict[str, Any], job_config: dict[str, Any]) -> dict[str, Any]:
    """The API's config with the job's keys over it (Cortex: the job's win)."""
    return {**api_config, **job_config}


def _module(project_dir: Path, settings: PredictorSettings) -> Any:
    root = project_dir.resolve()
    paths = [str(root)]
    if settings.python_path:
        paths.append(str((root / settings.python_path).resolve()))
    sys.path[0:0] = [p for p in paths if p not in sys.path]
    source = root / settings.path
    if not source.is_file():
        raise LoadError(f"{settings.path} is not in the project bundle")
    spec = importlib.util.spec_from_file_location(MODULE_NAME, source)
    if spec is None or spec.loader is None:
        raise LoadError(f"cannot import {settings.path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise LoadError(
            f"importing {settings.path} failed: {type(error).__name__}: {error}"
        ) from error
    return module


class BatchHandler:
    """One constructed batch predictor: `handle(payload, batch_id)`, `complete()`."""

    def __init__(self, instance: Any, method: str) -> None:
        self._handle: Callable[[Any, str], Any] = getattr(instance, method)
        finish = getattr(instance, "on_job_complete", None)
        self._complete: Callable[[], Any] | None = finish if callable(finish) else None

    def handle(self, payload: Any, batch_id: str) -> None:
        self._handle(payload, batch_id)

    def complete(self) -> None:
        if self._complete is not None:
            self._complete()


def load_batch(
    project_dir: Path, settings: PredictorSettings, job_spec: dict[str, Any]
) -> BatchHandler:
    module = _module(project_dir, settings)
    found = next((getattr(module, n) for n in _BATCH_CLASSES if hasattr(module, n)), None)
    if not inspect.isclass(found):
        raise LoadError(f"{settings.path} defines neither PythonPredictor nor Handler")
    config = merged_config(settings.config, job_spec.get("config") or {})
    parameters = inspect.signature(found).parameters
    arguments: dict[str, Any] = {"config": config}
    if "job_spec" in parameters:
        arguments["job_spec"] = job_spec
    try:
        instance = found(**arguments)
    except Exception as error:
        raise LoadError(
            f"{found.__name__}(config) failed: {type(error).__name__}: {error}"
        ) from error
    method = next((m for m in _BATCH_METHODS if callable(getattr(instance, m, None))), None)
    if method is None:
        raise LoadError(f"{found.__name__} has no predict(payload, batch_id) method")
    return BatchHandler(instance, method)


def load_task(project_dir: Path, settings: PredictorSettings) -> Callable[[dict[str, Any]], Any]:
    module = _module(project_dir, settings)
    found = getattr(module, "Task", None)
    if not inspect.isclass(found):
        raise LoadError(f"{settings.path} does not define a class Task")
    try:
        instance = found()
    except Exception as error:
        raise LoadError(f"Task() failed: {type(error).__name__}: {error}") from error
    if not callable(instance):
        raise LoadError("Task has no __call__(self, config) method")
    task: Callable[[dict[str, Any]], Any] = instance
    return task
