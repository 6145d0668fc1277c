"""`plan` and `diff` print the estimated `pulumi up` time with its critical path."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cortex_cli.main import app
from tests.conftest import REPO

CPU = "examples/cpu/cortex.yaml"


def test_plan_prints_the_new_stacks_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's text names the estimate, its critical path and where the figures are."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, ["plan", CPU])
    assert result.exit_code == 0, result.output
    assert "pulumi up of a new stack: at least 20 min" in result.stdout
    assert "critical path: " in result.stdout
    assert "platform-eks-cluster (15 min 00 s)" in result.stdout
    assert "offline/apply_time.py STEP_TIMES" in result.stdout


def test_diff_json_carries_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--format json` has `apply_time`: nothing changed, nothing to wait for."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, ["diff", CPU, CPU, "--format", "json"])
    assert result.exit_code == 0, result.output
    estimate = json.loads(result.stdout)["apply_time"]
    assert estimate["seconds"] == 0
    assert estimate["critical_path"] == []
    assert estimate["floor"]["seconds"] == 1200
