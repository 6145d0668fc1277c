"""An AsyncAPI's queue: SQS in the cluster, an in-process queue with the same semantics
for `cortex-infra serve`.

A message is a request id. It is handed to one worker at a time (SQS's visibility
timeout), counted on every receipt, and after `max_receive_count` receipts it goes to the
dead-letter queue (SQS's redrive policy; the in-process queue moves it when the last
attempt is released). `release` makes a message visible again at once (a retry),
`extend` keeps it hidden while a long prediction runs.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from runtime import contract


@dataclass(frozen=True)
class Message:
    request_id: str
    receipt: str
    receive_count: int


class Queue(Protocol):
    def send(self, request_id: str) -> None: ...
    def receive(self, wait_seconds: int) -> Message | None: ...
    def delete(self, message: Message) -> None: ...
    def release(self, message: Message) -> None: ...
    def extend(self, message: Message, seconds: int) -> None: ...


class SqsQueue:
    def __init__(self, url: str, client: Any) -> None:
        self.url = url
        self.client = client

    def send(self, request_id: str) -> None:
        self.client.send_message(QueueUrl=self.url, MessageBody=request_id)

    def receive(self, wait_seconds: int) -> Message | None:
        answer = self.client.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=1,
            WaitTimeSeconds=wait_seconds,
            VisibilityTimeout=contract.ASYNC_VISIBILITY_SECONDS,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        for item in answer.get("Messages", []):
            count = int(item.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            return Message(item["Body"], item["ReceiptHandle"], count)
        return None

    def delete(self, message: Message) -> None:
        self.client.delete_message(QueueUrl=self.url, ReceiptHandle=message.receipt)

    def release(self, message: Message) -> None:
        self._visibility(message, 0)

    def extend(self, message: Message, seconds: int) -> None:
        self._visibility(message, seconds)

    def _visibility(self, message: Message, seconds: int) -> None:
        self.client.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=message.receipt, VisibilityTimeout=seconds
        )


class MemoryQueue:
    """One process's queue with SQS's receive counts and redrive; `dead` is the DLQ."""

    def __init__(self, max_receive_count: int = contract.ASYNC_MAX_RECEIVE_COUNT) -> None:
        self.max_receive_count = max_receive_count
        self.dead: list[str] = []
        self._ready: deque[str] = deque()
        self._counts: dict[str, int] = {}
        self._held: set[str] = set()
        self._condition = threading.Condition()

    def send(self, request_id: str) -> None:
        with self._condition:
            self._ready.append(request_id)
            self._condition.notify()

    def receive(self, wait_seconds: int) -> Message | None:
        deadline = time.monotonic() + wait_seconds
        with self._condition:
            while not self._ready:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._condition.wait(left)
            request_id = self._ready.popleft()
            count = self._counts.get(request_id, 0) + 1
            self._counts[request_id] = count
            self._held.add(request_id)
            return Message(request_id, f"{request_id}:{count}", count)

    def delete(self, message: Message) -> None:
        with self._condition:
            self._held.discard(message.request_id)
            self._counts.pop(message.request_id, None)

    def release(self, message: Message) -> None:
        with self._condition:
            if message.request_id not in self._held:
                return
            self._held.discard(message.request_id)
            if self._counts[message.request_id] >= self.max_receive_count:
                self.dead.append(message.request_id)
                return
            self._ready.append(message.request_id)
            self._condition.notify()

    def extend(self, message: Message, seconds: int) -> None:
        """Held messages never time out here: one process, no second worker to hand it to."""
