"""Turn pydantic errors and rule findings into located, readable problems.

A problem reads `file:line:col: apis[0] (recommender, RealtimeAPI): autoscaling.min_replicas:
<message>`, followed by the source line and the fix.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cortex_spec import catalog
from cortex_spec.errors import Problem
from cortex_spec.models.legacy import CORTEX_MANAGED_FIELDS
from cortex_spec.source import Node, Path, SourceText, locate

Severity = Literal["error", "warning"]
_NAMED_LISTS = {"apis": ("name", "kind"), "node_groups": ("name",)}
_TYPE_NOUNS = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one spot of the spec, before it is located."""

    path: Path
    message: str
    hint: str | None = None
    severity: Severity = "error"
    detail: str | None = None


def describe(value: object) -> str:
    """How a YAML value reads in a message: `string "5"`, `integer 5`, `a list`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value:g}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'string "{shown}"'
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    return type(value).__name__


def format_path(path: Path, data: Any) -> str:
    """`apis[0] (name, kind): a.b[2].c` — the entity, then the field inside it."""
    if not path:
        return ""
    split = 1
    for index in range(1, len(path)):
        if isinstance(path[index], int) and path[index - 1] in _NAMED_LISTS:
            split = index + 1
    head = _render(path[:split], data, label=True)
    tail = _render(path[split:], None, label=False)
    return f"{head}: {tail}" if tail else head


def _render(segments: Path, data: Any, *, label: bool) -> str:
    out = ""
    cursor = data
    previous: object = None
    for segment in segments:
        if isinstance(segment, int):
            out += f"[{segment}]"
            cursor = cursor[segment] if isinstance(cursor, list) and segment < len(cursor) else None
            keys = _NAMED_LISTS.get(str(previous)) if label else None
            if keys and isinstance(cursor, dict):
                names = [str(cursor[k]) for k in keys if isinstance(cursor.get(k), str)]
                if names:
                    out += f" ({', '.join(names)})"
        else:
            out += f".{segment}" if out else segment
            cursor = cursor.get(segment) if isinstance(cursor, dict) else None
        previous = segment
    return out


def _strip_union_tags(loc: tuple[int | str, ...], data: Any) -> Path:
    """Drop pydantic's union-member tags ('int', 'str', ...) that are not real keys."""
    kept: list[int | str] = []
    cursor = data
    for segment in loc:
        if isinstance(cursor, dict):
            kept.append(segment)
            cursor = cursor.get(segment) if isinstance(segment, str) else None
        elif isinstance(cursor, list) and isinstance(segment, int):
            kept.append(segment)
            cursor = cursor[segment] if segment < len(cursor) else None
        elif cursor is None and isinstance(segment, str) and not kept:
            kept.append(segment)
        else:
            break
    return tuple(kept)


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


def findings_from_validation(
    exc: ValidationError, model: type[BaseModel], data: Any, prefix: Path
) -> list[Finding]:
    """One finding per distinct field; union alternatives are folded into one message."""
    grouped: dict[Path, list[ErrorDetails]] = {}
    for error in exc.errors(include_url=False):
        path = _strip_union_tags(tuple(error["loc"]), data)
        grouped.setdefault(path, []).append(error)
    findings = []
    for path, errors in grouped.items():
        message, hint = _explain(errors, model, path)
        findings.append(Finding(prefix + path, message, hint))
    return findings


def _explain(
    errors: list[ErrorDetails], model: type[BaseModel], path: Path
) -> tuple[str, str | None]:
    nouns = [_TYPE_NOUNS[e["type"]] for e in errors if e["type"] in _TYPE_NOUNS]
    if len(errors) > 1 and len(nouns) == len(errors):
        wanted = " or ".join(dict.fromkeys(nouns))
        return f"must be {wanted} (got {describe(errors[0]['input'])})", None
    error = next((e for e in errors if e["type"] not in _TYPE_NOUNS), errors[0])
    return _explain_one(error, model, path)


def _explain_one(error: ErrorDetails, model: type[BaseModel], path: Path) -> tuple[str, str | None]:
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        field = path[-1] if path else "field"
        return f"{field} is required", f"add `{field}:` here"
    if kind == "extra_forbidden":
        return _unknown_key(model, path)
    if kind in _TYPE_NOUNS:
        return _wrong_type(_TYPE_NOUNS[kind], given)
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", '"')
        return f"invalid value (got {describe(given)}, must be {expected})", None
    bounds = {
        "greater_than_equal": ("greater than or equal to", "ge"),
        "greater_than": ("greater than", "gt"),
        "less_than_equal": ("less than or equal to", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"must be {words} {ctx.get(key)} (got {given})", None
    if kind == "too_short":
        return f"must contain at least {ctx.get('min_length')} elements", None
    if kind == "too_long":
        return f"must contain at most {ctx.get('max_length')} elements", None
    hint = ctx.get("hint")
    return str(error["msg"]).removeprefix("Value error, "), str(hint) if hint else None


def _wrong_type(noun: str, given: object) -> tuple[str, str | None]:
    hint = None
    if isinstance(given, str) and noun in ("an integer", "a number", "true or false"):
        hint = f"remove the quotes: {given}"
    elif noun == "a string" and isinstance(given, bool | int | float):
        hint = 'quote the value so YAML reads it as text, e.g. "' + str(given).lower() + '"'
    elif given is None:
        hint = "give it a value, or delete the key to use the default"
    return f"must be {noun} (got {describe(given)})", hint


def _unknown_key(model: type[BaseModel], path: Path) -> tuple[str, str | None]:
    key = str(path[-1]) if path else "?"
    if key in CORTEX_MANAGED_FIELDS:
        return (
            f"the {key} field cannot be configured by the user",
            "remove it; cortex-infra derives it from the stack",
        )
    if key == "cluster_name":
        return "name and cluster_name are both set", "keep one of them (they mean the same)"
    allowed = allowed_keys(model, path[:-1])
    close = catalog.suggest(key, allowed)
    if close:
        return f"unknown field '{key}'; did you mean '{close[0]}'?", f"rename it to {close[0]}"
    shown = ", ".join(sorted(allowed)[:12]) if allowed else ""
    return f"unknown field '{key}'", f"remove it; allowed here: {shown}" if shown else "remove it"


def to_problems(
    findings: Iterable[Finding], root: Node | None, data: Any, sources: Mapping[str, SourceText]
) -> list[Problem]:
    problems = []
    for finding in findings:
        loc = locate(root, finding.path)
        source = sources.get(loc.file) if loc else None
        problems.append(
            Problem(
                location=loc,
                path=format_path(finding.path, data),
                message=finding.message,
                hint=finding.hint,
                excerpt=source.excerpt(loc) if source else None,
                detail=finding.detail,
            )
        )
    return problems
