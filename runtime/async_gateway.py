"""An AsyncAPI's gateway (`cortex-runtime async-gateway`): the API's endpoint.

Cortex v0.42's async-gateway (pkg/async-gateway/endpoint.go, service.go):
- `POST <endpoint>` with a Content-Type stores the payload, queues the request and answers
  200 `{"id": "<id>"}`; without a Content-Type, 400;
- `GET <endpoint>/<id>` answers 200 `{"id", "status"}`, plus `result` and `timestamp` once
  `completed`; 404 for an id it does not know.
The router forwards paths unchanged and the endpoint is an alias of `/` (the runtime
contract), so `/<id>` works as well. `/healthz` answers 200 for the probes.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from runtime import contract
from runtime.async_queue import Queue
from runtime.async_store import Requests

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BodyTooLargeError(Exception):
    pass


class Gateway:
    """The ASGI application."""

    def __init__(
        self,
        queue: Queue,
        requests: Requests,
        endpoint: str,
        max_body_bytes: int = contract.DEFAULT_MAX_BODY_BYTES,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.queue = queue
        self.requests = requests
        self.endpoint = endpoint.rstrip("/")
        self.max_body_bytes = max_body_bytes
        self.new_id = new_id

    def _relative(self, path: str) -> str:
        if self.endpoint and (path == self.endpoint or path.startswith(self.endpoint + "/")):
            path = path[len(self.endpoint) :]
        return "/" + path.strip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = self._relative(scope["path"])
        method = scope["method"]
        if path == contract.HEALTH_PATH and method == "GET":
            await _answer(send, 200, b"ok", "text/plain")
        elif path == "/" and method == "POST":
            await self._create(scope, receive, send)
        elif path != "/" and "/" not in path[1:] and method == "GET":
            await self._lookup(path[1:], send)
        else:
            await _answer(send, 404 if method in ("GET", "POST") else 405, b"not found")

    async def _create(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        content_type = headers.get("content-type", "")
        if not content_type:
            await _answer(send, 400, b"error: missing Content-Type key in request header")
            return
        try:
            body = await self._body(receive)
        except BodyTooLargeError:
            await _answer(send, 413, b"error: the request body is too large")
            return
        request_id = self.new_id()
        try:
            await asyncio.to_thread(self._enqueue, request_id, body, content_type)
        except Exception as error:
            await _answer(send, 500, f"error: {type(error).__name__}: {error}".encode())
            return
        await _answer(send, 200, json.dumps({"id": request_id}).encode(), "application/json")

    def _enqueue(self, request_id: str, body: bytes, content_type: str) -> None:
        self.requests.create(request_id, body, content_type)
        try:
            self.queue.send(request_id)
        except Exception:
            self.requests.forget(request_id)
            raise

    async def _body(self, receive: Receive) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLargeError
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    async def _lookup(self, request_id: str, send: Send) -> None:
        try:
            answer = await asyncio.to_thread(self.requests.lookup, request_id)
        except Exception as error:
            await _answer(send, 500, f"error: {type(error).__name__}: {error}".encode())
            return
        if answer is None:
            await _answer(send, 404, f"error: id {request_id} not found".encode())
            return
        await _answer(send, 200, json.dumps(answer).encode(), "application/json")


async def _answer(send: Send, status: int, body: bytes, content_type: str = "text/plain") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
