"""`cortex-runtime batch-worker`: one worker pod of a BatchAPI job.

Takes batches from the job's SQS queue one at a time, hands each to the user's code and
records the outcome as one S3 object (`<prefix><job>/succeeded/<batch>` or
`failed/<batch>-<attempt>`), then deletes the message. While a batch is worked on, its
message's visibility is extended, so no other worker takes it. A failed batch is deleted
too, unless the job has a dead-letter queue: then SQS retries it and moves it there after
`max_receive_count` attempts (Cortex v0.42, docs/workloads/batch/jobs.md).

The user's code is the predictor form's `predict(payload, batch_id)` in this process, or
(container form, as Cortex's dequeuer sidecar) `POST /` on the user's server with the batch
and the `X-Cortex-Job-ID` header (docs/workloads/batch/containers.md): 200 is success.

The queue is drained when it holds no message, visible or in flight. Worker 0 of the
Indexed Job then calls `on_job_complete` (predictor form) or `POST /on-job-complete` (a 404
is fine), once, as Cortex did.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runtime import job_contract
from runtime.journal import Journal
from runtime.object_store import S3Store

Handle = Callable[[Any, str], None]


@dataclass(frozen=True)
class WorkerPlace:
    job_id: str
    queue_url: str
    bucket: str
    prefix: str
    retries: bool  # a dead-letter queue takes batches that keep failing


class Renewal:
    """Extends one message's visibility until stopped (SQS ChangeMessageVisibility)."""

    def __init__(self, sqs: Any, url: str, receipt: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(sqs, url, receipt), daemon=True)
        self._thread.start()

    def _run(self, sqs: Any, url: str, receipt: str) -> None:
        while not self._stop.wait(job_contract.VISIBILITY_SECONDS / 2):
            sqs.change_message_visibility(
                QueueUrl=url,
                ReceiptHandle=receipt,
                VisibilityTimeout=job_contract.VISIBILITY_SECONDS,
            )

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def drained(sqs: Any, url: str) -> bool:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return all(int(attributes.get(n, 0)) == 0 for n in names)


def work(
    sqs: Any, s3: Any, place: WorkerPlace, handle: Handle, journal: Journal, *, idle_checks: int = 3
) -> tuple[int, int]:
    """Work off the queue until it is drained; the batches that succeeded and failed here."""
    succeeded = failed = 0
    empty = 0
    outcomes = S3Store(place.bucket, s3)  # one empty object per batch: the gateway counts them
    while True:
        answer = sqs.receive_message(
            QueueUrl=place.queue_url,
            MaxNumberOfMessages=1,
            WaitTimeSeconds=job_contract.RECEIVE_WAIT_SECONDS,
            VisibilityTimeout=job_contract.VISIBILITY_SECONDS,
            MessageAttributeNames=["batchID"],
            AttributeNames=["ApproximateReceiveCount"],
        )
        messages = answer.get("Messages") or []
        if not messages:
            # Empty receives alone can be wrong (SQS samples servers); the counts confirm.
            empty += 1
            if empty >= idle_checks and drained(sqs, place.queue_url):
                return succeeded, failed
            continue
        empty = 0
        message = messages[0]
        batch_id = message.get("MessageAttributes", {}).get("batchID", {}).get("StringValue")
        batch_id = batch_id or message["MessageId"]
        attempt = message.get("Attributes", {}).get("ApproximateReceiveCount", "1")
        renewal = Renewal(sqs, place.queue_url, message["ReceiptHandle"])
        try:
            handle(json.loads(message["Body"]), batch_id)
        except Exception:
            renewal.stop()
            journal.error("batch_failed", traceback.format_exc(), batch_id=batch_id)
            failed += 1
            key = f"{place.prefix}{place.job_id}/failed/{batch_id}-{attempt}"
            outcomes.put(key, b"")
            if place.retries:
                continue  # SQS redelivers it, then moves it to the dead-letter queue
        else:
            renewal.stop()
            succeeded += 1
            key = f"{place.prefix}{place.job_id}/succeeded/{batch_id}"
            outcomes.put(key, b"")
        sqs.delete_message(QueueUrl=place.queue_url, ReceiptHandle=message["ReceiptHandle"])


def wait_for_port(port: int, timeout: float, interval: float = 0.5) -> None:
    """The user's server takes connections (the container form's readiness)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=interval):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on port {port} after {timeout:.0f}s") from None
            time.sleep(interval)


def http_handler(port: int, job_id: str, timeout: float) -> tuple[Handle, Callable[[], None]]:
    """The container form: each batch posted to the user's server, as Cortex's dequeuer did."""

    def post(path: str, body: bytes) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("X-Cortex-Job-ID", job_id)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def handle(payload: Any, batch_id: str) -> None:
        status = post("/", json.dumps(payload).encode())
        if status != 200:
            raise RuntimeError(f"the API answered {status} to batch {batch_id}")

    def complete() -> None:
        status = post("/on-job-complete", b"")
        if status not in (200, 404):
            raise RuntimeError(f"the API answered {status} to /on-job-complete")

    return handle, complete
