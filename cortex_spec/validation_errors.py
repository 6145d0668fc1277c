"""Pydantic's validation errors read as findings: one per field, in words a YAML author
knows (`must be an integer (got string "5")`), with the fix where one is known.

Separate from `diagnostics.py`, which locates and renders findings of every origin: this
module alone knows pydantic's error types and the models' allowed keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cortex_spec import catalog, limits
from cortex_spec.diagnostics import Finding, printable
from cortex_spec.models.introspection import allowed_keys
from cortex_spec.models.legacy import CORTEX_MANAGED_FIELDS
from cortex_spec.source import Path

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


def _number(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and float(value).is_integer() else None


# Why an upper bound has its value, for the fix line of a bound error.
_BOUND_REASONS: dict[int | None, str] = {
    limits.INT32_MAX: "Kubernetes and EKS store this number as a 32-bit integer",
    limits.MAX_UPSCALE_FACTOR: "(factor - 1) x 100 becomes the HPA's int32 Percent policy",
    limits.MAX_CONCURRENCY: "Cortex's bound for RealtimeAPIs (1-30000)",
}


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
        if _misspelled(path, errors, grouped, model):
            continue
        message, hint = _explain(errors, model, path)
        findings.append(Finding(prefix + path, message, hint))
    return findings


def _misspelled(
    path: Path,
    errors: list[ErrorDetails],
    grouped: Mapping[Path, list[ErrorDetails]],
    model: type[BaseModel],
) -> bool:
    """A missing field that a misspelled sibling key stands for: the unknown key says it."""
    if not path or [e["type"] for e in errors] != ["missing"]:
        return False
    parent, field = path[:-1], str(path[-1])
    allowed = allowed_keys(model, parent)
    for other, other_errors in grouped.items():
        unknown = any(e["type"] == "extra_forbidden" for e in other_errors)
        if (
            unknown
            and other[:-1] == parent
            and catalog.suggest(str(other[-1]), allowed)[:1] == [field]
        ):
            return True
    return False


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
        return "required field is missing", f"add `{field}:` here"
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
        return f"must be {words} {ctx.get(key)} (got {given})", _BOUND_REASONS.get(
            _number(ctx.get(key))
        )
    if kind == "finite_number":
        return (
            f"must be a finite number (got {given})",
            ".inf and .nan are not numbers Kubernetes, KEDA or JSON accept; write a number",
        )
    if kind == "too_short":
        return f"must contain at least {ctx.get('min_length')} elements", None
    if kind == "too_long":
        return f"must contain at most {ctx.get('max_length')} elements", None
    hint = ctx.get("hint")
    return str(error["msg"]).removeprefix("Value error, "), str(hint) if hint else None


def _wrong_type(noun: str, given: object) -> tuple[str, str | None]:
    hint = None
    if isinstance(given, str) and _reads_as(noun, given):
        hint = f"remove the quotes: {given}"
    elif noun == "a string" and isinstance(given, float):
        # YAML has already dropped what made it a number (1.30 reads as 1.3).
        hint = "quote the value exactly as you mean it, so YAML reads it as text"
    elif noun == "a string" and isinstance(given, bool | int):
        hint = 'quote the value so YAML reads it as text, e.g. "' + str(given).lower() + '"'
    elif given is None:
        hint = "give it a value, or delete the key to use the default"
    return f"must be {noun} (got {describe(given)})", hint


def _reads_as(noun: str, text: str) -> bool:
    """Whether unquoting `text` would give YAML's reading of `noun` (so quotes are the bug)."""
    if noun == "an integer":
        return re.fullmatch(r"[-+]?\d+", text) is not None
    if noun == "a number":
        return re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text) is not None
    return noun == "true or false" and text.lower() in ("true", "false")


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
        return (
            f"unknown field '{printable(key)}'; did you mean '{close[0]}'?",
            f"rename it to {close[0]}",
        )
    shown = ", ".join(sorted(allowed)[:12]) if allowed else ""
    listed = f"remove it; allowed here: {shown}" if shown else "remove it"
    return f"unknown field '{printable(key)}'", listed
