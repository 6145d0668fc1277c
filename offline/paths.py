"""Pulumi property paths: `scalingConfig.maxSize`, `spec.containers[0].image`, `tags["a/b"]`.

The diff names every changed field by such a path, and the replace table and the
`ignoreChanges` / `replaceOnChanges` options select fields with the same syntax (plus `[*]`
for any list element), so one parser and one matcher serve all three.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final

Segment = str | int
Path = tuple[Segment, ...]

WILDCARD: Final = "*"
# A key that needs no quoting in Pulumi's path syntax (pkg/resource/properties_path.go).
_PLAIN_KEY: Final = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_TOKEN: Final = re.compile(r'\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]')


def format_path(path: Path) -> str:
    out: list[str] = []
    for segment in path:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        elif segment == WILDCARD:
            out.append("[*]")
        elif _PLAIN_KEY.match(segment):
            out.append(f".{segment}" if out else segment)
        else:
            out.append(f"[{json.dumps(segment)}]")
    return "".join(out)


def parse_path(text: str) -> Path:
    """The segments of a property path; raises ValueError on malformed text."""
    segments: list[Segment] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"malformed property path {text!r} at {position}")
        name, index, quoted = match.groups()
        if name is not None:
            segments.append(name)
        elif index is not None:
            segments.append(WILDCARD if index == "*" else int(index))
        else:
            segments.append(json.loads(f'"{quoted}"'))
        position = match.end()
    return tuple(segments)


def _segment_matches(pattern: Segment, segment: Segment) -> bool:
    return pattern == segment or (pattern == WILDCARD and isinstance(segment, int))


def covers(pattern: Path, path: Path) -> bool:
    """True if `path` is `pattern` or lies beneath it."""
    if len(path) < len(pattern):
        return False
    return all(_segment_matches(p, s) for p, s in zip(pattern, path, strict=False))


def is_ancestor(path: Path, pattern: Path) -> bool:
    """True if `path` is strictly above `pattern` (a whole object or list changed)."""
    if len(path) >= len(pattern):
        return False
    return all(_segment_matches(p, s) for p, s in zip(pattern, path, strict=False))


MISSING: Final = object()


def values_at(value: Any, pattern: Path) -> Iterator[tuple[Path, Any]]:
    """Every (concrete path, value) that `pattern` selects inside `value`."""
    if not pattern:
        yield (), value
        return
    head, rest = pattern[0], pattern[1:]
    if head == WILDCARD:
        if isinstance(value, list):
            for index, item in enumerate(value):
                for sub, found in values_at(item, rest):
                    yield (index, *sub), found
        return
    if isinstance(head, int):
        if isinstance(value, list) and head < len(value):
            for sub, found in values_at(value[head], rest):
                yield (head, *sub), found
        return
    if isinstance(value, dict) and head in value:
        for sub, found in values_at(value[head], rest):
            yield (head, *sub), found


def value_at(value: Any, path: Path) -> Any:
    """The value at a concrete path, or MISSING."""
    for segment in path:
        in_list = isinstance(segment, int) and isinstance(value, list) and segment < len(value)
        in_dict = isinstance(segment, str) and isinstance(value, dict) and segment in value
        if not (in_list or in_dict):
            return MISSING
        value = value[segment]
    return value
