"""`cortex-infra diff --base-ref` of a user's project: the stack file is read on each side
from the project at that revision; a stack or an environment new in the change diffs as
all-create; the base side is labelled `path@ref`, never by its scratch folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from offline import engine
from tests.cli.projects import commit_all, write_project, write_stack

STAND_IN = Path(__file__).resolve().parents[1] / "offline" / "diff_program.py"
SPEC = """\
cluster:
  name: demo
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b]
  node_groups:
    - {name: cpu, instance_type: m6i.large, min_instances: 1, max_instances: 3}
apis:
  - name: sentiment
    kind: RealtimeAPI
    pod:
      containers:
        - name: api
          image: "public.ecr.aws/docker/library/nginx:1.27"
          compute: {cpu: 1, mem: 1Gi}
    autoscaling: {min_replicas: 1, max_replicas: 4}
"""
STAGING = """\
environments:
  staging:
    cluster: {name: demo-staging}
"""


@pytest.fixture(autouse=True)
def _stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "PROGRAM", STAND_IN)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed project: Pulumi.yaml, a dev stack, cortex.yaml at the root."""
    root = write_project(tmp_path / "repo", stacks={"dev": {"cortex:spec": "cortex.yaml"}})
    (root / "cortex.yaml").write_text(SPEC, encoding="utf-8")
    commit_all(root)
    return root


def _diff(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["diff", "--base-ref", "HEAD", *map(str, args)])


@pytest.mark.slow
def test_a_stack_file_new_in_the_change_diffs_as_all_create(repo: Path) -> None:
    """A PR adding Pulumi.staging.yaml: the base has no such stack, so everything is created,
    and the title says why, naming the base as cortex.yaml@HEAD."""
    (repo / "cortex.yaml").write_text(SPEC + STAGING, encoding="utf-8")
    write_stack(repo, "staging", {"cortex:environment": "staging"})
    result = _diff(repo / "cortex.yaml", "--stack", "staging", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert {c["op"] for c in document["changes"]} == {"create"}
    text = _diff(repo / "cortex.yaml", "--stack", "staging").stdout.splitlines()[0]
    assert text == (
        "cortex-infra diff: cortex.yaml@HEAD → cortex.yaml (working tree) (stack staging; "
        "environment staging; no Pulumi.staging.yaml at HEAD: stack staging is new, "
        "everything is created)"
    )


@pytest.mark.slow
def test_an_environment_new_in_the_change_diffs_as_all_create(repo: Path) -> None:
    """A PR adding environments.staging, diffed with --env staging: all creates."""
    (repo / "cortex.yaml").write_text(SPEC + STAGING, encoding="utf-8")
    result = _diff(repo / "cortex.yaml", "--env", "staging")
    assert result.exit_code == ExitCode.OK, result.output
    first, counts = result.stdout.splitlines()[:2]
    assert first.endswith(
        "(environment staging; no environment staging at HEAD: everything is created)"
    )
    assert counts.startswith(
        f"{counts.split()[0]} to create, 0 to update, 0 to replace, 0 to delete"
    )


@pytest.mark.slow
def test_the_stack_file_is_read_from_the_project_on_each_side(repo: Path) -> None:
    """A PR changing Pulumi.dev.yaml's environment: the base side uses the committed file,
    the head the working tree's, both from the user's project (staging renames the cluster,
    which recreates it: the update simulator reports that, hence exit 4)."""
    (repo / "cortex.yaml").write_text(SPEC + STAGING, encoding="utf-8")
    commit_all(repo, "staging environment")
    write_stack(repo, "dev", {"cortex:spec": "cortex.yaml", "cortex:environment": "staging"})
    result = _diff(repo / "cortex.yaml", "--stack", "dev")
    assert result.exit_code == ExitCode.CHECKS_FAILED, result.output
    assert "capacity-drop" in result.stdout
    assert "(stack dev; environment - → staging)" in result.stdout.splitlines()[0]
    assert "demo-staging" in result.stdout


def test_base_side_problems_name_the_file_at_the_ref(repo: Path) -> None:
    """An invalid spec at the base revision is reported as cortex.yaml@HEAD:line:col."""
    (repo / "cortex.yaml").write_text(SPEC.replace("max_replicas: 4", "max_replicas: 0"))
    commit_all(repo, "broken")
    (repo / "cortex.yaml").write_text(SPEC, encoding="utf-8")
    result = _diff(repo / "cortex.yaml")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "cortex.yaml@HEAD:15:36: apis[0] (sentiment, RealtimeAPI)" in result.stderr
    assert "cortex-diff-" not in result.output


def test_a_stack_missing_from_the_head_is_an_error_naming_its_file(repo: Path) -> None:
    """--stack prod without Pulumi.prod.yaml in the working tree: exit 1, the path."""
    result = _diff(repo / "cortex.yaml", "--stack", "prod")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert str(repo / "Pulumi.prod.yaml") in result.stderr


@pytest.mark.slow
def test_a_base_file_outside_the_project_is_deployed_as_the_heads_stack(
    repo: Path, tmp_path: Path
) -> None:
    """`diff /elsewhere/old.yaml cortex.yaml --stack dev`: BASE is what HEAD replaces in the
    same stack (the head's project and stack file), so only the real change shows."""
    old = tmp_path / "elsewhere" / "old.yaml"
    old.parent.mkdir()
    old.write_text(SPEC.replace("max_replicas: 4", "max_replicas: 2"), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["diff", str(old), str(repo / "cortex.yaml"), "--stack", "dev", "--format", "json"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert [(c["name"], c["op"]) for c in document["changes"]] == [
        ("serving-sentiment-hpa", "update")
    ]
    assert all("::acme-serving::" in c["urn"] for c in document["changes"])
