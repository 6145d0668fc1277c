"""Hostile clients over raw sockets: oversized bodies and heads, slow headers and bodies."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from runtime import contract
from tests.runtime.conftest import (
    Runtime,
    make_project,
    read_response,
    serving_env,
    start,
    stop_runtime,
)

LIMIT = 64 * 1024
TIMEOUT = 1.0
# A deadline is enforced by a sweep every quarter of it; the rest is a busy machine's slack.
BOUND = TIMEOUT + 4.0


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    base = tmp_path_factory.mktemp("guarded")
    env = serving_env(
        make_project(base),
        base,
        **{
            contract.ENV_MAX_BODY_BYTES: str(LIMIT),
            contract.ENV_HEADER_TIMEOUT_SECONDS: str(TIMEOUT),
            contract.ENV_BODY_TIMEOUT_SECONDS: str(TIMEOUT),
            contract.ENV_MAX_CONNECTIONS: "12",
        },
    )
    runtime = start(env, base / "runtime.log")
    try:
        runtime.wait_until(200)
        yield runtime
    finally:
        stop_runtime(runtime)


def connect(runtime: Runtime) -> socket.socket:
    return socket.create_connection(("127.0.0.1", runtime.port), timeout=BOUND + 5)


def read_all(connection: socket.socket) -> bytes:
    """Everything until the server closes (the socket's timeout bounds the wait)."""
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def head(length: int | None = None, chunked: bool = False) -> bytes:
    lines = [b"POST / HTTP/1.1", b"host: x", b"content-type: application/json"]
    if length is not None:
        lines.append(b"content-length: %d" % length)
    if chunked:
        lines.append(b"transfer-encoding: chunked")
    return b"\r\n".join(lines) + b"\r\n\r\n"


def test_a_declared_oversized_body_is_refused_before_it_is_sent(guarded: Runtime) -> None:
    """Content-Length over the limit: 413 at once, with no byte of the body read."""
    with connect(guarded) as connection:
        connection.sendall(head(LIMIT + 1))
        answer = read_all(connection)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"connection: close" in answer
    assert answer.endswith(b'{"error": "the request body exceeds 65536 bytes"}')
    line = guarded.wait_for_log(lambda e: e.get("status") == 413)
    assert line["path"] == "/"


def test_a_chunked_body_is_cut_at_the_limit(guarded: Runtime) -> None:
    """A chunked body is counted while it streams: 413 once it passes the limit."""
    chunk = b"%x\r\n%s\r\n" % (4096, b" " * 4096)
    with connect(guarded) as connection:
        connection.sendall(head(chunked=True))
        for _ in range(LIMIT // 4096 + 1):
            connection.sendall(chunk)
        answer = read_all(connection)  # the server lingers, then closes
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_body_at_the_limit_is_served(guarded: Runtime) -> None:
    """The limit is inclusive: a body of exactly CORTEX_MAX_BODY_BYTES is predicted on."""
    body = b'"' + b"a" * (LIMIT - 2) + b'"'
    reply = httpx.post(guarded.url, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 200
    assert len(reply.json()["payload"]) == LIMIT - 2


def test_an_oversized_head_is_a_431(guarded: Runtime) -> None:
    """A request head over 64 KiB (the ALB's own quota) is refused, in one read or many."""
    for pieces in (1, 8):
        big = b"x-big: " + b"a" * contract.MAX_HEADER_BYTES + b"\r\n"
        data = head(2)[:-2] + big + b"\r\n{}"
        with connect(guarded) as connection:
            step = len(data) // pieces + 1
            for offset in range(0, len(data), step):
                connection.sendall(data[offset : offset + step])
            assert read_all(connection).startswith(b"HTTP/1.1 431 ")


@pytest.mark.parametrize("sent", [b"", b"POST / HTTP/1.1\r\nhost: x\r\n"])
def test_slow_headers_are_closed_with_a_408(guarded: Runtime, sent: bytes) -> None:
    """Nothing, or an unfinished head, for CORTEX_HEADER_TIMEOUT_SECONDS: 408 and closed."""
    with connect(guarded) as connection:
        began = time.monotonic()
        connection.sendall(sent)
        answer = read_all(connection)
        waited = time.monotonic() - began
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert TIMEOUT * 0.9 <= waited <= BOUND


def test_a_trickling_body_is_closed_with_a_408(guarded: Runtime) -> None:
    """A body sent at a few bytes a second falls behind its deadline: 408 and closed."""
    stop = threading.Event()
    with connect(guarded) as connection:
        connection.sendall(head(1000))
        began = time.monotonic()

        def trickle() -> None:
            while not stop.wait(0.1):
                try:
                    connection.sendall(b" ")
                except OSError:
                    return

        sender = threading.Thread(target=trickle, daemon=True)
        sender.start()
        try:
            answer = connection.recv(65536)
            waited = time.monotonic() - began
        finally:
            stop.set()
            sender.join(timeout=5)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert TIMEOUT * 0.9 <= waited <= BOUND
    line = guarded.wait_for_log(lambda e: e.get("status") == 408)
    assert line["method"] == "POST"


def test_an_idle_kept_alive_connection_outlives_the_header_timeout(guarded: Runtime) -> None:
    """Between requests the keep-alive applies (75 s), not the header timeout."""
    request = head(2) + b"{}"
    with connect(guarded) as connection:
        connection.sendall(request)
        assert read_response(connection).startswith(b"HTTP/1.1 200 ")
        time.sleep(TIMEOUT * 2)
        connection.sendall(request)
        assert read_response(connection).startswith(b"HTTP/1.1 200 ")


def test_connections_beyond_the_cap_are_answered_503(guarded: Runtime) -> None:
    """At CORTEX_MAX_CONNECTIONS open connections, a request gets uvicorn's 503."""
    held = [connect(guarded) for _ in range(11)]
    try:
        for connection in held:  # each sends a complete request and keeps the connection
            connection.sendall(head(2) + b"{}")
            assert read_response(connection).startswith(b"HTTP/1.1 200 ")
        with connect(guarded) as extra:
            extra.sendall(head(2) + b"{}")
            assert extra.recv(65536).startswith(b"HTTP/1.1 503 ")
    finally:
        for connection in held:
            connection.close()
    deadline = time.monotonic() + BOUND
    while httpx.get(guarded.url + contract.HEALTH_PATH, timeout=5).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_refusals_are_logged_once_per_sweep(guarded: Runtime) -> None:
    """The connection layer's refusals are counted by reason in `connections_refused`."""
    with connect(guarded) as connection:
        connection.sendall(head(LIMIT * 2))
        read_all(connection)
    event = guarded.wait_for_log(
        lambda e: e.get("event") == "connections_refused" and "body_too_large" in e
    )
    assert event["level"] == "WARNING"
