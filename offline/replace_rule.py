"""A replace rule: the input whose change recreates a resource, where that is written, and
when it holds; and the two ways the replace tables spell their rows.

Separate from the tables (`replacements.py` for AWS and what every type shares,
`kubernetes_replacements.py`), which are data: this is the type they are written in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from offline.paths import Path, parse_path

__all__ = ["Rule", "api_rules", "provider_rules"]


@dataclass(frozen=True)
class Rule:
    """Changing `path` (or anything beneath it) recreates the resource."""

    path: str
    source: str
    kind: Literal["provider", "api"] = "provider"
    # Only when this holds for (before, after) at `path`; None means any change.
    when: Callable[[Any, Any], bool] | None = None
    note: str = ""

    @property
    def segments(self) -> Path:
        return parse_path(self.path)


def provider_rules(source: str, *paths: str) -> tuple[Rule, ...]:
    """Fields the provider itself replaces on (ForceNew, forceNewProperties)."""
    return tuple(Rule(path, source) for path in paths)


def api_rules(source: str, *paths: str) -> tuple[Rule, ...]:
    """Fields no operation of the service can change (botocore's service model lists every
    operation and its inputs): the resource must be recreated to change them."""
    return tuple(Rule(path, source, kind="api") for path in paths)
