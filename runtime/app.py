"""`cortex-runtime serve`: the predictor form's HTTP surface, as a bare ASGI application.

No web framework: the request path is a handful of dictionary lookups in front of the
predictor, which is what keeps the runtime close to a bare ASGI app in the benchmark.
"""

from __future__ import annotations

import asyncio
import gc
import time
import traceback
from collections.abc import Callable
from time import perf_counter

from runtime import bundle, contract
from runtime.connections import REFUSED
from runtime.executors import BatchExecutor, Executor, ThreadExecutor
from runtime.front import CLIENT_CLOSED, DRAINING, NOT_READY, OVERLOADED, Front
from runtime.journal import Journal
from runtime.limiter import DrainedError, OverloadedError
from runtime.placement import Placement
from runtime.predictor import Outcome, Request, error_outcome
from runtime.processes import ProcessExecutor
from runtime.responses import (
    DisconnectedError,
    Receive,
    Scope,
    Send,
    read_rest,
    respond,
    respond_error,
)
from runtime.settings import Settings
from runtime.user_code import LoadError


def _executor(settings: Settings, journal: Journal) -> Executor | Placement:
    assert settings.predictor is not None
    timeout = settings.limits.request_timeout
    project, predictor = settings.project_dir, settings.predictor
    if settings.processes == 1 and predictor.batching is not None:
        return BatchExecutor(project, predictor, timeout=timeout, journal=journal)
    if settings.processes == 1 and settings.threads == 1:
        return Placement(project, predictor, timeout, journal)
    if settings.processes == 1:
        return ThreadExecutor(
            project, predictor, settings.threads, timeout=timeout, journal=journal
        )
    return ProcessExecutor(
        project, predictor, settings.processes, settings.threads, timeout=timeout, journal=journal
    )


# Predictions still running when the drain's time is up are answered this, and dropped.
DRAIN_DEADLINE: Outcome = error_outcome(503, "draining: the prediction did not finish in time")
# After the drain: how long threads and worker processes get to end before they are left
# behind or killed (the watchdog's deadline is EXIT_MARGIN_SECONDS after the drain's).
CLOSE_SECONDS = 1.0


def _freeze_heap() -> None:
    # Everything loaded so far (the server, the predictor and its model) lives as long as
    # the process. Moved out of the collector's sight, it is no longer walked by every full
    # collection, which otherwise stall the event loop for milliseconds at a time.
    gc.collect()
    gc.freeze()


class PredictorApp(Front):
    def __init__(self, settings: Settings, journal: Journal) -> None:
        super().__init__(settings, journal)
        endpoint = settings.endpoint.rstrip("/")
        # The load balancer forwards the public path unchanged, so the endpoint is `/` too.
        self.predict_paths = frozenset({contract.PREDICT_PATH, endpoint or "/", f"{endpoint}/"})
        self.ready = False
        self.stop: Callable[[], None] = lambda: None
        self.executor = _executor(settings, journal)
        # Only a serial predictor may run on the event loop (runtime.placement).
        self.placement = self.executor if isinstance(self.executor, Placement) else None

    async def healthy(self) -> bool:
        return self.ready and self.executor.serving() and self.executor.trouble() is None

    def trouble(self) -> str | None:
        return self.executor.trouble() if self.ready else None

    def stuck(self) -> int:
        return self.executor.stuck

    def sweep(self) -> None:
        if self.ready:
            self.executor.sweep()

    def abandon_running(self) -> int:
        return self.executor.abandon(DRAIN_DEADLINE)

    async def load(self) -> None:
        """Fetch, verify and unpack the bundle, then construct the predictor(s)."""
        settings = self.settings
        assert settings.bundle is not None
        assert settings.sha256 is not None
        self.journal.event("loading", bundle=settings.bundle, processes=settings.processes)
        start = time.perf_counter()
        try:
            await asyncio.to_thread(
                bundle.install, settings.bundle, settings.sha256, settings.project_dir
            )
            await self.executor.start()
        except (bundle.BundleError, LoadError) as error:
            trace = getattr(error, "trace", None) or traceback.format_exc()
            self.journal.error("load_failed", str(error), trace)
            self.exit_code = 1
            self.stop()
            return
        _freeze_heap()
        self.ready = True
        self.journal.event("ready", seconds=round(time.perf_counter() - start, 3))

    async def close(self) -> None:
        await self.executor.close(CLOSE_SECONDS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: PLR0912
        # The hot path, written out flat: every call, await and object here is paid per
        # prediction (the runtime's own work is measured against a bare ASGI app).
        if scope["type"] != "http":
            return
        path = scope["path"]
        if (
            path not in self.predict_paths
            or scope["method"] != "POST"
            or self.draining
            or not self.ready
        ):
            await self._elsewhere(scope, send)
            return
        start = perf_counter()
        status = 500
        limiter = self.limiter
        try:
            # A free running place is claimed without a Slot; only a queued request needs one.
            slot = None if limiter.claim() else limiter.admit()
            try:
                message = await receive()
                body = message.get("body", b"")
                if message.get("more_body") or message["type"] == "http.disconnect":
                    body = await read_rest(receive, message)
                content_type = b""
                for name, value in scope["headers"]:
                    if name == b"content-type":
                        content_type = value
                        break
                if slot is not None:
                    await slot.wait()
                request = Request(body, content_type, scope["query_string"], scope["headers"])
                placement = self.placement
                if placement is not None and placement.policy.inline:
                    outcome = placement.call(request)
                else:
                    outcome = await self.executor.run(request)
            finally:  # before the response is written: the next request may start now
                if slot is None:
                    limiter.release()
                else:
                    slot.close()
            if outcome.traceback:
                self.journal.error("predict_failed", outcome.error or "", outcome.traceback)
            await send(
                {
                    "type": "http.response.start",
                    "status": outcome.status,
                    "headers": [
                        (b"content-type", outcome.content_type),
                        (b"content-length", str(len(outcome.body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": outcome.body})
            status = outcome.status
        except DrainedError:
            status = 503
            await respond(send, 503, DRAINING)
        except OverloadedError:
            status = scope.get(REFUSED) or 503
            await respond(send, 503, OVERLOADED)
        except DisconnectedError:
            status = scope.get(REFUSED) or CLIENT_CLOSED
        finally:
            self.record("POST", path, status, perf_counter() - start)

    async def _elsewhere(self, scope: Scope, send: Send) -> None:
        path = scope["path"]
        if path in self.predict_paths and scope["method"] == "POST":  # draining or loading
            start = perf_counter()
            try:
                await respond(send, 503, DRAINING if self.draining else NOT_READY)
            finally:
                self.record("POST", path, 503, perf_counter() - start)
        elif path in self.predict_paths:
            await respond_error(send, 405, "use POST")
        elif path == contract.HEALTH_PATH:
            await self.health(send)
        elif path == contract.LIVENESS_PATH:
            await self.liveness(send)
        elif path == contract.METRICS_PATH:
            await self.metrics_page(send)
        else:
            await respond_error(send, 404, "not found")
