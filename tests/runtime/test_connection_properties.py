"""The connection layer, in process: however a request is split into reads, its limits hold."""

from __future__ import annotations

import asyncio
import io
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from hypothesis import given
from hypothesis import strategies as st
from uvicorn.server import ServerState

from runtime.connections import Guard, protocol_class
from runtime.journal import Journal
from runtime.settings import Limits

LIMIT = 1000
MAX_HEAD = 600


class Transport:
    """What the protocol writes, and whether it closed; flow control is accepted and ignored."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8080) if name in {"sockname", "peername"} else default

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def echo_length(scope: Any, receive: Any, send: Any) -> None:
    """Reads the whole body and answers 200 with its length."""
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = str(size).encode()
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


Wire = tuple[uvicorn.Config, type[Any], asyncio.AbstractEventLoop]


@pytest.fixture(scope="module")
def wire() -> Iterator[Wire]:
    """One uvicorn configuration (slow to build), protocol class and event loop for every
    example: building them per example costs more than the example."""
    limits = Limits(max_body_bytes=LIMIT, max_header_bytes=MAX_HEAD)
    protocol_type = protocol_class(Guard(limits, Journal("t", stream=io.StringIO())))
    config = uvicorn.Config(echo_length, http=protocol_type, lifespan="off", log_config=None)
    config.load()
    loop = asyncio.new_event_loop()
    yield config, protocol_type, loop
    loop.close()


def exchange(wire: Wire, data: bytes, cuts: list[int]) -> bytes:
    """Feed `data` to a GuardedProtocol in reads split at `cuts`; what it answered."""
    config, protocol_type, loop = wire

    async def scenario() -> bytes:
        protocol = protocol_type(
            config=config, server_state=ServerState(), app_state={}, _loop=loop
        )
        transport = Transport()
        protocol.connection_made(transport)
        bounds = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
        for start, end in itertools.pairwise(bounds):
            protocol.data_received(data[start:end])
            await asyncio.sleep(0)
        for _ in range(5):
            await asyncio.sleep(0)
        return b"".join(transport.written)

    return loop.run_until_complete(scenario())


def request(body: bytes, chunked: bool, extra_header: bytes = b"") -> bytes:
    head = b"POST / HTTP/1.1\r\nhost: x\r\n" + extra_header
    if not chunked:
        return head + b"content-length: %d\r\n\r\n" % len(body) + body
    framed = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 97]), body[i : i + 97]) for i in range(0, len(body), 97)
    )
    return head + b"transfer-encoding: chunked\r\n\r\n" + framed + b"0\r\n\r\n"


@given(
    size=st.integers(min_value=0, max_value=3 * LIMIT),
    chunked=st.booleans(),
    cuts=st.lists(st.integers(min_value=0), max_size=6),
)
def test_a_body_is_served_up_to_the_limit_and_refused_beyond(
    wire: Wire, size: int, chunked: bool, cuts: list[int]
) -> None:
    """Content-Length or chunked, in any reads: 200 up to the limit, 413 beyond, nothing else."""
    answer = exchange(wire, request(b"x" * size, chunked), cuts)
    if size > LIMIT:
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:40]
    else:
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:40]
        assert answer.endswith(str(size).encode())


@given(value=st.integers(min_value=0, max_value=3 * MAX_HEAD), cuts=st.lists(st.integers()))
def test_a_head_is_served_up_to_its_limit_and_refused_beyond(
    wire: Wire, value: int, cuts: list[int]
) -> None:
    """A request head over the limit is a 431 however it is split; a smaller one is served."""
    data = request(b"", chunked=False, extra_header=b"x-pad: " + b"p" * value + b"\r\n")
    answer = exchange(wire, data, cuts)
    if len(data) > MAX_HEAD + 64:  # the parsed size leaves out framing: about 4 bytes a line
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:40]
    elif len(data) <= MAX_HEAD:
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:40]
