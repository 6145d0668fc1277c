"""Kubernetes API documents of the kinds beyond RealtimeAPI, for the fake API server: a
job API's Jobs (batch/v1 `Job`: `spec.completions`, `status.active/succeeded/failed/
startTime/completionTime`, `status.conditions[]` `Complete` / `Failed` with the Job
controller's `DeadlineExceeded`; API reference v1.35) and their pods, and the gateways'
pods, labelled as the program and the job gateway label them (runtime/cluster_jobs.py,
infra/serving/job_template.py, infra/serving/async_workload.py). Written from the
reference, not captured from a cluster.
"""

from __future__ import annotations

from typing import Any

from tests.kube.documents import pod


def job_labels(api: str, job_id: str) -> dict[str, str]:
    """What the job gateway sets on a Job and its pods (runtime/cluster_jobs.py)."""
    return {"cortex.dev/api": api, "cortex.dev/job-id": job_id}


def job(
    api: str,
    job_id: str,
    *,
    created: str,
    workers: int = 1,
    active: int = 0,
    succeeded: int = 0,
    failed: int = 0,
    condition: str | None = None,
    reason: str | None = None,
    finished: str | None = None,
) -> dict[str, Any]:
    """A Job `<api>-<job id>` as the gateway creates it; `condition` Complete or Failed once
    it ended (Failed with `reason`, e.g. DeadlineExceeded, as the Job controller sets)."""
    status: dict[str, Any] = {"startTime": created, "active": active}
    if succeeded:
        status["succeeded"] = succeeded
    if failed:
        status["failed"] = failed
    if condition is not None:
        found = {"type": condition, "status": "True", "lastTransitionTime": finished}
        if reason is not None:
            found |= {"reason": reason, "message": "Job was active longer than specified deadline"}
        status["conditions"] = [found]
        if condition == "Complete":
            status["completionTime"] = finished
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": f"{api}-{job_id}",
            "namespace": "cortex",
            "labels": job_labels(api, job_id),
            "creationTimestamp": created,
        },
        "spec": {
            "completionMode": "Indexed",
            "completions": workers,
            "parallelism": workers,
            "backoffLimit": 0,
        },
        "status": status,
    }


def job_pod(api: str, job_id: str, index: int, **kwargs: Any) -> dict[str, Any]:
    """Worker `index` of a job (the Job controller names it `<job>-<index>-<suffix>`)."""
    name = f"{api}-{job_id}-{index}-x{index}k9z"
    owner = {"apiVersion": "batch/v1", "kind": "Job", "name": f"{api}-{job_id}"}
    return pod(name, api, labels=job_labels(api, job_id), owner=owner, **kwargs)


def job_gateway_pod(name: str, api: str, **kwargs: Any) -> dict[str, Any]:
    """A pod of a job API's gateway `jobs-<api>` (infra/serving/job_template.py labels)."""
    labels = {"cortex.dev/api": api, "cortex.dev/component": "job-gateway"}
    return pod(name, api, labels=labels, containers=("job-gateway",), **kwargs)


def async_gateway_pod(name: str, api: str, **kwargs: Any) -> dict[str, Any]:
    """A pod of an AsyncAPI's gateway `gateway-<api>` (infra/serving/async_workload.py)."""
    return pod(name, api, labels={"cortex.dev/gateway": api}, containers=("gateway",), **kwargs)
