"""The runtime image's job modes as the cluster runs them: `batch-worker` and `task` as
processes with a pod's environment (bundle, spec files, moto's SQS and S3 over HTTP), and
`job-gateway`'s wiring from its environment to the fake Kubernetes API."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from runtime import contract, job_contract
from runtime.bundle import build_bundle
from runtime.job_main import gateway_app
from runtime.journal import Journal
from tests.conftest import REPO, MotoServer
from tests.runtime import fake_kube

BUCKET = "jobs-bucket"
PREDICTOR = """
import json, os


class PythonPredictor:
    def __init__(self, config, job_spec):
        self.config = config
        self.seen = []

    def predict(self, payload, batch_id):
        if payload == ["bad"]:
            raise ValueError("bad batch")
        self.seen += payload

    def on_job_complete(self):
        with open(self.config["out"], "w") as f:
            json.dump(sorted(self.seen), f)
"""
TASK = """
import json


class Task:
    def __call__(self, config):
        with open(config["out"], "w") as f:
            json.dump(config, f)
"""


@pytest.fixture
def kube() -> Iterator[fake_kube.FakeKube]:
    yield from fake_kube.serve()


def _pod(tmp_path: Path, code: str, job: dict[str, object]) -> dict[str, str]:
    """A worker pod's files and environment: the bundle, api.json and job.json."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "job.py").write_text(code)
    bundle = build_bundle(project)
    (tmp_path / "bundle.zip").write_bytes(bundle.data)
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    api = {"api": {"name": "summer", "predictor": {"path": "job.py", "config": {"out": "x"}}}}
    (spec_dir / contract.SPEC_FILE_NAME).write_text(json.dumps(api))
    (spec_dir / job_contract.JOB_SPEC_FILE_NAME).write_text(json.dumps(job))
    return {
        contract.ENV_API_NAME: "summer",
        contract.ENV_API_SPEC_PATH: str(spec_dir / contract.SPEC_FILE_NAME),
        contract.ENV_PROJECT_BUNDLE: str(tmp_path / "bundle.zip"),
        contract.ENV_PROJECT_SHA256: bundle.sha256,
        contract.ENV_PROJECT_DIR: str(tmp_path / "unpacked"),
        job_contract.ENV_STATE_BUCKET: BUCKET,
        job_contract.ENV_STATE_PREFIX: "jobs/summer/",
        job_contract.ENV_REGION: "us-west-2",
    }


def _run(mode: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "runtime.main", mode],
        env={**os.environ, **env},
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_a_batch_worker_drains_the_queue_and_completes_once(
    aws: MotoServer, tmp_path: Path
) -> None:
    """The worker process takes every batch, records successes and failures in S3, exits
    0 once the queue is drained, and (worker 0) calls on_job_complete with the job config."""
    s3 = boto3.client("s3", region_name="us-west-2")
    sqs = boto3.client("sqs", region_name="us-west-2")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    url = sqs.create_queue(QueueName="cx_00000000_summer_" + "a" * 16)["QueueUrl"]
    for index, body in enumerate(([1, 2], [3], ["bad"])):
        sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps(body),
            MessageAttributes={"batchID": {"DataType": "String", "StringValue": str(index)}},
        )
    out = tmp_path / "complete.json"
    job = {"job_id": "a" * 16, "sqs_url": url, "config": {"out": str(out)}}
    result = _run(
        job_contract.BATCH_WORKER_MODE,
        {**_pod(tmp_path, PREDICTOR, job), "JOB_COMPLETION_INDEX": "0"},
    )
    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert keys == [
        f"jobs/summer/{'a' * 16}/failed/2-1",
        f"jobs/summer/{'a' * 16}/succeeded/0",
        f"jobs/summer/{'a' * 16}/succeeded/1",
    ]
    assert json.loads(out.read_text()) == [1, 2, 3]


def test_a_task_runs_once_and_a_failing_task_exits_1(aws: MotoServer, tmp_path: Path) -> None:
    """`task` calls Task()(config) with the API's config under the job's; exit 0, or 1 with
    the error in the log when the task raises."""
    out = tmp_path / "task.json"
    env = _pod(tmp_path, TASK, {"job_id": "b" * 16, "config": {"out": str(out)}})
    result = _run(job_contract.TASK_MODE, env)
    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    assert json.loads(out.read_text()) == {"out": str(out)}
    missing = {"config": {"out": str(tmp_path / "missing" / "task.json")}}
    (tmp_path / "spec" / job_contract.JOB_SPEC_FILE_NAME).write_text(json.dumps(missing))
    failed = _run(job_contract.TASK_MODE, {**env, contract.ENV_PROJECT_DIR: str(tmp_path / "u2")})
    assert failed.returncode == 1
    assert b"task_failed" in failed.stdout + failed.stderr


@pytest.mark.anyio
async def test_the_gateway_is_wired_from_its_environment(
    aws: MotoServer, kube: fake_kube.FakeKube, tmp_path: Path
) -> None:
    """job-gateway reads its template, bucket, prefixes and namespace from the environment
    the stack sets, and its Job reaches the Kubernetes API in that namespace."""
    s3 = boto3.client("s3", region_name="us-west-2")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    template = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"namespace": "cortex"},
        "spec": {"template": {"spec": {"containers": [], "restartPolicy": "Never"}}},
    }
    (tmp_path / "job.json").write_text(json.dumps(template))
    (tmp_path / "api.json").write_text(json.dumps({"api": {"name": "summer"}}))
    env = {
        contract.ENV_API_NAME: "summer",
        contract.ENV_API_KIND: "TaskAPI",
        contract.ENV_ENDPOINT: "/summer",
        contract.ENV_API_SPEC_PATH: str(tmp_path / "api.json"),
        job_contract.ENV_TEMPLATE_PATH: str(tmp_path / "job.json"),
        job_contract.ENV_STATE_BUCKET: BUCKET,
        job_contract.ENV_STATE_PREFIX: "jobs/summer/",
        job_contract.ENV_QUEUE_PREFIX: job_contract.queue_prefix("demo", "summer"),
        job_contract.ENV_NAMESPACE: "cortex",
        job_contract.ENV_REGION: "us-west-2",
        job_contract.ENV_KUBE_API: kube.url,
    }
    app = gateway_app(env, local=False, journal=Journal("summer"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        job = (await client.post("/summer", json={"config": {"k": 1}})).json()
        status = (await client.get("/summer", params={"jobID": job["job_id"]})).json()
    assert status["api_spec"] == {"name": "summer"}
    assert status["job_status"]["status"] == "running"
    [(namespace, name)] = list(kube.jobs)
    assert (namespace, name) == ("cortex", f"summer-{job['job_id']}")
