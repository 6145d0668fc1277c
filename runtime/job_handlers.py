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

from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime import user_code
from runtime.settings import PredictorSettings
from runtime.user_code import LoadError

MODULE_NAME = "cortex_job"
_BATCH_CLASSES = ("PythonPredictor", "Handler")
_BATCH_METHODS = ("predict", "handle_batch")


def merged_config(api_config: dict[str, Any], job_config: dict[str, Any]) -> dict[str, Any]:
    """The API's config with the job's keys over it (Cortex: the job's win)."""
    return {**api_config, **job_config}


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
    module = user_code.import_module(project_dir, settings, MODULE_NAME, "predictor.path")
    found = user_code.find_class(module, _BATCH_CLASSES, settings.path)
    arguments: dict[str, Any] = {
        "config": merged_config(settings.config, job_spec.get("config") or {})
    }
    if user_code.accepts(found, "job_spec"):
        arguments["job_spec"] = job_spec
    instance = user_code.construct(found, arguments)
    method = next((m for m in _BATCH_METHODS if callable(getattr(instance, m, None))), None)
    if method is None:
        raise LoadError(f"{found.__name__} has no predict(payload, batch_id) method")
    return BatchHandler(instance, method)


def load_task(project_dir: Path, settings: PredictorSettings) -> Callable[[dict[str, Any]], Any]:
    module = user_code.import_module(project_dir, settings, MODULE_NAME, "definition.path")
    instance = user_code.construct(user_code.find_class(module, ("Task",), settings.path), {})
    if not callable(instance):
        raise LoadError("Task has no __call__(self, config) method")
    task: Callable[[dict[str, Any]], Any] = instance
    return task
