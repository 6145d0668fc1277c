"""The user's code, imported as Cortex did: one loader for every kind that runs a module of
the project bundle (RealtimeAPI's predictor in runtime/predictor.py, BatchAPI's predictor and
TaskAPI's definition in runtime/job_handlers.py).

The project folder, then `python_path`, go first on sys.path (so the module's own imports
find the bundle's files before anything installed); the file is imported by path under a
fixed module name (it need not be a valid module name); its class is constructed with the
arguments its kind passes. Every way this fails is a `LoadError` whose message names the
file, the class or the call, and the error: the pod logs it and never serves half-loaded.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from runtime.settings import PredictorSettings

MESSAGE_LIMIT: Final = 500


class LoadError(Exception):
    """The user's code could not be imported or constructed; the message says why."""

    def __init__(self, message: str, trace: str | None = None) -> None:
        super().__init__(message)
        self.trace = trace


def short(error: BaseException) -> str:
    """`Type: message`, cut at MESSAGE_LIMIT characters (a message can hold a whole payload)."""
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def import_module(
    project_dir: Path, settings: PredictorSettings, module_name: str, field: str
) -> ModuleType:
    """Import `settings.path` of the project as `module_name`; `field` names the YAML key
    that points at the file (`predictor.path`, `definition.path`) in the error."""
    root = project_dir.resolve()
    paths = [str(root)]
    if settings.python_path:
        paths.append(str((root / settings.python_path).resolve()))
    sys.path[0:0] = [p for p in paths if p not in sys.path]
    source = root / settings.path
    if not source.is_file():
        raise LoadError(f"{field} {settings.path} is not in the project bundle")
    spec = importlib.util.spec_from_file_location(module_name, source)
    if spec is None or spec.loader is None:
        raise LoadError(f"cannot import {settings.path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise LoadError(f"importing {settings.path} failed: {short(error)}") from error
    return module


def find_class(module: ModuleType, names: tuple[str, ...], path: str) -> type:
    """The first of `names` the module defines as a class (Cortex renamed some over time)."""
    for name in names:
        found = getattr(module, name, None)
        if inspect.isclass(found):
            return found
    if len(names) == 1:
        raise LoadError(f"{path} does not define a class {names[0]}")
    raise LoadError(f"{path} defines neither {' nor '.join(names)}")


def accepts(cls: type, name: str) -> bool:
    """Whether the class's constructor declares `name` (Cortex passed some arguments only to
    the constructors that ask for them)."""
    return name in inspect.signature(cls).parameters


def construct(cls: type, arguments: dict[str, Any]) -> Any:
    """`cls(**arguments)`; whatever the user's constructor raises is a LoadError."""
    try:
        return cls(**arguments)
    except Exception as error:
        call = f"{cls.__name__}({', '.join(arguments)})"
        raise LoadError(f"{call} failed: {short(error)}") from error
