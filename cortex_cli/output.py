"""How commands write: human text to the terminal, or one JSON document for machines."""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

import typer
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
    return Console(stderr=err, soft_wrap=True, highlight=False, emoji=False)
