"""A project with every API kind, and a fake cluster running it, for `get` and `logs`.

The objects are named and labelled as the program and the job gateway make them
(tests/kube/test_names.py pins the names): `api-<name>` Deployments and `cortex.dev/api`
pods; an AsyncAPI's `gateway-<name>` with `cortex.dev/gateway` pods; a job API's gateway
`jobs-<name>` with `cortex.dev/component: job-gateway` pods, and Jobs `<name>-<job id>`
whose pods carry `cortex.dev/job-id`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

from tests.kube import documents, kind_documents
from tests.kube.fake_api import Cluster

# What the `kinds_fake` fixture (tests/cli/conftest.py) yields: the cluster state, a
# kubeconfig reaching the fake API server, the project's spec.
Served: TypeAlias = tuple[Cluster, Path, Path]

SPEC = """
cluster:
  name: kinds
  region: us-west-2
  node_groups:
    - name: cpu
      instance_type: m5.large
apis:
  - name: ranker
    kind: TrafficSplitter
    apis:
      - {name: ranker-v1, weight: 90}
      - {name: ranker-v2, weight: 10}
  - name: ranker-v1
    kind: RealtimeAPI
    predictor: {type: python, path: predictor.py}
  - name: ranker-v2
    kind: RealtimeAPI
    predictor: {type: python, path: predictor.py}
  - name: summarizer
    kind: AsyncAPI
    predictor: {type: python, path: predictor.py}
  - name: labeler
    kind: BatchAPI
    predictor: {type: python, path: batch.py}
  - name: trainer
    kind: TaskAPI
    definition: {path: task.py}
"""
PREDICTOR = """
class PythonPredictor:
    def __init__(self, config):
        pass

    def predict(self, payload):
        return payload
"""
BATCH = """
class PythonPredictor:
    def __init__(self, config, job_spec):
        pass

    def predict(self, payload, batch_id):
        pass
"""
TASK = """
class Task:
    def __call__(self, config):
        pass
"""
# Job ids as the gateway makes them: 16 hex digits (runtime/job_records.py).
NEWEST, MIDDLE, OLDEST = "a1b2c3d4e5f60718", "0f1e2d3c4b5a6978", "9c8d7e6f5a4b3c2d"
TASK_JOB = "1234567890abcdef"
GATEWAY_A, GATEWAY_B = "jobs-labeler-6f7d8-aaaaa", "jobs-labeler-6f7d8-bbbbb"
ASYNC_GATEWAY = "gateway-summarizer-5b6c7-ggggg"
WORKER = "api-summarizer-7d9f8c6b5-wwwww"
CRASHING = "api-summarizer-7d9f8c6b5-xxxxx"


def project(folder: Path) -> Path:
    (folder / "cortex.yaml").write_text(SPEC)
    (folder / "predictor.py").write_text(PREDICTOR)
    (folder / "batch.py").write_text(BATCH)
    (folder / "task.py").write_text(TASK)
    return folder / "cortex.yaml"


def _deployments() -> list[dict[str, Any]]:
    return [
        documents.deployment("ranker-v1", 2),
        documents.deployment("ranker-v2", 1, updated=0),
        documents.deployment("summarizer", 3, updated=1),
        documents.deployment(
            "summarizer",
            2,
            name="gateway-summarizer",
            selector={"cortex.dev/gateway": "summarizer"},
        ),
        documents.deployment(
            "labeler",
            2,
            name="jobs-labeler",
            selector={"cortex.dev/api": "labeler", "cortex.dev/component": "job-gateway"},
        ),
    ]


def _unschedulable_worker() -> dict[str, Any]:
    """Worker 1 of the newest job: no node has the GPU it asks for."""
    pod = documents.unschedulable_pod("unused", "labeler", "nvidia.com/gpu")
    pod["metadata"] = kind_documents.job_pod("labeler", NEWEST, 1)["metadata"]
    return pod


def _pods() -> list[dict[str, Any]]:
    return [
        documents.pod("api-ranker-v1-7d9f8c6b5-aaaaa", "ranker-v1"),
        documents.pod("api-ranker-v1-7d9f8c6b5-bbbbb", "ranker-v1"),
        documents.unschedulable_pod("api-ranker-v2-5c4b-ccccc", "ranker-v2", "cpu"),
        kind_documents.async_gateway_pod(ASYNC_GATEWAY, "summarizer"),
        kind_documents.async_gateway_pod("gateway-summarizer-5b6c7-hhhhh", "summarizer"),
        documents.pod(WORKER, "summarizer", containers=("api", "dequeuer")),
        documents.crash_looping_pod(CRASHING, "summarizer", 1, 3),
        documents.unschedulable_pod("api-summarizer-7d9f8c6b5-zzzzz", "summarizer", "cpu"),
        kind_documents.job_gateway_pod(GATEWAY_A, "labeler"),
        kind_documents.job_gateway_pod(GATEWAY_B, "labeler", ready=False),
        kind_documents.job_pod("labeler", NEWEST, 0, created="2026-12-03T10:30:00Z"),
        _unschedulable_worker(),
        kind_documents.job_pod("labeler", OLDEST, 0, phase="Succeeded", ready=False),
        kind_documents.job_pod("trainer", TASK_JOB, 0),
    ]


def _jobs() -> list[dict[str, Any]]:
    return [
        kind_documents.job(
            "labeler",
            OLDEST,
            created="2026-12-03T10:10:00Z",
            succeeded=1,
            condition="Complete",
            finished="2026-12-03T10:12:00Z",
        ),
        kind_documents.job("labeler", NEWEST, created="2026-12-03T10:30:00Z", workers=2, active=2),
        kind_documents.job(
            "labeler",
            MIDDLE,
            created="2026-12-03T10:20:00Z",
            failed=1,
            condition="Failed",
            reason="DeadlineExceeded",
            finished="2026-12-03T10:25:00Z",
        ),
        kind_documents.job("trainer", TASK_JOB, created="2026-12-03T10:40:00Z", active=1),
    ]


def cluster() -> Cluster:
    """Every kind deployed (but the TaskAPI's gateway), with three jobs of the BatchAPI."""
    worker = kind_documents.job_pod("labeler", NEWEST, 0)["metadata"]["name"]
    return Cluster(
        deployments=_deployments(),
        pods=_pods(),
        jobs=_jobs(),
        in_flight={"ranker-v1": 2.0, "summarizer": 4.0},
        logs={
            (ASYNC_GATEWAY, "gateway"): [("2026-12-03T10:01:00Z", "gateway accepted")],
            ("gateway-summarizer-5b6c7-hhhhh", "gateway"): [],
            (WORKER, "api"): [("2026-12-03T10:01:01Z", "worker predicted")],
            (WORKER, "dequeuer"): [("2026-12-03T10:01:02Z", "dequeuer took 1")],
            (CRASHING, "api"): [("2026-12-03T10:04:01Z", "ImportError: no module named x")],
            (GATEWAY_A, "job-gateway"): [("2026-12-03T10:30:00Z", "job submitted")],
            (GATEWAY_B, "job-gateway"): [],
            (worker, "api"): [("2026-12-03T10:31:00Z", "batch 0 done")],
        },
    )
