"""Loading a spec from command-line arguments, with its warnings shown once."""

from __future__ import annotations

from pathlib import Path

from cortex_cli import output
from cortex_spec import Spec, load_spec


def load(spec: Path, cluster_config: Path | None, env: str | None) -> Spec:
    loaded = load_spec(spec, cluster_config=cluster_config, environment=env)
    if not output.json_mode():
        for warning in loaded.warnings:
            output.echo(f"warning: {warning.render()}", err=True)
    return loaded
