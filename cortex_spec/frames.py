"""The composer's working state: open lists and mappings, and the anchors read so far.

Each open collection is one slotted `Frame` (a document may open a quarter of a million);
each anchor remembers its node once read, with the size and height of its value, so that an
alias is checked against the bounds by arithmetic instead of by expanding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cortex_spec.errors import Location
from cortex_spec.nodes import Entry, MapNode, Node

Mark = Any  # libyaml's or PyYAML's mark (see cortex_spec.scalars)


@dataclass
class Anchor:
    """A named value: None while it is still being read (an alias to it is recursive)."""

    node: Node | None  # None while its value is still being read
    size: int = 0
    height: int = 0
    line: int = 0


class Frame:
    """An open list or mapping."""

    __slots__ = (
        "anchor",
        "entries",
        "height",
        "items",
        "key",
        "loc",
        "mark",
        "merge_next",
        "merges",
        "values_before",
    )

    def __init__(
        self, mark: Mark, loc: Location, anchor: str | None, is_map: bool, values: int
    ) -> None:
        self.mark = mark
        self.loc = loc
        self.anchor = anchor
        self.values_before = values
        # A mapping collects entries, a list items; the other stays None.
        self.items: list[Node] | None = None if is_map else []
        self.entries: dict[str, Entry] | None = {} if is_map else None
        self.merges: list[list[MapNode]] = []
        self.key: tuple[str, Location] | None = None
        self.merge_next = False
        self.height = 0
