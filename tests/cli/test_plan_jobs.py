"""`cortex-infra plan` shows each job API: its gateway, the Role it runs with, the queues
and S3 prefix its IAM reaches, and its Job template; in text and in JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cortex_cli.main import app
from runtime import job_contract
from tests.infra.serving_fixtures.plans import JOBS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jobs") / "project"
    shutil.copytree(JOBS.parent, folder)
    return folder / "cortex.yaml"


def test_plan_lists_gateways_rbac_iam_scope_and_templates(project: Path) -> None:
    """One block per job API, each scoped to its own name (trainer is not iris-trainer)."""
    result = CliRunner().invoke(app, ["plan", str(project)])
    assert result.exit_code == 0, result.output
    text = result.output
    prefix = job_contract.queue_prefix("jobs-test", "trainer")
    block = text[text.index("  trainer (TaskAPI, /trainer): gateway jobs-trainer") :]
    rows = [row.strip() for row in block.splitlines()[1:5]]
    assert rows[0] == "Role: batch jobs: create get delete; core pods: list"
    assert rows[1] == f"IAM, queues: arn:aws:sqs:us-west-2:123456789012:{prefix}*"
    assert rows[2].startswith("IAM, records: arn:aws:s3:::")
    assert rows[2].endswith("/jobs/trainer/*")
    assert rows[3].startswith("Job template: ConfigMap jobs-trainer-template-")
    for name in ("scorer", "sum", "iris-trainer"):
        assert f"gateway jobs-{name}" in text


def test_plan_json_holds_the_job_apis_and_their_templates(project: Path) -> None:
    """plan --json carries the same block in its summary, and the template's batch/v1 Job."""
    result = CliRunner().invoke(app, ["plan", str(project), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    jobs = {j["name"]: j for j in document["summary"]["job_apis"]}
    assert set(jobs) == {"scorer", "sum", "trainer", "iris-trainer"}
    assert jobs["trainer"]["rbac"] == ["batch jobs: create get delete", "core pods: list"]
    assert jobs["iris-trainer"]["queues"].endswith("_iris-trainer_*")
    templates = [
        r
        for r in document["resources"]
        if r["type"] == "kubernetes:core/v1:ConfigMap" and r["name"].endswith("-job-template")
    ]
    assert len(templates) == 4
    job = json.loads(templates[0]["inputs"]["data"]["job.json"])
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
