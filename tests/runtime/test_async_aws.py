"""An AsyncAPI's gateway and worker on real SQS and S3 APIs (the moto server, over HTTP):
queue, status, result, retries and the dead-letter queue."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import httpx
import pytest

from runtime.async_gateway import Gateway
from runtime.async_queue import SqsQueue
from runtime.async_store import Requests
from runtime.async_worker import Worker
from runtime.object_store import S3Store
from tests.conftest import MotoServer

PREFIX = "apis/echo/"


class Upstream(BaseHTTPRequestHandler):
    """The serving container: echoes JSON, answers 500 to `{"fail": true}`."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        payload = json.loads(body)
        if payload.get("fail"):
            self.send_response(500)
            self.end_headers()
            return
        data = json.dumps({"echo": payload, "type": self.headers["Content-Type"]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        del args


@pytest.fixture
def upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def parts(aws: MotoServer) -> tuple[SqsQueue, Requests, str, Any]:
    """A bucket, a queue whose redrive sends to a DLQ after 2 receipts, as the stack has."""
    del aws
    sqs = boto3.client("sqs")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="async", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    dlq = sqs.create_queue(QueueName="echo-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])
    policy = {"deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"], "maxReceiveCount": 2}
    url = sqs.create_queue(QueueName="echo", Attributes={"RedrivePolicy": json.dumps(policy)})[
        "QueueUrl"
    ]
    return SqsQueue(url, sqs), Requests(S3Store("async", s3), PREFIX), dlq, sqs


def _call(gateway: Gateway, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=gateway)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def test_a_request_is_queued_worked_off_and_its_result_read(
    parts: tuple[SqsQueue, Requests, str, Any], upstream: int
) -> None:
    """POST answers an id and `in_queue`; a worker's run makes it `completed` with the
    serving container's JSON answer; the payload is gone from the bucket."""
    queue, requests, _, _ = parts
    gateway = Gateway(queue, requests, "/echo")
    created = _call(gateway, "POST", "/echo", json={"n": 1})
    assert created.status_code == 200
    request_id = created.json()["id"]
    assert _call(gateway, "GET", f"/echo/{request_id}").json() == {
        "id": request_id,
        "status": "in_queue",
    }
    worker = Worker(queue, requests, upstream, max_receive_count=2, wait_seconds=1)
    message = queue.receive(1)
    assert message is not None
    assert message.request_id == request_id
    worker.handle(message)
    answer = _call(gateway, "GET", f"/echo/{request_id}").json()
    assert answer["status"] == "completed"
    assert answer["result"] == {"echo": {"n": 1}, "type": "application/json"}
    assert answer["timestamp"]
    assert requests.payload(request_id) is None
    assert queue.receive(0) is None


def test_a_failing_request_is_retried_then_failed_and_dead_lettered(
    parts: tuple[SqsQueue, Requests, str, Any], upstream: int
) -> None:
    """Before the last attempt a failure goes back to `in_queue`; after it the request is
    `failed` and SQS's redrive moves the message to the dead-letter queue."""
    queue, requests, dlq, sqs = parts
    gateway = Gateway(queue, requests, "/echo")
    request_id = _call(gateway, "POST", "/echo", json={"fail": True}).json()["id"]
    worker = Worker(queue, requests, upstream, max_receive_count=2, wait_seconds=1)
    first = queue.receive(1)
    assert first is not None
    worker.handle(first)
    assert requests.status(request_id) == "in_queue"
    second = queue.receive(1)
    assert second is not None
    assert second.receive_count == 2
    worker.handle(second)
    assert _call(gateway, "GET", f"/{request_id}").json() == {
        "id": request_id,
        "status": "failed",
    }
    assert queue.receive(1) is None
    dead = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1).get("Messages", [])
    assert [m["Body"] for m in dead] == [request_id]


def test_a_duplicate_delivery_of_a_completed_request_is_only_deleted(
    parts: tuple[SqsQueue, Requests, str, Any],
) -> None:
    """SQS delivers at least once: a completed request's message is deleted, the serving
    container is not called (no upstream runs here)."""
    queue, requests, _, _ = parts
    requests.create("0" * 32, b"{}", "application/json")
    requests.complete("0" * 32, b'{"done": 1}')
    queue.send("0" * 32)
    message = queue.receive(1)
    assert message is not None
    Worker(queue, requests, 1, wait_seconds=1).handle(message)
    assert queue.receive(0) is None
    assert requests.lookup("0" * 32) is not None


def test_cortex_answers_for_unknown_ids_and_missing_content_types(
    parts: tuple[SqsQueue, Requests, str, Any],
) -> None:
    """404 for an unknown (or malformed) id, 400 without Content-Type: Cortex's answers."""
    queue, requests, _, _ = parts
    gateway = Gateway(queue, requests, "/echo")
    assert _call(gateway, "GET", f"/echo/{'a' * 32}").status_code == 404
    assert _call(gateway, "GET", "/echo/..%2Fother").status_code == 404
    missing = _call(gateway, "POST", "/echo", content=b"x", headers={"content-type": ""})
    assert missing.status_code == 400
    assert _call(gateway, "GET", "/echo/healthz").status_code == 200
