"""Where `pulumi up` runs is one setting: DEPLOY_RUNS_ON, so a deploy can move to a runner
inside the VPC when the cluster's public endpoint is restricted or off."""

from __future__ import annotations

import json
from typing import Any

import yaml

from tests.conftest import REPO

DEPLOY = REPO / ".github" / "workflows" / "deploy.yml"


def _deploy() -> dict[Any, Any]:
    document = yaml.safe_load(DEPLOY.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_deploy_jobs_run_where_deploy_runs_on_says() -> None:
    """Both `pulumi up` jobs take their runner from DEPLOY_RUNS_ON (JSON), passed through the
    credentials job's output because `env` is not available in `runs-on`."""
    workflow = _deploy()
    labels = json.loads(workflow["env"]["DEPLOY_RUNS_ON"])
    assert labels == "ubuntu-latest"
    credentials = workflow["jobs"]["credentials"]
    assert credentials["outputs"]["runs-on"] == "${{ steps.check.outputs.runs-on }}"
    [check] = [s for s in credentials["steps"] if s.get("id") == "check"]
    assert 'echo "runs-on=$DEPLOY_RUNS_ON" >> "$GITHUB_OUTPUT"' in check["run"]
    for job in ("up-dev", "up-prod"):
        assert workflow["jobs"][job]["runs-on"] == (
            "${{ fromJSON(needs.credentials.outputs.runs-on) }}"
        )
        assert "credentials" in workflow["jobs"][job]["needs"]


def test_the_private_endpoint_option_is_documented() -> None:
    """docs/ci.md says how to deploy to a restricted or private endpoint, and why not by
    allow-listing GitHub-hosted runners' addresses."""
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "## Deploying to a private endpoint" in text
    assert "DEPLOY_RUNS_ON" in text
    assert "We do not recommend allowing by IP address" in text
