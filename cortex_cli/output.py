"""How commands write: human text to the terminal, or one JSON document for machines.

Tables are plain and aligned, columns padded to their widest cell and lines never wrapped:
cells hold ARNs, URLs and console links that must stay copy-pasteable, so nothing is
truncated or folded to the terminal's width (a wide row simply runs long).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

_json_mode: ContextVar[bool] = ContextVar("json_mode", default=False)


def use_json(enabled: bool) -> None:
    """Commands call this first, so that errors come out in the same format."""
    _json_mode.set(enabled)


def json_mode() -> bool:
    return _json_mode.get()


def emit_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, sort_keys=True, default=str))


def echo(text: str = "", *, err: bool = False) -> None:
    typer.echo(text, err=err)


def console(*, err: bool = False) -> Console:
    """A rich console that never wraps lines (errors carry file:line:col)."""
    # Imported here: only spec errors use it, and rich takes a tenth of a second to import.
    from rich.console import Console  # noqa: PLC0415

    return Console(stderr=err, soft_wrap=True, highlight=False, emoji=False)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, indent: str = "") -> list[str]:
    """Header, then rows; the last column is not padded."""
    widths = [len(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in [list(headers), *[list(r) for r in rows]]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append(indent + "  ".join(cells).rstrip())
    return lines
