"""`cortex-infra schema`: print the JSON Schema of cortex.yaml for editors."""

from __future__ import annotations

import typer

from cortex_cli import output
from cortex_spec.schema import json_schema


def schema() -> None:
    """Print the JSON Schema of cortex.yaml (use it with yaml-language-server)."""
    output.emit_json(json_schema())


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
