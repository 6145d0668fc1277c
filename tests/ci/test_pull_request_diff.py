"""The pull-request workflow's diff step, run as GitHub would run it (bash, with the step's
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) against a stand-in `cortex-infra` that answers
per stack with the exit codes `diff` documents: 0 safe, 4 unsafe (markdown on stdout), 1 an
error (message on stderr).

The rule pinned here: an unsafe update still posts its markdown, violations included, and
fails the check only afterwards; an error posts what went wrong instead of a diff.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pull-request.yml"
# Stand-in for the CLI: the stack name (after --stack) picks the answer.
FAKE_CLI = """#!/usr/bin/env bash
while [ $# -gt 0 ]; do [ "$1" = --stack ] && stack=$2; shift; done
case $stack in
  dev) echo "### dev: 2 to update"; exit 0 ;;
  prod) echo "### prod: violations (1)"; echo "- duplicate-listener"; exit 4 ;;
  broken) echo "spec.yaml:3:1: apis[0].name: required" >&2; exit 1 ;;
esac
"""


def _steps() -> list[dict[str, Any]]:
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps: list[dict[str, Any]] = doc["jobs"]["offline-diff"]["steps"]
    return steps


def _run_diff_step(tmp_path: Path, stacks: list[str]) -> tuple[dict[str, str], Path]:
    script = next(s for s in _steps() if s.get("id") == "diff")["run"]
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    cli = tmp_path / ".venv" / "bin" / "cortex-infra"
    cli.write_text(FAKE_CLI, encoding="utf-8")
    cli.chmod(0o755)
    for stack in stacks:
        (tmp_path / f"Pulumi.{stack}.yaml").write_text("config: {}\n", encoding="utf-8")
    outputs, summary = tmp_path / "outputs", tmp_path / "summary"
    env = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "BASE_REF": "origin/main",
        "SPEC": "cortex.yaml",
    }
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    return values, tmp_path / "diff"


def test_an_unsafe_update_posts_its_markdown_and_is_reported_as_unsafe(tmp_path: Path) -> None:
    """Exit 4 keeps the diff's markdown (violations first) for the comment; the stack is
    listed as unsafe, not as failed."""
    outputs, diff = _run_diff_step(tmp_path, ["dev", "prod"])
    assert outputs == {"failed": "", "unsafe": "prod"}
    assert (diff / "prod.md").read_text(encoding="utf-8").startswith("### prod: violations (1)")
    assert "duplicate-listener" in (diff / "prod.md").read_text(encoding="utf-8")
    assert (diff / "dev.md").read_text(encoding="utf-8").startswith("### dev: 2 to update")


def test_a_diff_error_posts_the_error_instead_of_a_diff(tmp_path: Path) -> None:
    """Any other non-zero exit replaces the stack's section with its exit code and stderr."""
    outputs, diff = _run_diff_step(tmp_path, ["broken", "dev"])
    assert outputs == {"failed": "broken", "unsafe": ""}
    section = (diff / "broken.md").read_text(encoding="utf-8")
    assert "diff failed for stack broken (exit 1)" in section
    assert "apis[0].name: required" in section


def test_the_check_fails_only_after_the_comment_step() -> None:
    """The failing step comes after the comment step and runs when either list is set."""
    steps = _steps()
    names = [s.get("name", "") for s in steps]
    comment = next(i for i, s in enumerate(steps) if "github-script" in str(s.get("uses", "")))
    fail = next(i for i, n in enumerate(names) if n.startswith("Fail when"))
    assert fail > comment
    condition = steps[fail]["if"]
    for key in ("failed", "unsafe"):
        assert f"steps.diff.outputs.{key} != ''" in condition
