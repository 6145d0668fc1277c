"""Jobs in the cluster: one SQS queue per batch job, records in S3, a Kubernetes Job each.

The gateway's role may touch only queues named `job_contract.queue_prefix(...)` and objects
under `job_contract.state_prefix(api)` in the stack's bucket; its Kubernetes role only Jobs
(create, get, delete) and pods (list) in its namespace (infra/serving/jobs.py).

Records (`<prefix><job id>/record.json`) hold the submission and the status once it is
final; workers add one object per batch under `<prefix><job id>/succeeded/` or `failed/`,
so concurrent workers never write the same key, and the counts are listings.
"""

from __future__ import annotations

import contextlib
import copy
import json
from dataclasses import dataclass
from typing import Any

from runtime import job_contract
from runtime.job_gateway import GatewayError
from runtime.job_records import (
    COMPLETED_WITH_FAILURES,
    DONE,
    ENQUEUE_FAILED,
    FAILED,
    OUT_OF_MEMORY,
    RUNNING,
    STOPPED,
    SUCCEEDED,
    TIMED_OUT,
    WORKER_ERROR,
    JobRecord,
    Progress,
    now,
)
from runtime.job_sources import source_batches
from runtime.job_submission import Source, Submission, SubmissionError
from runtime.journal import Journal
from runtime.kube_client import KubeClient, KubeError
from runtime.object_store import S3Store
from runtime.pod_states import worker_counts

_SQS_BATCH = 10  # SendMessageBatch takes at most 10 entries


@dataclass(frozen=True)
class Place:
    """Where one API's jobs live."""

    api_name: str
    bucket: str
    prefix: str
    queue_prefix: str
    namespace: str


class ClusterJobs:
    """A JobBackend on SQS, S3 and the Kubernetes API."""

    def __init__(
        self,
        place: Place,
        template: dict[str, Any],
        *,
        sqs: Any,
        s3: Any,
        kube: KubeClient,
        journal: Journal,
    ) -> None:
        self.place, self.template = place, template
        self.sqs, self.s3, self.kube, self.journal = sqs, s3, kube, journal
        self.records = S3Store(place.bucket, s3)

    # Records -------------------------------------------------------------------------------
    def _key(self, job_id: str, *rest: str) -> str:
        return "/".join((self.place.prefix + job_id, *rest))

    def _save(self, record: JobRecord) -> None:
        self.records.put_json(self._key(record.job_id, "record.json"), record.document())

    def _load(self, job_id: str) -> JobRecord | None:
        document = self.records.get_json(self._key(job_id, "record.json"))
        return None if document is None else JobRecord.from_document(document)

    def _count(self, job_id: str, outcome: str) -> int:
        return self.records.count(self._key(job_id, outcome) + "/")

    # Submission -----------------------------------------------------------------------------
    def _create_queue(self, record: JobRecord, submission: Submission) -> str:
        attributes = {
            "VisibilityTimeout": str(job_contract.VISIBILITY_SECONDS),
            "MessageRetentionPeriod": str(14 * 24 * 3600),  # SQS's maximum
        }
        if submission.dead_letter is not None:
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": submission.dead_letter.arn,
                    "maxReceiveCount": str(submission.dead_letter.max_receive_count),
                }
            )
        name = job_contract.queue_name(self.place.queue_prefix, record.job_id)
        url: str = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return url

    def _enqueue(self, url: str, source: Source) -> int:
        count, entries = 0, []
        for batch in source_batches(self.s3, source):
            entries.append(
                {
                    "Id": str(count),
                    "MessageBody": batch.decode(),
                    "MessageAttributes": {
                        "batchID": {"DataType": "String", "StringValue": str(count)}
                    },
                }
            )
            count += 1
            if len(entries) == _SQS_BATCH:
                self._send(url, entries)
                entries = []
        if entries:
            self._send(url, entries)
        if count == 0:
            raise SubmissionError("the submission selects no items")
        return count

    def _send(self, url: str, entries: list[dict[str, Any]]) -> None:
        failed = self.sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed") or []
        if failed:
            raise GatewayError(f"SQS refused {len(failed)} batches: {failed[0].get('Message')}")

    def submit(self, record: JobRecord, submission: Submission) -> None:
        if record.kind == "BatchAPI":
            assert submission.source is not None
            record.sqs_url = self._create_queue(record, submission)
            self._save(record)
            try:
                record.total_batches = self._enqueue(record.sqs_url, submission.source)
            except Exception as error:
                record.status, record.end_time = ENQUEUE_FAILED, now()
                record.message = str(error)[:500]
                self._save(record)
                self.sqs.delete_queue(QueueUrl=record.sqs_url)
                if isinstance(error, SubmissionError):
                    raise
                raise GatewayError(f"enqueuing failed: {error}") from error
        try:
            self.kube.create_job(self.place.namespace, self.job_manifest(record))
        except KubeError as error:
            record.status, record.end_time, record.message = WORKER_ERROR, now(), str(error)
            self._save(record)
            if record.sqs_url is not None:
                self._delete_queue(record.sqs_url)
            raise GatewayError(f"cannot start the job's workers: {error}") from error
        record.status, record.start_time = RUNNING, now()
        self._save(record)

    def job_manifest(self, record: JobRecord) -> dict[str, Any]:
        """The stack's Job template with this job's name, labels, size, deadline and spec."""
        job = copy.deepcopy(self.template)
        name = job_contract.job_name(self.place.api_name, record.job_id)
        labels = {
            job_contract.API_LABEL: self.place.api_name,
            job_contract.JOB_ID_LABEL: record.job_id,
        }
        job["metadata"] = {**job.get("metadata", {}), "name": name}
        job["metadata"]["labels"] = {**job["metadata"].get("labels", {}), **labels}
        spec = job["spec"]
        spec["parallelism"] = spec["completions"] = record.workers
        if record.timeout is not None:
            spec["activeDeadlineSeconds"] = record.timeout
        pod_meta = spec["template"].setdefault("metadata", {})
        pod_meta["labels"] = {**pod_meta.get("labels", {}), **labels}
        document = json.dumps(record.spec(), sort_keys=True)
        if len(document.encode()) > job_contract.MAX_JOB_SPEC_BYTES:
            raise SubmissionError(
                f"the job's config is too large ({len(document):,} bytes of spec; at most "
                f"{job_contract.MAX_JOB_SPEC_BYTES:,}): put large inputs in S3"
            )
        pod_meta["annotations"] = {
            **pod_meta.get("annotations", {}),
            job_contract.JOB_SPEC_ANNOTATION: document,
        }
        return job

    # Status ---------------------------------------------------------------------------------
    def _queued(self, url: str | None) -> int:
        if url is None:
            return 0
        try:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
        except self.sqs.exceptions.QueueDoesNotExist:
            return 0
        return int(attributes.get("ApproximateNumberOfMessages", 0))

    def progress(self, job_id: str) -> tuple[JobRecord, Progress] | None:
        record = self._load(job_id)
        if record is None:
            return None
        succeeded, failed = self._count(job_id, "succeeded"), self._count(job_id, "failed")
        if record.status in DONE:
            return record, Progress(record.status, 0, succeeded, failed, end_time=record.end_time)
        name = job_contract.job_name(self.place.api_name, job_id)
        job = self.kube.read_job(self.place.namespace, name)
        pods = self.kube.list_pods(self.place.namespace, f"{job_contract.JOB_ID_LABEL}={job_id}")
        counts = worker_counts(pods)
        status = self._status(record, job, counts, failed)
        progress = Progress(status, self._queued(record.sqs_url), succeeded, failed, counts)
        if status in DONE:
            record.status, record.end_time = status, now()
            progress.end_time = record.end_time
            self._save(record)
            if record.sqs_url is not None:
                self._delete_queue(record.sqs_url)
        return record, progress

    def _status(
        self, record: JobRecord, job: dict[str, Any] | None, counts: dict[str, int], failed: int
    ) -> str:
        conditions = {
            c.get("type"): c
            for c in ((job or {}).get("status") or {}).get("conditions") or []
            if c.get("status") == "True"
        }
        batch = record.kind == "BatchAPI"
        if "Complete" in conditions:
            return COMPLETED_WITH_FAILURES if batch and failed else SUCCEEDED
        if "Failed" in conditions:
            if conditions["Failed"].get("reason") == "DeadlineExceeded":
                return TIMED_OUT
            if counts.get("oom", 0):
                return OUT_OF_MEMORY
            return WORKER_ERROR if batch else FAILED
        if job is None:
            # Gone without a final status: deleted behind the gateway's back.
            return WORKER_ERROR if batch else FAILED
        return RUNNING

    def _delete_queue(self, url: str) -> None:
        with contextlib.suppress(self.sqs.exceptions.QueueDoesNotExist):
            self.sqs.delete_queue(QueueUrl=url)

    def stop(self, job_id: str) -> bool:
        record = self._load(job_id)
        if record is None:
            return False
        self.kube.delete_job(
            self.place.namespace, job_contract.job_name(self.place.api_name, job_id)
        )
        if record.sqs_url is not None:
            self._delete_queue(record.sqs_url)
        if record.status not in DONE:
            record.status, record.end_time = STOPPED, now()
            self._save(record)
        return True
