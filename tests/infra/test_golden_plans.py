"""Golden `plan --json` documents of the examples, compared byte for byte.

Regenerate only with CORTEX_UPDATE_GOLDEN=1, then review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cortex_cli.main import app
from tests.conftest import REPO

GOLDEN = Path(__file__).resolve().parent / "golden"
# (example, environment): examples without environments are planned as their base spec.
CASES = [
    ("cpu", None),
    ("gpu-spot", None),
    ("inferentia", None),
    ("traffic-split", None),
    ("async", None),
    ("batch", None),
    ("cortex-v0.42", None),
    ("mixed", "dev"),
    ("mixed", "staging"),
    ("mixed", "prod"),
]


def _arguments(example: str, env: str | None) -> list[str]:
    args = ["plan", f"examples/{example}/cortex.yaml", "--json"]
    if example == "cortex-v0.42":
        args += ["--cluster-config", "examples/cortex-v0.42/cluster.yaml"]
    if env is not None:
        args += ["--env", env]
    return args


@pytest.mark.parametrize(("example", "env"), CASES, ids=[f"{e}-{v or 'base'}" for e, v in CASES])
def test_plan_json_matches_golden(
    example: str,
    env: str | None,
    platform_program: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`plan --json` of each example equals its reviewed golden file, byte for byte."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, _arguments(example, env))
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{example}-{env or 'base'}.json"
    if os.environ.get("CORTEX_UPDATE_GOLDEN") == "1":
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing; run with CORTEX_UPDATE_GOLDEN=1"
    assert result.stdout == golden.read_text(encoding="utf-8")
