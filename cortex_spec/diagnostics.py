"""Turn findings (of the rules, and of pydantic errors read by `validation_errors.py`) into
located, readable problems.

A problem reads `file:line:col: apis[0] (recommender, RealtimeAPI): autoscaling.min_replicas:
<message>`, followed by the source line and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cortex_spec.errors import Location, Problem
from cortex_spec.secret_literals import looks_secret, marker
from cortex_spec.source import MapNode, Node, Path, ScalarNode, SeqNode, SourceText, locate

Severity = Literal["error", "warning"]
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NAMED_LISTS = {"apis": ("name", "kind"), "node_groups": ("name",)}


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one spot of the spec, before it is located."""

    path: Path
    message: str
    hint: str | None = None
    severity: Severity = "error"
    detail: str | None = None


def format_path(path: Path, data: Any) -> str:
    """`apis[0] (name, kind): a.b[2].c` — the entity, then the field inside it."""
    if not path:
        return ""
    split = 0
    for index in range(1, len(path)):
        if isinstance(path[index], int) and _is_named_list(path[:index]):
            split = index + 1
    if split == 0:
        return _render(path, None, label=False)
    head = _render(path[:split], data, label=True)
    tail = _render(path[split:], None, label=False)
    return f"{head}: {tail}" if tail else head


def _is_named_list(prefix: Path) -> bool:
    """`apis` and `cluster.node_groups` (also inside `environments.<env>`) hold named items."""
    if prefix[:1] == ("environments",):
        prefix = prefix[2:]
    return prefix in (("apis",), ("cluster", "node_groups"))


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
                names = [printable(cursor[k]) for k in keys if isinstance(cursor.get(k), str)]
                if names:
                    out += f" ({', '.join(names)})"
        elif not _PLAIN_KEY.fullmatch(segment):
            # Keys such as tag names hold dots and slashes; quote them so the path stays readable.
            out += f'["{printable(segment)}"]'
            cursor = cursor.get(segment) if isinstance(cursor, dict) else None
        else:
            out += f".{printable(segment)}" if out else printable(segment)
            cursor = cursor.get(segment) if isinstance(cursor, dict) else None
        previous = segment
    return out


def printable(text: str) -> str:
    """`text` on one line: control characters escaped, at most 60 characters."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    return shown if shown.isprintable() else shown.encode("unicode_escape").decode("ascii")


def to_problems(
    findings: Iterable[Finding], root: Node | None, data: Any, sources: Mapping[str, SourceText]
) -> list[Problem]:
    problems = []
    secrets = _secret_columns(root)
    for finding in findings:
        loc = locate(root, finding.path)
        source = sources.get(loc.file) if loc else None
        problems.append(
            Problem(
                location=loc,
                path=format_path(finding.path, data),
                message=finding.message,
                hint=finding.hint,
                excerpt=_excerpt(source, loc, secrets),
                detail=finding.detail,
            )
        )
    return problems


def _secret_columns(root: Node | None) -> dict[tuple[str, int], tuple[int, object]]:
    """(file, line) → the column and value of the first secret-looking value on that line."""
    found: dict[tuple[str, int], tuple[int, object]] = {}

    def visit(node: Node, name: str | None) -> None:
        if isinstance(node, MapNode):
            for key, entry in node.entries.items():
                visit(entry.value, key)
        elif isinstance(node, SeqNode):
            for item in node.items:
                visit(item, name)
        elif isinstance(node, ScalarNode) and looks_secret(name, node.value) is not None:
            where = (node.loc.file, node.loc.line)
            if where not in found or node.loc.col < found[where][0]:
                found[where] = (node.loc.col, node.value)

    if root is not None:
        visit(root, None)
    return found


def _excerpt(
    source: SourceText | None,
    loc: Location | None,
    secrets: Mapping[tuple[str, int], tuple[int, object]],
) -> str | None:
    """The source line of a problem; from a secret-looking value on, its marker instead."""
    line = source.excerpt(loc) if source else None
    if line is None or loc is None or (loc.file, loc.line) not in secrets:
        return line
    col, value = secrets[(loc.file, loc.line)]
    return line[: col - 1] + marker(value)
