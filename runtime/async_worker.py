"""An AsyncAPI's worker (`cortex-runtime async-worker`, the pod's `dequeuer` sidecar).

Each of `workers` threads (the API's `max_concurrency`, Cortex's `--workers`) takes one
message at a time, posts its payload to the serving container on localhost (the
predictor's runtime or the user's container, on `CORTEX_PORT`) and writes what happened:

- a 2xx answer with a JSON body: the result, then `completed`, then the message is deleted;
- anything else (another status, a body that is not JSON, no answer): the attempt failed.
  Before the last attempt the request goes back to `in_queue` and the message is made
  visible again at once; on the last one the request is `failed` and the message is left
  for SQS to move to the dead-letter queue on its next receipt.

A message whose request is already `completed` or `failed` (a duplicate delivery: SQS is
at-least-once) is deleted without running the predictor again.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from runtime import contract
from runtime.async_queue import Message, Queue
from runtime.async_store import Requests

# The predictor's own request timeout (the same contract value) answers first: a 504.
PREDICTION_TIMEOUT_SECONDS = contract.ASYNC_PREDICTION_SECONDS + 30
READY_POLL_SECONDS = 0.5

Log = Callable[..., None]


def _no_log(event: str, **fields: object) -> None:
    del event, fields


class Worker:
    def __init__(
        self,
        queue: Queue,
        requests: Requests,
        upstream_port: int,
        *,
        max_receive_count: int = contract.ASYNC_MAX_RECEIVE_COUNT,
        ready_path: str | None = None,
        wait_seconds: int = contract.ASYNC_WAIT_SECONDS,
        log: Log = _no_log,
    ) -> None:
        self.queue = queue
        self.requests = requests
        self.upstream = f"http://127.0.0.1:{upstream_port}"
        self.upstream_port = upstream_port
        self.max_receive_count = max_receive_count
        self.ready_path = ready_path
        self.wait_seconds = wait_seconds
        self.log = log

    def ready(self) -> bool:
        """Whether the serving container takes requests: its health path answers 200 (the
        predictor form), or its port accepts a connection (the container form)."""
        if self.ready_path is None:
            try:
                with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=1):
                    return True
            except OSError:
                return False
        try:
            with urllib.request.urlopen(self.upstream + self.ready_path, timeout=2) as answer:  # noqa: S310 - loopback
                return bool(answer.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def run(self, stop: threading.Event) -> None:
        """One thread's loop, until `stop` is set; it never takes a message before the
        serving container is ready, and finishes the one it holds."""
        while not stop.is_set():
            if not self.ready():
                stop.wait(READY_POLL_SECONDS)
                continue
            message = self.queue.receive(self.wait_seconds)
            if message is not None:
                self.handle(message)

    def handle(self, message: Message) -> None:
        request_id = message.request_id
        try:
            status = self.requests.status(request_id)
        except ValueError:
            self.log("async_bad_message", receipt_count=message.receive_count)
            self.queue.delete(message)
            return
        if status in ("completed", "failed"):
            self.queue.delete(message)
            return
        payload = self.requests.payload(request_id)
        if payload is None:
            self.requests.set_status(request_id, "failed")
            self.queue.delete(message)
            self.log("async_payload_missing", id=request_id)
            return
        self.requests.set_status(request_id, "in_progress")
        with self._kept(message):
            result, reason = self._predict(payload.body, payload.content_type)
        if result is not None:
            self.requests.complete(request_id, result)
            self.queue.delete(message)
            self.log("async_completed", id=request_id)
            return
        last = message.receive_count >= self.max_receive_count
        self.requests.set_status(request_id, "failed" if last else "in_queue")
        self.log(
            "async_attempt_failed", id=request_id, attempt=message.receive_count, reason=reason
        )
        self.queue.release(message)

    def _predict(self, body: bytes, content_type: str) -> tuple[bytes | None, str]:
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.upstream + contract.PREDICT_PATH,
            data=body,
            headers={"Content-Type": content_type},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=PREDICTION_TIMEOUT_SECONDS) as answer:  # noqa: S310
                data = answer.read()
        except urllib.error.HTTPError as error:
            return None, f"status {error.code}"
        except (OSError, urllib.error.URLError) as error:
            return None, f"no answer: {error}"
        try:
            json.loads(data)
        except ValueError:
            return None, "the answer is not JSON"
        return data, ""

    @contextmanager
    def _kept(self, message: Message) -> Iterator[None]:
        """Extend the message's visibility every half period while the prediction runs."""
        done = threading.Event()

        def keep() -> None:
            period = contract.ASYNC_VISIBILITY_SECONDS / 2
            while not done.wait(period):
                try:
                    self.queue.extend(message, contract.ASYNC_VISIBILITY_SECONDS)
                except Exception as error:
                    self.log("async_extend_failed", id=message.request_id, reason=str(error))

        thread = threading.Thread(target=keep, name="visibility", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


def start(worker: Worker, count: int, stop: threading.Event) -> list[threading.Thread]:
    """`count` threads running `worker.run` until `stop`."""
    threads = [
        threading.Thread(target=worker.run, args=(stop,), name=f"dequeuer-{i}", daemon=True)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    return threads


def wait_stopped(threads: list[threading.Thread], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
