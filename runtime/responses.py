"""Small ASGI helpers: whole responses and whole request bodies, without a framework."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON = b"application/json"


class DisconnectedError(Exception):
    """The client went away before it had sent the whole body."""


async def respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes = JSON,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def respond_error(send: Send, status: int, message: str) -> None:
    await respond(send, status, json.dumps({"error": message}).encode())


async def read_body(receive: Receive) -> bytes:
    message = await receive()
    if message.get("more_body") or message["type"] == "http.disconnect":
        return await read_rest(receive, message)
    body: bytes = message.get("body", b"")
    return body


async def read_rest(receive: Receive, first: Message) -> bytes:
    """The whole body, given its first message (the common one-message case is inlined)."""
    if first["type"] == "http.disconnect":
        raise DisconnectedError
    parts = [first.get("body", b"")]
    message = first
    while message.get("more_body"):
        message = await receive()
        if message["type"] == "http.disconnect":
            raise DisconnectedError
        parts.append(message.get("body", b""))
    return b"".join(parts)


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None
