"""`cortex-runtime proxy`: the container form's sidecar, as Cortex's proxy was.

Traffic comes in on `$CORTEX_PORT` (8888): admitted under the same limiter as the predictor
form, stripped of the `$CORTEX_ENDPOINT` prefix, and forwarded to the user's container on
`127.0.0.1:$CORTEX_UPSTREAM_PORT`. `/healthz`, `/livez` and `/metrics` answer on the admin
port (15000); healthy means the upstream port accepts TCP connections, live means the
proxy's own event loop answers (the user's container has its own probes).

An upstream answer that has not come `request_timeout` seconds after it was forwarded is
given up (504) and its connection dropped; at the drain's deadline, what is still waiting
is given up the same way, with a 503.
"""

from __future__ import annotations

import asyncio

from runtime import contract
from runtime.front import Front
from runtime.journal import Journal
from runtime.limiter import Slot
from runtime.responses import Message, Receive, Scope, Send, read_body, respond_error
from runtime.settings import Settings
from runtime.upstream import Upstream, UpstreamError

UPSTREAM_HOST = "127.0.0.1"


def strip_endpoint(endpoint: str, target: bytes) -> bytes:
    """`/text-embedder/x?q` → `/x?q`, and `/text-embedder` → `/`, as Cortex's gateway did."""
    prefix = endpoint.rstrip("/").encode()
    path, mark, query = target.partition(b"?")
    if prefix and (path == prefix or path.startswith(prefix + b"/")):
        path = path[len(prefix) :] or b"/"
    return path + mark + query


class ProxyApp(Front):
    def __init__(self, settings: Settings, journal: Journal, admin_port: int) -> None:
        super().__init__(settings, journal)
        assert settings.upstream_port is not None
        self.admin_port = admin_port
        self.upstream = Upstream(UPSTREAM_HOST, settings.upstream_port)
        self._timers: set[asyncio.Timeout] = set()

    async def healthy(self) -> bool:
        return await self.upstream.reachable()

    async def close(self) -> None:
        self.upstream.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        server = scope.get("server")
        if server is not None and server[1] == self.admin_port:
            if scope["path"] == contract.HEALTH_PATH:
                await self.health(send)
            elif scope["path"] == contract.LIVENESS_PATH:
                await self.liveness(send)
            elif scope["path"] == contract.METRICS_PATH:
                await self.metrics_page(send)
            else:
                await respond_error(send, 404, "not found")
            return
        await self.admitted(scope, receive, send, self._forward)

    async def _forward(self, slot: Slot, scope: Scope, receive: Receive, send: Send) -> int:
        body = await read_body(receive)
        raw = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string") or b""
        target = strip_endpoint(self.settings.endpoint, raw + (b"?" + query if query else b""))
        await slot.wait()
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        timeout = self.settings.limits.request_timeout
        timer = asyncio.timeout(timeout)
        try:
            async with timer:
                self._timers.add(timer)
                return await self.upstream.forward(
                    scope["method"], target, scope["headers"], body, tracked
                )
        except UpstreamError as error:
            self.journal.error("upstream_failed", str(error))
            await respond_error(send, 502, "the API's container did not answer")
            return 502
        except TimeoutError:
            if started:  # part of the answer is out: uvicorn closes the connection
                return 504
            if self.draining:
                await respond_error(send, 503, "draining: the container did not answer in time")
                return 503
            await respond_error(send, 504, f"the API's container did not answer in {timeout:g} s")
            return 504
        finally:
            self._timers.discard(timer)
            slot.close()

    def abandon_running(self) -> int:
        now = asyncio.get_running_loop().time()
        for timer in self._timers:
            timer.reschedule(now)
        return len(self._timers)
