"""What both runtime modes share in front of the work: admission, metrics, logs, health, drain.

`serve` (predictor form) and `proxy` (container form) subclass `Front`; everything here
runs on the one event loop of the replica. A tick every `Limits.tick` seconds enforces the
deadlines (slow clients, the request timeout) and tells the watchdog the loop is alive.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Collection
from traceback import format_exc

from runtime import contract
from runtime.connections import REFUSED, Guard
from runtime.journal import Journal
from runtime.limiter import DrainedError, Limiter, OverloadedError, Slot
from runtime.metrics import CONTENT_TYPE, Metrics
from runtime.responses import DisconnectedError, Receive, Scope, Send, respond
from runtime.settings import Settings
from runtime.watchdog import Watchdog

# A client that hangs up mid-body gets no answer; nginx's code keeps it apart in the metrics.
CLIENT_CLOSED = 499

OVERLOADED = json.dumps({"error": contract.OVERLOADED_ERROR}).encode()
DRAINING = json.dumps({"error": "draining"}).encode()
NOT_READY = json.dumps({"error": "not ready"}).encode()

Work = Callable[[Slot, Scope, Receive, Send], Awaitable[int]]


class Front:
    def __init__(self, settings: Settings, journal: Journal) -> None:
        self.settings = settings
        self.journal = journal
        self.limiter = Limiter(settings.max_concurrency, settings.max_queue_length)
        self.metrics = Metrics(lambda: self.limiter.in_flight, self.stuck)
        self.guard = Guard(settings.limits, journal)
        self.draining = False
        self.exit_code = 0
        self._connections: Collection[object] = ()
        self._watchdog: Watchdog | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, connections: Collection[object], watchdog: Watchdog | None) -> None:
        """Start ticking over the server's open connections (uvicorn's own set)."""
        self._connections = connections
        self._watchdog = watchdog
        self._loop = asyncio.get_running_loop()
        self._loop.call_soon(self._tick)

    def _tick(self) -> None:
        assert self._loop is not None
        # Rescheduled first: a failing sweep must not end the deadlines, nor the beats that
        # tell the watchdog the loop is alive.
        self._loop.call_later(self.settings.limits.tick, self._tick)
        if self._watchdog is not None:
            self._watchdog.beat()
        try:
            self.guard.sweep(self._connections, self._loop.time())
            self.sweep()
        except Exception:  # logged; the next tick tries again
            self.journal.error("sweep_failed", "enforcing the deadlines failed", format_exc())

    def sweep(self) -> None:
        """Enforce the request timeout of what runs behind the front (subclasses)."""

    def stuck(self) -> int:
        """Predictions still running past the request timeout (a gauge in /metrics)."""
        return 0

    def begin_drain(self) -> None:
        """SIGTERM: /healthz turns 503 and nothing new is admitted; admitted work finishes
        within the drain, and what has not finished by then is answered 503 (`abandon`)."""
        if not self.draining:
            self.draining = True
            self.journal.event("draining", in_flight=self.limiter.in_flight)
            loop = asyncio.get_running_loop()
            loop.call_later(self.settings.drain_seconds, self.abandon)

    def abandon(self) -> None:
        """The drain's time is up: what is queued, running or still uploading ends now."""
        queued = self.limiter.fail_waiting()
        running = self.abandon_running()
        self.guard.close_receiving(self._connections)
        if queued or running:
            self.journal.event("drain_abandoned", "WARNING", queued=queued, running=running)

    def abandon_running(self) -> int:
        """Answer the requests still running 503 (subclasses); returns how many."""
        return 0

    async def healthy(self) -> bool:
        raise NotImplementedError

    def trouble(self) -> str | None:
        """Why the replica can no longer serve and should be restarted, or None."""
        return None

    async def liveness(self, send: Send) -> None:
        reason = self.trouble()
        if reason is None:
            await respond(send, 200, b'{"status":"ok"}')
        else:
            await respond(send, 503, json.dumps({"status": "stuck", "reason": reason}).encode())

    async def health(self, send: Send) -> None:
        if not self.draining and await self.healthy():
            await respond(send, 200, b'{"status":"ok"}')
        else:
            status = "draining" if self.draining else "not ready"
            await respond(send, 503, f'{{"status":"{status}"}}'.encode())

    async def metrics_page(self, send: Send) -> None:
        await respond(send, 200, self.metrics.render(), CONTENT_TYPE)

    async def admitted(self, scope: Scope, receive: Receive, send: Send, work: Work) -> None:
        """Run `work` under the limiter; count, time and log the request whatever happens."""
        start = time.perf_counter()
        status = 500
        try:
            if self.draining:
                status = 503
                await respond(send, status, DRAINING)
            else:
                slot = self.limiter.admit()
                try:
                    status = await work(slot, scope, receive, send)
                finally:
                    slot.close()
        except DrainedError:
            status = 503
            await respond(send, status, DRAINING)
        except OverloadedError:
            status = 503
            await respond(send, status, OVERLOADED)
        except DisconnectedError:
            status = scope.get(REFUSED) or CLIENT_CLOSED
        finally:
            self.record(scope["method"], scope["path"], status, time.perf_counter() - start)

    def record(self, method: str, path: str, status: int, seconds: float) -> None:
        """Count, time and log one request on the prediction path."""
        self.metrics.observe(status, seconds)
        self.journal.request(method, path, status, seconds)
