"""A job's record and its status document, in Cortex v0.42's shapes (docs/workloads/batch/
jobs.md, docs/workloads/task/jobs.md, docs/workloads/batch/statuses.md at tag v0.42.1)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from runtime import job_contract
from runtime.job_submission import Submission

ENQUEUING: Final = "enqueuing"
RUNNING: Final = "running"
SUCCEEDED: Final = "succeeded"
ENQUEUE_FAILED: Final = "failed while enqueuing"
COMPLETED_WITH_FAILURES: Final = "completed with failures"
WORKER_ERROR: Final = "worker error"
OUT_OF_MEMORY: Final = "out of memory"
TIMED_OUT: Final = "timed out"
STOPPED: Final = "stopped"
# Task jobs: Cortex's task statuses (docs/workloads/task/statuses.md) end in these two.
FAILED: Final = "failed"
DONE: Final = (
    SUCCEEDED,
    ENQUEUE_FAILED,
    COMPLETED_WITH_FAILURES,
    WORKER_ERROR,
    OUT_OF_MEMORY,
    TIMED_OUT,
    STOPPED,
    FAILED,
)
WORKER_STATES: Final = ("pending", "initializing", "running", "succeeded", "failed", "stalled")


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_job_id() -> str:
    """Random, lowercase hex: valid in Kubernetes names and SQS queue names."""
    return secrets.token_hex(job_contract.JOB_ID_HEX // 2)


def valid_job_id(value: str) -> bool:
    return len(value) == job_contract.JOB_ID_HEX and all(c in "0123456789abcdef" for c in value)


@dataclass
class JobRecord:
    """What the gateway stores when a job is submitted, and updates as it goes."""

    job_id: str
    api_name: str
    kind: str
    workers: int
    config: dict[str, Any]
    timeout: int | None
    created_time: str
    sqs_url: str | None = None
    sqs_dead_letter_queue: dict[str, Any] | None = None
    status: str = ENQUEUING
    total_batches: int = 0
    start_time: str | None = None
    end_time: str | None = None
    message: str | None = None

    @classmethod
    def new(cls, api_name: str, submission: Submission) -> JobRecord:
        dead_letter = submission.dead_letter
        return cls(
            job_id=new_job_id(),
            api_name=api_name,
            kind=submission.kind,
            workers=submission.workers,
            config=submission.config,
            timeout=submission.timeout,
            created_time=now(),
            sqs_dead_letter_queue=asdict(dead_letter) if dead_letter is not None else None,
        )

    def spec(self) -> dict[str, Any]:
        """The submission's answer, and the job spec its pods read (job.json)."""
        document: dict[str, Any] = {
            "job_id": self.job_id,
            "api_name": self.api_name,
            "kind": self.kind,
            "workers": self.workers,
            "config": self.config,
            "api_id": self.api_name,
            "timeout": self.timeout,
            "created_time": self.created_time,
        }
        if self.kind == "BatchAPI":
            document["sqs_url"] = self.sqs_url
            document["sqs_dead_letter_queue"] = self.sqs_dead_letter_queue
        return document

    def document(self) -> dict[str, Any]:
        """What the gateway stores (record.json): every field."""
        return asdict(self)

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> JobRecord:
        return cls(**document)


@dataclass
class Progress:
    """What the job's queue, pods and progress records say now."""

    status: str
    batches_in_queue: int = 0
    succeeded: int = 0
    failed: int = 0
    worker_counts: dict[str, int] = field(default_factory=dict)
    end_time: str | None = None


def status_document(
    record: JobRecord, progress: Progress, endpoint: str, api_spec: dict[str, Any]
) -> dict[str, Any]:
    """`GET <endpoint>?jobID=`'s answer."""
    job_status = {
        **record.spec(),
        "status": progress.status,
        "start_time": record.start_time or record.created_time,
    }
    end = progress.end_time or record.end_time
    if end is not None:
        job_status["end_time"] = end
    document: dict[str, Any] = {
        "job_status": job_status,
        "endpoint": endpoint,
        "api_spec": api_spec,
    }
    if record.kind == "BatchAPI":
        job_status["batches_in_queue"] = progress.batches_in_queue
        job_status["total_batches"] = record.total_batches
        if progress.status not in DONE:
            job_status["worker_counts"] = {
                s: progress.worker_counts.get(s, 0) for s in WORKER_STATES
            }
        document["metrics"] = {"succeeded": progress.succeeded, "failed": progress.failed}
    return document
