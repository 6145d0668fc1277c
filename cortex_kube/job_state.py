"""The Kubernetes Jobs of a BatchAPI or TaskAPI, as the API server has them.

The job gateway (runtime/cluster_jobs.py, `job_manifest`) names each Job `<api>-<job id>`
and labels it and its pods `cortex.dev/api: <api>` and `cortex.dev/job-id: <job id>`
(runtime/job_contract.py); its own pods carry `cortex.dev/component: job-gateway`
(infra/serving/job_template.py). A Job's state is Kubernetes' (batch/v1 JobStatus in the
API reference): `succeeded` once its `Complete` condition is true, `failed` once `Failed`
is (with the reason, e.g. `DeadlineExceeded` for a job's `timeout`), `running` before. The
gateway's own status (batches succeeded and failed, `completed with failures`) is in S3 and
SQS: `GET <endpoint>?jobID=<id>` answers it, `get` does not read AWS for it. Finished Jobs
are deleted by Kubernetes 7 days after they end (`ttlSecondsAfterFinished`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Final, Literal

from cortex_kube.pod_state import replica
from runtime import job_contract

JOB_ID_LABEL: Final = job_contract.JOB_ID_LABEL
COMPONENT_LABEL: Final = "cortex.dev/component"  # infra/serving/job_template.py
GATEWAY_COMPONENT: Final = "job-gateway"  # infra/serving/job_template.py
JOB_STATES: Final = ("running", "succeeded", "failed")
JobStatus = Literal["running", "succeeded", "failed"]


@dataclass(frozen=True)
class JobState:
    job_id: str
    name: str
    state: JobStatus
    workers: int | None  # the Job's completions: the workers the submission asked for
    active: int
    succeeded: int
    failed: int
    created: str | None
    started: str | None
    finished: str | None
    reason: str | None
    pod_reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "name": self.name,
            "state": self.state,
            "workers": self.workers,
            "active": self.active,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "reason": self.reason,
            "pod_reasons": list(self.pod_reasons),
        }


def _true_conditions(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    conditions = (job.get("status") or {}).get("conditions") or []
    return {str(c.get("type")): dict(c) for c in conditions if c.get("status") == "True"}


def _pod_reasons(pods: list[dict[str, Any]]) -> tuple[str, ...]:
    """Why workers wait or failed (unschedulable: which resource; crash; OOM), most
    frequent first: what a person acts on while a job makes no progress."""
    found = Counter(
        (r.state, r.reason)
        for r in (replica(p) for p in pods)
        if r.reason and r.state in ("pending", "failed")
    )
    return tuple(f"{n} {state}: {reason}" for (state, reason), n in found.most_common())


def job_state(job: dict[str, Any], pods: list[dict[str, Any]]) -> JobState:
    """One Job and its pods."""
    meta, status = job.get("metadata") or {}, job.get("status") or {}
    name = str(meta.get("name", "?"))
    labels = meta.get("labels") or {}
    conditions = _true_conditions(job)
    state: JobStatus = "running"
    reason = None
    finished = status.get("completionTime")
    if "Complete" in conditions:
        state = "succeeded"
    elif "Failed" in conditions:
        state, failed = "failed", conditions["Failed"]
        reason = str(failed.get("reason") or "Failed")
        if failed.get("message"):
            reason += f": {failed['message']}"
        finished = failed.get("lastTransitionTime")
    completions = (job.get("spec") or {}).get("completions")
    return JobState(
        job_id=str(labels.get(JOB_ID_LABEL, name)),
        name=name,
        state=state,
        workers=int(completions) if completions is not None else None,
        active=int(status.get("active") or 0),
        succeeded=int(status.get("succeeded") or 0),
        failed=int(status.get("failed") or 0),
        created=meta.get("creationTimestamp"),
        started=status.get("startTime"),
        finished=finished,
        reason=reason,
        pod_reasons=_pod_reasons(pods) if state == "running" else (),
    )


def job_states(jobs: list[dict[str, Any]], pods: list[dict[str, Any]]) -> tuple[JobState, ...]:
    """The Jobs of one API, newest first (by creation; the name breaks ties, stably)."""
    by_job: dict[str, list[dict[str, Any]]] = {}
    for pod in pods:
        job_id = (pod.get("metadata") or {}).get("labels", {}).get(JOB_ID_LABEL)
        if job_id:
            by_job.setdefault(str(job_id), []).append(pod)
    found = [job_state(j, by_job.get(_job_id(j), [])) for j in jobs]
    found.sort(key=lambda j: j.name)
    found.sort(key=lambda j: j.created or "", reverse=True)
    return tuple(found)


def _job_id(job: dict[str, Any]) -> str:
    meta = job.get("metadata") or {}
    return str((meta.get("labels") or {}).get(JOB_ID_LABEL, meta.get("name", "")))


def counts(jobs: tuple[JobState, ...]) -> dict[str, int]:
    """Jobs per state: running, succeeded, failed (every key, zero included)."""
    return {state: sum(1 for j in jobs if j.state == state) for state in JOB_STATES}
