"""Jobs in this process, for `cortex-infra serve`: an in-process queue and runner.

The same gateway as in the cluster, with the cluster's parts replaced: a BatchAPI's batches
go on a `queue.Queue` and `workers` threads work them off, each with its own predictor
(as each pod has its own); a TaskAPI's task runs once on a thread. Only `item_list` is
read here (S3 sources need the cluster's role: submit them to the deployed API). Stopping
a job, or its `timeout`, lets the batches in hand finish and drops the rest.
"""

from __future__ import annotations

import queue
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime import job_handlers
from runtime.job_records import (
    COMPLETED_WITH_FAILURES,
    FAILED,
    RUNNING,
    STOPPED,
    SUCCEEDED,
    TIMED_OUT,
    WORKER_ERROR,
    JobRecord,
    Progress,
    now,
)
from runtime.job_submission import Submission, SubmissionError, item_batches
from runtime.journal import Journal
from runtime.settings import PredictorSettings


@dataclass
class _Job:
    record: JobRecord
    batches: queue.Queue[tuple[str, bytes]] = field(default_factory=queue.Queue)
    stopped: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    succeeded: int = 0
    failed: int = 0
    running: int = 0
    worker_errors: int = 0
    threads: list[threading.Thread] = field(default_factory=list)


class LocalJobs:
    """A JobBackend that runs every job in this process."""

    def __init__(self, project_dir: Path, predictor: PredictorSettings, journal: Journal) -> None:
        self.project_dir = project_dir
        self.predictor = predictor
        self.journal = journal
        self._jobs: dict[str, _Job] = {}

    def submit(self, record: JobRecord, submission: Submission) -> None:
        job = _Job(record)
        if record.kind == "BatchAPI":
            source = submission.source
            if source is None or source.kind != "item_list":
                raise SubmissionError(
                    "serve reads item_list only; S3 sources need the deployed API's role"
                )
            batches = item_batches(source.items, source.batch_size)
            for index, batch in enumerate(batches):
                job.batches.put((str(index), batch))
            record.total_batches = len(batches)
            target = self._batch_worker
        else:
            target = self._task
        record.status, record.start_time = RUNNING, now()
        record.sqs_url = f"local://{record.job_id}" if record.kind == "BatchAPI" else None
        self._jobs[record.job_id] = job
        job.running = record.workers
        if record.timeout is not None:
            # As the cluster's activeDeadlineSeconds: the batches in hand finish, no more start.
            timer = threading.Timer(record.timeout, self._time_out, args=(job,))
            timer.daemon = True
            timer.start()
        for index in range(record.workers):
            thread = threading.Thread(
                target=target, args=(job, index), name=f"job-{record.job_id}-{index}", daemon=True
            )
            job.threads.append(thread)
            thread.start()

    def _batch_worker(self, job: _Job, index: int) -> None:
        import json  # noqa: PLC0415 - only workers decode batches

        try:
            handler = job_handlers.load_batch(self.project_dir, self.predictor, job.record.spec())
        except Exception as error:
            self.journal.error("worker_load_failed", str(error))
            with job.lock:
                job.worker_errors += 1
            self._worker_done(job, index, None)
            return
        while not job.stopped.is_set():
            try:
                batch_id, body = job.batches.get_nowait()
            except queue.Empty:
                break
            try:
                handler.handle(json.loads(body), batch_id)
            except Exception:
                self.journal.error("batch_failed", traceback.format_exc(), batch_id=batch_id)
                with job.lock:
                    job.failed += 1
            else:
                with job.lock:
                    job.succeeded += 1
        self._worker_done(job, index, handler)

    def _worker_done(self, job: _Job, index: int, handler: Any) -> None:
        with job.lock:
            job.running -= 1
            last = job.running == 0
        # Cortex called on_job_complete once, after every batch: the last worker to end.
        if last and handler is not None and not job.stopped.is_set():
            try:
                handler.complete()
            except Exception:
                self.journal.error("on_job_complete_failed", traceback.format_exc())
                job.worker_errors += 1
        if last:
            self._finish(job)

    def _time_out(self, job: _Job) -> None:
        if job.record.status == RUNNING:
            job.stopped.set()
            job.record.status, job.record.end_time = TIMED_OUT, now()

    def _task(self, job: _Job, index: int) -> None:
        try:
            task = job_handlers.load_task(self.project_dir, self.predictor)
            task(job_handlers.merged_config(self.predictor.config, job.record.config))
        except Exception:
            self.journal.error("task_failed", traceback.format_exc())
            job.worker_errors += 1
        with job.lock:
            job.running -= 1
        self._finish(job)

    def _finish(self, job: _Job) -> None:
        record = job.record
        if job.stopped.is_set():
            return
        if job.worker_errors:
            record.status = WORKER_ERROR if record.kind == "BatchAPI" else FAILED
        elif job.failed:
            record.status = COMPLETED_WITH_FAILURES
        else:
            record.status = SUCCEEDED
        record.end_time = now()
        self.journal.event("job_finished", job_id=record.job_id, status=record.status)

    def progress(self, job_id: str) -> tuple[JobRecord, Progress] | None:
        job = self._jobs.get(job_id)
        if job is None:
            return None
        with job.lock:
            running = job.running
            progress = Progress(
                status=job.record.status,
                batches_in_queue=job.batches.qsize(),
                succeeded=job.succeeded,
                failed=job.failed,
                worker_counts={"running": running},
            )
        return job.record, progress

    def stop(self, job_id: str) -> bool:
        job = self._jobs.get(job_id)
        if job is None:
            return False
        job.stopped.set()
        if job.record.status == RUNNING:
            job.record.status, job.record.end_time = STOPPED, now()
        return True
