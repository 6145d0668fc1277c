"""What keys a model accepts at a path, aliases included (for "did you mean" hints)."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from cortex_spec.source import Path


def allowed_keys(model: type[BaseModel], path: Path) -> list[str]:
    """The keys a mapping at `path` (relative to `model`) may hold, aliases included."""
    current: Any = model
    for segment in path:
        current = _child_type(current, segment)
        if current is None:
            return []
    current = _unwrap(current)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    keys: list[str] = []
    for name, info in current.model_fields.items():
        keys.append(name)
        choices = getattr(info.validation_alias, "choices", None) or []
        keys.extend(c for c in choices if isinstance(c, str) and c != name)
    return keys


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional down to the one type that holds the mapping."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _child_type(annotation: Any, segment: int | str) -> Any:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(segment, int):
        return typing.get_args(annotation)[0] if origin is list else None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(segment)
        if field is None:
            for candidate in annotation.model_fields.values():
                choices = getattr(candidate.validation_alias, "choices", None) or []
                if segment in choices:
                    field = candidate
        return None if field is None else field.annotation
    return None
