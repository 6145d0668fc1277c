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
from cortex_spec.syntax import Refused, describe_scalar, syntax_problem

PathItem = str | int
Path = tuple[PathItem, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# A spec is a few hundred values, a few levels deep; these bounds only stop alias bombs
# and pathological nesting from exhausting memory or the stack.
MAX_VALUES = 100_000
MAX_DEPTH = 64
_TEXT_KEY = "write keys as plain words, e.g. region:"


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
        converted = None if root is None else _Converter(loader, name).convert(root, 0)
    except yaml.MarkedYAMLError as exc:
        raise SpecError([syntax_problem(exc, name, source.lines)]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        loc = Location(name, before.count("\n") + 1, len(before) - before.rfind("\n"))
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
    except RecursionError:
        # Only reachable with the pure-Python loader, whose composer recurses per level.
        loc = Location(name, 1, 1)
        raise SpecError(
            [Problem(loc, "", "invalid YAML: values are nested too deeply", None, None)]
        ) from None
    finally:
        loader.dispose()
    return converted, source


def _code_point(character: object) -> str:
    number = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{number:04X}"


def _loc(node: yaml.Node, name: str) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    """yaml.Node trees to located nodes, refusing recursive and exploding aliases."""

    def __init__(self, loader: yaml.SafeLoader, name: str) -> None:
        self.loader = loader
        self.name = name
        self.count = 0
        self.open: set[int] = set()

    def convert(self, node: yaml.Node, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_VALUES:
            raise Refused(
                node.start_mark,
                f"the document expands to more than {MAX_VALUES} values",
                "YAML aliases (*name) repeat whole values; copy fewer of them",
            )
        if depth > MAX_DEPTH:
            raise Refused(
                node.start_mark,
                f"values are nested more than {MAX_DEPTH} levels deep",
                "a spec is a few levels deep; check the brackets on this line",
            )
        if id(node) in self.open:
            raise Refused(
                node.start_mark,
                "an alias (*name) refers to a value that contains it",
                "YAML aliases may not be recursive; write the values out",
            )
        self.open.add(id(node))
        try:
            return self._convert(node, depth)
        finally:
            self.open.discard(id(node))

    def _convert(self, node: yaml.Node, depth: int) -> Node:
        if isinstance(node, yaml.ScalarNode):
            return ScalarNode(_loc(node, self.name), self._scalar(node))
        if isinstance(node, yaml.SequenceNode):
            items = tuple(self.convert(n, depth + 1) for n in node.value)
            return SeqNode(_loc(node, self.name), items)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        raise Refused(node.start_mark, "unsupported YAML node", "write plain YAML")

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            # Python refuses to read integers of more than 4300 digits.
            raise Refused(
                node.start_mark,
                "this number is too large to read",
                "write a smaller number, or quote it to make it text",
            ) from None
        if not isinstance(value, str | int | float | bool | type(None)):
            # Timestamps and binary scalars: keep what the user wrote, as text.
            value = node.value
        return value

    def _mapping(self, node: yaml.MappingNode, depth: int) -> MapNode:
        entries: dict[str, Entry] = {}
        merged: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                for source in self._merge_sources(value_node, depth):
                    for key, entry in source.entries.items():
                        merged.setdefault(key, entry)
                continue
            key = self._key(key_node)
            if key in entries:
                first = entries[key].key_loc.line
                raise Refused(
                    key_node.start_mark,
                    f"duplicate key {key!r} (first defined on line {first})",
                    "keep one of the two; a later key would silently replace the earlier one",
                )
            value = self.convert(value_node, depth + 1)
            entries[key] = Entry(_loc(key_node, self.name), value)
        for key, entry in merged.items():
            entries.setdefault(key, entry)
        return MapNode(_loc(node, self.name), entries)

    def _key(self, key_node: yaml.Node) -> str:
        if not isinstance(key_node, yaml.ScalarNode):
            kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
            raise Refused(key_node.start_mark, f"mapping keys must be text (got {kind})", _TEXT_KEY)
        key = self._scalar(key_node)
        if not isinstance(key, str):
            shown = key_node.value if len(key_node.value) <= 40 else key_node.value[:37] + "..."
            raise Refused(
                key_node.start_mark,
                f"mapping keys must be text (got {describe_scalar(key)})",
                f'quote the key: "{shown}"',
            )
        return key

    def _merge_sources(self, node: yaml.Node, depth: int) -> Iterator[MapNode]:
        targets = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for target in targets:
            converted = self.convert(target, depth + 1)
            if not isinstance(converted, MapNode):
                raise Refused(
                    target.start_mark,
                    "a '<<' merge key must refer to a mapping",
                    "merge an anchored mapping: <<: *defaults",
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
