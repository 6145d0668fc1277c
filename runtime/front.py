"""What both runtime modes share in front of the work: admission, metrics, logs, health, drain.

`serve` (predictor form) and `proxy` (container form) subclass `Front`; everything here
runs on the one event loop of the replica.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable

from runtime import contract
from runtime.journal import Journal
from runtime.limiter import Limiter, OverloadedError, Slot
from runtime.metrics import CONTENT_TYPE, Metrics
from runtime.responses import DisconnectedError, Receive, Scope, Send, respond
from runtime.settings import Settings

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
        self.metrics = Metrics(lambda: self.limiter.in_flight)
        self.draining = False
        self.exit_code = 0

    def begin_drain(self) -> None:
        """SIGTERM: /healthz turns 503 and nothing new is admitted; admitted work finishes."""
        if not self.draining:
            self.draining = True
            self.journal.event("draining", in_flight=self.limiter.in_flight)

    async def healthy(self) -> bool:
        raise NotImplementedError

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
        except OverloadedError:
            status = 503
            await respond(send, status, OVERLOADED)
        except DisconnectedError:
            status = CLIENT_CLOSED
        finally:
            self.record(scope["method"], scope["path"], status, time.perf_counter() - start)

    def record(self, method: str, path: str, status: int, seconds: float) -> None:
        """Count, time and log one request on the prediction path."""
        self.metrics.observe(status, seconds)
        self.journal.request(method, path, status, seconds)
