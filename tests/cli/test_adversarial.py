"""Hostile input through the real CLI (tests/spec/adversarial/corpus.py): every command gives
each case its expected exit code and located message, and none takes the internal-error
path (exit 70) or dies on a signal.

Times and memory are measured by `benchmarks/adversarial_bench.py`, never here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from tests.spec.adversarial.corpus import CASES, Case, command_line, materialise

MAX_OUTPUT = 256 * 1024
RUNS = [
    pytest.param(
        case,
        command,
        id=f"{case.name}-{command}",
        marks=[pytest.mark.slow] if case.exit_code == 0 and command != "validate" else [],
    )
    for case in CASES
    for command in case.commands
]
IN_A_PROCESS = [pytest.param(case, id=case.name) for case in CASES if case.subprocess]


def check(case: Case, result: Result, folder: Path) -> None:
    output = result.output.replace(f"{folder}/", "")
    assert result.exit_code != ExitCode.INTERNAL_ERROR, output
    assert "internal error" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert result.exit_code == case.exit_code, output
    assert case.phrase in output
    # Values are quoted short and excerpts windowed: a huge input never floods the output.
    assert len(output) < MAX_OUTPUT, len(output)
    if case.where is not None:
        assert output.startswith(case.where), output


@pytest.mark.parametrize(("case", "command"), RUNS)
def test_every_command_gives_the_expected_outcome(
    case: Case, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each case, through each command that reads a spec: its exit code, its key phrase and
    its location, never exit 70."""
    folder, spec_args, base = materialise(case, tmp_path)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(app, command_line(command, spec_args, base))
    check(case, result, folder)


def test_json_mode_reports_the_same_located_problem(tmp_path: Path) -> None:
    """--json carries the location and the message, and says when checking stopped early."""
    case = next(c for c in CASES if c.name == "five-hundred-problems")
    _folder, spec_args, _ = materialise(case, tmp_path)
    result = CliRunner().invoke(app, ["validate", *spec_args, "--json"])
    document = json.loads(result.stdout)
    assert result.exit_code == 1
    assert document["ok"] is False
    assert document["truncated"] is True
    assert len(document["problems"]) == 500
    assert document["problems"][0]["line"] == 44


def test_schema_needs_no_input() -> None:
    """`schema` reads nothing, so no input can break it: it prints the JSON Schema."""
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"]


@pytest.mark.parametrize("case", IN_A_PROCESS)
def test_no_signal_death_and_no_hang_in_a_real_process(case: Case, tmp_path: Path) -> None:
    """In a fresh interpreter (libyaml, real file descriptors), the deep-nesting, /dev/zero,
    FIFO and huge-file cases exit with their code: no signal, no hang, no exit 70."""
    folder, spec_args, _ = materialise(case, tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", "from cortex_cli.main import run; run()", "validate", *spec_args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == case.exit_code, done.stderr[-2000:]
    assert case.phrase in (done.stdout + done.stderr).replace(f"{folder}/", "")
