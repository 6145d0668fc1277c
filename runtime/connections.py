"""Client connections: uvicorn's httptools protocol, with limits on what one client may hold.

uvicorn 0.54 reads a request's headers and body without a deadline and buffers a request
head of any size, so a client trickling bytes holds a connection (and, once its headers are
in, a place in the limiter) for as long as it likes. `GuardedProtocol` is given to uvicorn
as its HTTP protocol class (`uvicorn.Config(http=...)` takes a class as well as a name) and
adds, for both runtime modes:

- 413 before a body is read whole: Content-Length is checked when the headers are complete,
  and a chunked body is counted as it arrives and cut at the limit;
- 431 for a request head over `Limits.max_header_bytes`;
- 408 when a request's headers are not complete `header_timeout` after its first byte (or
  after the connection opened), or when its body falls behind
  `body_timeout + received bytes / body_min_rate`.

A refusal writes a short JSON answer with `connection: close`, shuts the write side, and
reads and drops what the client still sends for LINGER_SECONDS before closing (nginx's
"lingering close"), so that the client reads the answer instead of a connection reset.
If the app is already handling the request, it then sees the client as gone, and logs the
status from `scope[REFUSED]`. Deadlines are not one timer per request, which would cost more
than the rest of a request's bookkeeping: `Guard.sweep` looks at every open connection each
`Limits.tick` seconds, so a deadline is met within one tick.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any, ClassVar, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from runtime.journal import Journal
from runtime.settings import Limits

# The scope key under which a refused request's status reaches the app.
REFUSED = "cortex.refused"
LINGER_SECONDS = 5.0
_PHRASES = {
    408: "Request Timeout",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
}


def refusal(status: int, message: str) -> bytes:
    body = json.dumps({"error": message}).encode()
    head = (
        f"HTTP/1.1 {status} {_PHRASES[status]}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class Guard:
    """The limits of one server's connections, and the sweep that enforces their deadlines."""

    def __init__(self, limits: Limits, journal: Journal) -> None:
        self.limits = limits
        self.journal = journal
        self.refused: Counter[str] = Counter()

    def sweep(self, connections: Iterable[object], now: float) -> None:
        for connection in list(connections):
            if isinstance(connection, GuardedProtocol):
                connection.sweep(now)
        if self.refused:
            # One line per tick however many clients misbehave: refusals are counted here and
            # a refused request that had reached the app is logged by it as well.
            self.journal.event("connections_refused", "WARNING", **self.refused)
            self.refused.clear()

    def close_receiving(self, connections: Iterable[object]) -> None:
        """The drain's deadline: connections still sending a request body are closed."""
        for connection in list(connections):
            if isinstance(connection, GuardedProtocol) and connection.in_body:
                connection.transport.close()


# uvicorn's callbacks, called directly rather than through super(): these four run for
# every request, and a super() lookup costs about as much as the checks added around them.
_data_received = HttpToolsProtocol.data_received
_on_headers_complete = HttpToolsProtocol.on_headers_complete
_on_body = HttpToolsProtocol.on_body
_on_message_complete = HttpToolsProtocol.on_message_complete


def protocol_class(guard: Guard) -> type[GuardedProtocol]:
    """A GuardedProtocol bound to `guard`: uvicorn constructs it with its own arguments."""
    bound = type("GuardedProtocol", (GuardedProtocol,), {"guard": guard})
    return cast(type[GuardedProtocol], bound)


class GuardedProtocol(HttpToolsProtocol):
    guard: ClassVar[Guard]

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        limits = self.guard.limits
        self.max_head = limits.max_header_bytes
        self.max_body = limits.max_body_bytes
        # Content-Length values shorter than the limit's digits need no int() to be checked.
        self.length_digits = len(str(limits.max_body_bytes))
        self.opened_at = self.loop.time()
        self.head_bytes = 0  # since the last head or body ended: a head in progress
        self.body_bytes = 0  # of the current request's body
        self.in_body = False
        self.refused = 0
        self.linger_until = 0.0
        self.seen: object = None  # what the last sweep saw in progress, and since when
        self.seen_at = 0.0

    # The hot path: each method adds one call and a comparison or two per request.
    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # lingering: read and dropped
        self.head_bytes += len(data)
        _data_received(self, data)
        if self.head_bytes > self.max_head and not self.in_body:
            self.refuse(431, "header_too_large", f"the request head exceeds {self.max_head} bytes")

    def on_headers_complete(self) -> None:
        _on_headers_complete(self)
        if self.head_bytes > self.max_head and self._head_size() > self.max_head:
            # The whole head came in the chunks just read (data_received sees only heads
            # still incomplete after a read).
            self.refuse(431, "header_too_large", f"the request head exceeds {self.max_head} bytes")
        self.head_bytes = 0
        self.body_bytes = 0
        self.in_body = True
        for name, value in self.headers:
            if name == b"content-length":
                if len(value) >= self.length_digits and int(value) > self.max_body:
                    self.refuse(413, "body_too_large", self._too_large())
                break

    def on_body(self, body: bytes) -> None:
        if self.refused:
            return
        self.body_bytes += len(body)
        if self.body_bytes > self.max_body:
            self.refuse(413, "body_too_large", self._too_large())
            return
        _on_body(self, body)

    def on_message_complete(self) -> None:
        self.in_body = False
        self.head_bytes = 0
        if not self.refused:
            _on_message_complete(self)

    def _head_size(self) -> int:
        """The head's size as parsed: request line and header lines, without the framing
        whitespace (slightly under what was sent)."""
        return len(self.url) + sum(len(name) + len(value) for name, value in self.headers)

    def _too_large(self) -> str:
        return f"the request body exceeds {self.max_body} bytes"

    def shutdown(self) -> None:
        if self.refused:
            self.transport.close()
        else:
            super().shutdown()

    def sweep(self, now: float) -> None:
        """Enforce the header and body deadlines, and end a lingering close."""
        if self.refused:
            if now >= self.linger_until:
                self.transport.close()
            return
        limits = self.guard.limits
        cycle = self.cycle
        if self.in_body:
            if self.seen is not cycle:
                self.seen, self.seen_at = cycle, now
            elif now - self.seen_at > limits.body_timeout + self.body_bytes / limits.body_min_rate:
                self.refuse(408, "body_timeout", "the request body arrived too slowly")
        elif self.scope is None or cycle is None or cycle.scope is not self.scope:
            # No request yet, or the head of one in progress. The first request's clock
            # starts when the connection opened; a later one's when a sweep first saw it.
            key = self.scope if self.scope is not None else self
            if self.seen is not key:
                self.seen, self.seen_at = key, now if cycle is not None else self.opened_at
            if now - self.seen_at > limits.header_timeout:
                self.refuse(408, "header_timeout", "the request headers arrived too slowly")

    def refuse(self, status: int, reason: str, message: str) -> None:
        """Answer `status` if an answer can still be written, then close (see the module)."""
        if self.refused or self.transport.is_closing():
            return
        self.refused = status
        self.guard.refused[reason] += 1
        cycle = self.cycle
        writable = cycle is None or cycle.response_complete
        if cycle is not None and cycle.scope is self.scope:  # the app has this request
            cast(dict[str, Any], cycle.scope)[REFUSED] = status
            writable = not cycle.response_started
            cycle.disconnected = True  # its receive() says so, its send() writes nothing
            cycle.waiting_for_100_continue = False  # nothing may follow the refusal
            cycle.message_event.set()
        if self.pipeline:  # an earlier pipelined response is still to be written
            writable = False
        if not writable:  # another response is on the wire: just close
            self.transport.close()
            return
        self.transport.write(refusal(status, message))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.linger_until = self.loop.time() + LINGER_SECONDS
        self.flow.resume_reading()
