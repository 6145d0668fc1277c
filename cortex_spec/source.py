"""YAML documents as trees of located nodes, and the ways to read them back.

Every node keeps the mark of where it was written (`cortex_spec.composer` builds the tree
within `cortex_spec.limits`), so that any field path, from pydantic or from our own rules,
maps back to file:line:col, including after environment overrides have been merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from cortex_spec import limits
from cortex_spec.composer import USES_LIBYAML, Composer
from cortex_spec.errors import Location, Problem, SpecError
from cortex_spec.nodes import Entry, MapNode, Node, ScalarNode, SeqNode
from cortex_spec.syntax import syntax_problem

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUES",
    "Entry",
    "MapNode",
    "Node",
    "Path",
    "PathItem",
    "ScalarNode",
    "SeqNode",
    "SourceText",
    "locate",
    "node_at",
    "parse_yaml",
    "to_plain",
]

PathItem = str | int
Path = tuple[PathItem, ...]

MAX_VALUES = limits.MAX_EXPANDED_VALUES
MAX_DEPTH = limits.MAX_DEPTH


@dataclass(frozen=True)
class SourceText:
    """A file's name as the user wrote it, and its lines for excerpts."""

    name: str
    lines: tuple[str, ...]

    def excerpt(self, loc: Location | None) -> str | None:
        if loc is None or not 1 <= loc.line <= len(self.lines):
            return None
        return self.lines[loc.line - 1].rstrip("\n")


def parse_yaml(text: str, name: str) -> tuple[Node | None, SourceText]:
    """Parse one YAML document within `cortex_spec.limits`; an empty document gives None."""
    source = SourceText(name, tuple(text.splitlines()))
    try:
        root = Composer(text, name).compose()
    except yaml.MarkedYAMLError as exc:
        raise SpecError([syntax_problem(exc, name, source.lines)]) from None
    except yaml.reader.ReaderError as exc:
        loc = _reader_location(text, exc.position, name)
        raise SpecError(
            [
                Problem(
                    loc,
                    "",
                    f"invalid YAML: the character {_code_point(exc.character)} is not allowed",
                    "remove it; a spec is printable UTF-8 text",
                    source.excerpt(loc),
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise SpecError([Problem(Location(name, 1, 1), "", f"invalid YAML: {message}")]) from None
    return root, source


def _reader_location(text: str, position: int, name: str) -> Location:
    # libyaml reads the text as UTF-8 and reports a byte offset; PyYAML's reader, a character.
    if USES_LIBYAML:
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    before = text[:position]
    return Location(name, before.count("\n") + 1, len(before) - before.rfind("\n"))


def _code_point(character: object) -> str:
    number = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{number:04X}"


def to_plain(node: Node | None) -> Any:
    """The plain Python value of a located tree (dicts, lists, scalars)."""
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SeqNode):
        return [to_plain(item) for item in node.items]
    if isinstance(node, MapNode):
        return {key: to_plain(entry.value) for key, entry in node.entries.items()}
    raise TypeError(f"not a located node: {node!r}")


def locate(root: Node | None, path: Path) -> Location | None:
    """The best location for `path`: a field's key, a list item, or the nearest parent."""
    if root is None:
        return None
    node: Node = root
    best: Location = root.loc
    for item in path:
        if isinstance(node, MapNode) and isinstance(item, str) and item in node.entries:
            entry = node.entries[item]
            best, node = entry.key_loc, entry.value
        elif isinstance(node, SeqNode) and isinstance(item, int) and 0 <= item < len(node.items):
            node = node.items[item]
            best = node.loc
        else:
            break
    return best


def node_at(root: Node | None, path: Path) -> Node | None:
    """The node at `path`, or None when the path does not exist."""
    node = root
    for item in path:
        if isinstance(node, MapNode) and isinstance(item, str):
            node = node.get(item)
        elif isinstance(node, SeqNode) and isinstance(item, int) and 0 <= item < len(node.items):
            node = node.items[item]
        else:
            return None
    return node
