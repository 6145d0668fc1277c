"""The job gateway in the cluster: batches on SQS and records in S3 (moto over HTTP), Jobs
on a fake Kubernetes API server whose contract is pinned here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest

from runtime import job_contract
from runtime.batch_worker import WorkerPlace, work
from runtime.cluster_jobs import ClusterJobs, Place
from runtime.job_gateway import JobGateway
from runtime.journal import Journal
from runtime.kube_client import KubeClient
from tests.conftest import MotoServer
from tests.runtime import fake_kube

BUCKET = "demo-bundles-123456789012-us-west-2"
NAMESPACE = "cortex"
TEMPLATE: dict[str, Any] = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"namespace": NAMESPACE, "labels": {"app": "x"}},
    "spec": {
        "completionMode": "Indexed",
        "backoffLimit": 0,
        "template": {
            "spec": {"restartPolicy": "Never", "containers": [{"name": "w", "image": "i"}]}
        },
    },
}


@pytest.fixture
def kube() -> Iterator[fake_kube.FakeKube]:
    yield from fake_kube.serve()


def _jobs(aws: MotoServer, kube: fake_kube.FakeKube) -> tuple[ClusterJobs, Any, Any]:
    s3 = boto3.client("s3", region_name="us-west-2")
    sqs = boto3.client("sqs", region_name="us-west-2")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    place = Place(
        api_name="summer",
        bucket=BUCKET,
        prefix=job_contract.state_prefix("summer"),
        queue_prefix=job_contract.queue_prefix("demo", "summer"),
        namespace=NAMESPACE,
    )
    client = KubeClient(kube.url, "token-1", None)
    return (
        ClusterJobs(place, TEMPLATE, sqs=sqs, s3=s3, kube=client, journal=Journal("summer")),
        sqs,
        s3,
    )


def _gateway(jobs: ClusterJobs, kind: str = "BatchAPI") -> httpx.AsyncClient:
    app = JobGateway(
        "summer", kind, "/summer", api_spec={"name": "summer"}, backend=jobs, journal=Journal("s")
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")


@pytest.mark.anyio
async def test_a_batch_job_is_queued_run_and_reported_as_cortex_did(
    aws: MotoServer, kube: fake_kube.FakeKube
) -> None:
    """10 items in batches of 3: 4 SQS messages, one Indexed Job of 2 workers, and once the
    workers drained the queue and the Job completed, succeeded with 4 batches."""
    jobs, sqs, s3 = _jobs(aws, kube)
    async with _gateway(jobs) as client:
        submission = {"workers": 2, "item_list": {"items": list(range(10)), "batch_size": 3}}
        reply = await client.post("/summer", json=submission)
        assert reply.status_code == 200, reply.text
        job = reply.json()
        job_id = job["job_id"]
        assert job["sqs_url"].endswith(f"cx_{job_contract.cluster_hash('demo')}_summer_{job_id}")
        # Kubernetes: one create of a batch/v1 Job in the namespace, sized and labelled.
        [create] = [c for c in kube.calls if c.method == "POST"]
        assert create.path == f"/apis/batch/v1/namespaces/{NAMESPACE}/jobs"
        assert create.authorization == "Bearer token-1"
        body = create.body
        assert body["metadata"]["name"] == f"summer-{job_id}"
        assert body["spec"]["parallelism"] == body["spec"]["completions"] == 2
        labels = body["spec"]["template"]["metadata"]["labels"]
        assert labels == {job_contract.API_LABEL: "summer", job_contract.JOB_ID_LABEL: job_id}
        spec = json.loads(
            body["spec"]["template"]["metadata"]["annotations"][job_contract.JOB_SPEC_ANNOTATION]
        )
        assert spec["job_id"] == job_id
        assert spec["sqs_url"] == job["sqs_url"]
        status = (await client.get("/summer", params={"jobID": job_id})).json()
        assert status["job_status"]["status"] == "running"
        assert status["job_status"]["batches_in_queue"] == 4
        # A worker drains the queue; every batch is recorded once.
        seen: list[int] = []
        place = WorkerPlace(job_id, job["sqs_url"], BUCKET, "jobs/summer/", retries=False)
        done = work(
            sqs, s3, place, lambda payload, _: seen.extend(payload), Journal("w"), idle_checks=1
        )
        assert done == (4, 0)
        assert sorted(seen) == list(range(10))
        kube.finish(NAMESPACE, f"summer-{job_id}", "Complete")
        status = (await client.get("/summer", params={"jobID": job_id})).json()
        assert status["job_status"]["status"] == "succeeded"
        assert status["metrics"] == {"succeeded": 4, "failed": 0}
        assert "end_time" in status["job_status"]
        # The finished job's queue is gone.
        assert sqs.list_queues().get("QueueUrls", []) == []


@pytest.mark.anyio
async def test_failed_batches_and_a_deadline_are_reported(
    aws: MotoServer, kube: fake_kube.FakeKube
) -> None:
    """A batch that raises counts as failed; a Job failed for DeadlineExceeded is timed out."""
    jobs, sqs, s3 = _jobs(aws, kube)
    async with _gateway(jobs) as client:
        submission = {"workers": 1, "timeout": 30, "item_list": {"items": [1, 2], "batch_size": 1}}
        job = (await client.post("/", json=submission)).json()
        assert (
            kube.jobs[(NAMESPACE, f"summer-{job['job_id']}")]["spec"]["activeDeadlineSeconds"] == 30
        )

        def handle(payload: Any, batch_id: str) -> None:
            if payload == [2]:
                raise ValueError("no")

        place = WorkerPlace(job["job_id"], job["sqs_url"], BUCKET, "jobs/summer/", retries=False)
        assert work(sqs, s3, place, handle, Journal("w"), idle_checks=1) == (1, 1)
        kube.finish(NAMESPACE, f"summer-{job['job_id']}", "Failed", "DeadlineExceeded")
        status = (await client.get("/", params={"jobID": job["job_id"]})).json()
        assert status["job_status"]["status"] == "timed out"
        assert status["metrics"] == {"succeeded": 1, "failed": 1}


@pytest.mark.anyio
async def test_stopping_deletes_the_job_with_its_pods_and_the_queue(
    aws: MotoServer, kube: fake_kube.FakeKube
) -> None:
    """DELETE ?jobID= deletes the Job (propagation Background: its pods go too) and the
    queue, and the job reads stopped; an unknown id is a 404."""
    jobs, sqs, _ = _jobs(aws, kube)
    async with _gateway(jobs) as client:
        job = (
            await client.post(
                "/", json={"workers": 1, "item_list": {"items": [1], "batch_size": 1}}
            )
        ).json()
        reply = await client.delete("/", params={"jobID": job["job_id"]})
        assert reply.json() == {"message": f"stopped job {job['job_id']}"}
        [delete] = [c for c in kube.calls if c.method == "DELETE"]
        assert delete.path == f"/apis/batch/v1/namespaces/{NAMESPACE}/jobs/summer-{job['job_id']}"
        assert delete.body["propagationPolicy"] == "Background"
        assert kube.jobs == {}
        assert sqs.list_queues().get("QueueUrls", []) == []
        status = (await client.get("/", params={"jobID": job["job_id"]})).json()
        assert status["job_status"]["status"] == "stopped"
        assert (await client.delete("/", params={"jobID": "f" * 16})).status_code == 404


@pytest.mark.anyio
async def test_file_path_lister_batches_the_selected_s3_paths(
    aws: MotoServer, kube: fake_kube.FakeKube
) -> None:
    """file_path_lister: the prefix's files filtered by includes/excludes, in batches."""
    jobs, sqs, s3 = _jobs(aws, kube)
    s3.create_bucket(Bucket="data", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    for name in ("img_1.png", "img_2.jpg", "img_3.jpg", "img_4.gif"):
        s3.put_object(Bucket="data", Key=f"images/{name}", Body=b"x")
    async with _gateway(jobs) as client:
        lister = {
            "s3_paths": ["s3://data/images/"],
            "includes": ["**.jpg"],
            "excludes": ["**_3.jpg"],
            "batch_size": 5,
        }
        job = (await client.post("/", json={"workers": 1, "file_path_lister": lister})).json()
    message = sqs.receive_message(QueueUrl=job["sqs_url"])["Messages"][0]
    assert json.loads(message["Body"]) == ["s3://data/images/img_2.jpg"]


@pytest.mark.anyio
async def test_a_task_job_is_one_worker_without_a_queue(
    aws: MotoServer, kube: fake_kube.FakeKube
) -> None:
    """A TaskAPI job creates one Job of one worker and no queue; Complete is succeeded."""
    jobs, sqs, _ = _jobs(aws, kube)
    async with _gateway(jobs, "TaskAPI") as client:
        job = (await client.post("/", json={"config": {"epochs": 3}})).json()
        assert job["kind"] == "TaskAPI"
        assert "sqs_url" not in job
        assert sqs.list_queues().get("QueueUrls", []) == []
        kube.finish(NAMESPACE, f"summer-{job['job_id']}", "Complete")
        status = (await client.get("/", params={"jobID": job["job_id"]})).json()
        assert status["job_status"]["status"] == "succeeded"
        assert status["job_status"]["config"] == {"epochs": 3}


@pytest.mark.anyio
async def test_a_cluster_refusal_is_a_500_with_the_reason(
    aws: MotoServer, kube: fake_kube.FakeKube
) -> None:
    """When the Kubernetes API refuses the Job, the client gets a 500 saying why and the job
    is recorded as a worker error; its queue is deleted."""
    jobs, sqs, _ = _jobs(aws, kube)
    jobs.kube = KubeClient(kube.url + "/nowhere", None, None)
    async with _gateway(jobs) as client:
        reply = await client.post(
            "/", json={"workers": 1, "item_list": {"items": [1], "batch_size": 1}}
        )
    assert reply.status_code == 500
    assert "cannot start the job's workers" in reply.json()["error"]
    assert sqs.list_queues().get("QueueUrls", []) == []
