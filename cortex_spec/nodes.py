"""Located YAML values: every scalar, list and mapping keeps where it was written.

Frozen and slotted: a spec of a few hundred thousand values stays small in memory, and an
alias can share the node it names instead of copying it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cortex_spec.errors import Location


@dataclass(frozen=True, slots=True)
class Node:
    """A located YAML value."""

    loc: Location


@dataclass(frozen=True, slots=True)
class ScalarNode(Node):
    value: Any


@dataclass(frozen=True, slots=True)
class SeqNode(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    key_loc: Location
    value: Node


@dataclass(frozen=True, slots=True)
class MapNode(Node):
    entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.value
