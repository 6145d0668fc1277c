"""A small HTTP/1.1 client for the proxy: keep-alive connections to the user's container,
responses streamed back to the ASGI client as they arrive (httptools parses them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import httptools

from runtime.responses import Send

# RFC 9110 §7.6.1: meaningful for one connection only, never forwarded.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"content-length",
    }
)
_IDLE_MAX = 64
_CHUNK = 65536
_CONNECT_SECONDS = 1.0


class UpstreamError(Exception):
    """The upstream could not be reached, or closed before it answered."""


class _Response:
    """httptools' callbacks, collected."""

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.headers_done = False
        self.complete = False

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.complete = True


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Upstream:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._idle: list[Connection] = []

    async def reachable(self) -> bool:
        """Whether the port accepts TCP connections (the proxy's health rule)."""
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), _CONNECT_SECONDS
            )
        except (OSError, TimeoutError):
            return False
        writer.close()
        return True

    async def forward(
        self,
        method: str,
        target: bytes,
        headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
        send: Send,
    ) -> int:
        """Send one request and stream the answer to `send`; returns the status."""
        lines = [f"{method} ".encode() + target + b" HTTP/1.1"]
        lines += [name + b": " + value for name, value in headers if name not in HOP_BY_HOP]
        lines.append(b"content-length: " + str(len(body)).encode())
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        # A kept-alive connection the upstream has meanwhile closed fails before any byte
        # of an answer; that one attempt is repeated once on a fresh connection.
        connection, reused = await self._connection()
        try:
            return await self._exchange(connection, head + body, method, send)
        except _StaleError:
            if not reused:
                raise UpstreamError("the upstream closed the connection") from None
        connection, _ = await self._connection(fresh=True)
        try:
            return await self._exchange(connection, head + body, method, send)
        except _StaleError:
            raise UpstreamError("the upstream closed the connection") from None

    async def _connection(self, *, fresh: bool = False) -> tuple[Connection, bool]:
        while self._idle and not fresh:
            reader, writer = self._idle.pop()
            if not writer.is_closing() and not reader.at_eof():
                return (reader, writer), True
            writer.close()
        try:
            return await asyncio.open_connection(self.host, self.port), False
        except OSError as error:
            raise UpstreamError(f"cannot connect to port {self.port}: {error}") from None

    async def _exchange(self, connection: Connection, data: bytes, method: str, send: Send) -> int:
        try:
            return await self._exchange_on(connection, data, method, send)
        except BaseException:
            # Cancelled (the proxy's request timeout) or failed half-way: the connection is
            # in an unknown state, so it is dropped rather than kept alive for reuse.
            connection[1].close()
            raise

    async def _exchange_on(
        self, connection: Connection, data: bytes, method: str, send: Send
    ) -> int:
        reader, writer = connection
        writer.write(data)
        response = _Response()
        parser = httptools.HttpResponseParser(response)
        started = False
        while not response.complete:
            try:
                chunk = await reader.read(_CHUNK)
            except ConnectionError:
                chunk = b""
            if not chunk:
                if not response.headers_done:
                    writer.close()
                    raise _StaleError
                break  # a body delimited by the end of the connection
            parser.feed_data(chunk)
            if response.headers_done and not started:
                started = True
                status = parser.get_status_code()
                kept = [(n, v) for n, v in response.headers if n not in HOP_BY_HOP]
                await send({"type": "http.response.start", "status": status, "headers": kept})
                if method == "HEAD":
                    response.complete = True
            if response.chunks:
                body, response.chunks = b"".join(response.chunks), []
                await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        if response.complete and parser.should_keep_alive() and len(self._idle) < _IDLE_MAX:
            self._idle.append(connection)
        else:
            writer.close()
        return parser.get_status_code()

    def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


class _StaleError(Exception):
    """The connection ended before the first byte of an answer."""
