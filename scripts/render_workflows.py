"""Write this repository's .github/workflows/ from the templates `cortex-infra init` uses.

    .venv/bin/python scripts/render_workflows.py

The templates (cortex_cli/templates/workflows/) are the one source of the repository's CI
and of every user's; tests/ci/test_workflows.py fails when the two differ.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from cortex_cli import scaffold

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    values = scaffold.repository_values(pulumi_version=version("pulumi"))
    for path, text in scaffold.workflows(scaffold.REPOSITORY_WORKFLOWS, values).items():
        (REPO / path).write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
