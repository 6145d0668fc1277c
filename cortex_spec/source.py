"""YAML documents as trees of located nodes.

PyYAML's composer keeps a mark on every node; we keep it too, so that any
field path (from pydantic or from our own rules) maps back to file:line:col,
including after environment overrides have been merged over the base.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from cortex_spec.errors import Location, Problem, SpecError

PathItem = str | int
Path = tuple[PathItem, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Node:
    """A located YAML value."""

    loc: Location


@dataclass(frozen=True)
class ScalarNode(Node):
    value: Any


@dataclass(frozen=True)
class SeqNode(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Entry:
    key_loc: Location
    value: Node


@dataclass(frozen=True)
class MapNode(Node):
    entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.value


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
    """Parse one YAML document; an empty document gives ``None``."""
    source = SourceText(name, tuple(text.splitlines()))
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        converted = None if root is None else _convert(root, loader, name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError(
            [
                Problem(
                    loc,
                    "",
                    f"invalid YAML: {problem}",
                    "check the indentation and quoting on this line and the one above it",
                    source.excerpt(loc),
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(
            [Problem(Location(name, 1, 1), "", f"invalid YAML: {exc}", None, source.excerpt(None))]
        ) from None
    finally:
        loader.dispose()
    return converted, source


def _loc(node: yaml.Node, name: str) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, loader: yaml.SafeLoader, name: str) -> Node:
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_object(node, deep=True)
        if not isinstance(value, str | int | float | bool | type(None)):
            # Timestamps and binary scalars: keep what the user wrote, as text.
            value = node.value
        return ScalarNode(_loc(node, name), value)
    if isinstance(node, yaml.SequenceNode):
        return SeqNode(_loc(node, name), tuple(_convert(n, loader, name) for n in node.value))
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, loader, name)
    raise yaml.MarkedYAMLError(problem="unsupported YAML node", problem_mark=node.start_mark)


def _convert_mapping(node: yaml.MappingNode, loader: yaml.SafeLoader, name: str) -> MapNode:
    entries: dict[str, Entry] = {}
    merged: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:
            for source in _merge_sources(value_node, loader, name):
                for key, entry in source.entries.items():
                    merged.setdefault(key, entry)
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.MarkedYAMLError(
                problem=f"mapping keys must be strings (got {key!r}); quote the key",
                problem_mark=key_node.start_mark,
            )
        if key in entries:
            first = entries[key].key_loc.line
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r} (first defined on line {first})",
                problem_mark=key_node.start_mark,
            )
        entries[key] = Entry(_loc(key_node, name), _convert(value_node, loader, name))
    for key, entry in merged.items():
        entries.setdefault(key, entry)
    return MapNode(_loc(node, name), entries)


def _merge_sources(node: yaml.Node, loader: yaml.SafeLoader, name: str) -> Iterator[MapNode]:
    targets = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for target in targets:
        converted = _convert(target, loader, name)
        if not isinstance(converted, MapNode):
            raise yaml.MarkedYAMLError(
                problem="a '<<' merge key must refer to a mapping", problem_mark=target.start_mark
            )
        yield converted


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
