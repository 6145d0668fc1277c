"""A command imports only what it uses: commands are loaded on demand (cortex_cli/main.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cortex_cli.main import app, command_names
from tests.conftest import REPO

# Runs one plan in a fresh interpreter, then reports the top-level packages it loaded.
_PROBE = """
import json, sys
from cortex_cli.main import app
try:
    app(args=["plan", "examples/cpu/cortex.yaml", "--json"], prog_name="cortex-infra")
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def loaded_by_plan() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    names: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return set(names)


@pytest.mark.parametrize("name", ["boto3", "botocore", "rich"])
def test_plan_does_not_import(loaded_by_plan: set[str], name: str) -> None:
    """`plan` never pays for boto3 (preflight, status, cost) nor rich (spec errors)."""
    assert name not in loaded_by_plan


def test_help_lists_every_command_module() -> None:
    """`--help` lists one command per module of cortex_cli.commands, none missing."""
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    for name in command_names():
        assert name in result.output


def test_unknown_command_is_a_usage_error() -> None:
    """A command with no module is refused with click's usage exit code, not a traceback."""
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
