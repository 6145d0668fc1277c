"""Running an ASGI app on uvicorn (uvloop + httptools) with the contract's SIGTERM drain."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import Callable, Coroutine
from types import FrameType
from typing import Any

import uvicorn

from runtime import contract
from runtime.connections import Guard, protocol_class
from runtime.journal import Journal, route_server_logs
from runtime.settings import Settings
from runtime.watchdog import Watchdog

BACKLOG = 2048


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    try:
        import uvloop  # noqa: PLC0415 - optional: not built for every platform
    except ImportError:  # pragma: no cover - uvloop is not built for every platform
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the app loads so /healthz can say 503 meanwhile."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


class DrainingServer(uvicorn.Server):
    """uvicorn, but a signal first tells the app to drain, and a drain ends in exit 0.

    uvicorn re-raises the signal after its graceful shutdown, which would end the process
    with 143; the contract wants 0 once the in-flight requests are answered. The signal
    also arms the watchdog: the process is gone `stop_seconds` later whatever happens.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        on_drain: Callable[[], None],
        watchdog: Watchdog | None = None,
        stop_seconds: float = contract.DRAIN_SECONDS + contract.EXIT_MARGIN_SECONDS,
    ) -> None:
        super().__init__(config)
        self._on_drain = on_drain
        self._watchdog = watchdog
        self._stop_seconds = stop_seconds
        self._loop: asyncio.AbstractEventLoop | None = None

    def stop(self, reason: str) -> None:
        """Stop serving (a signal, or a predictor that failed to load), within the deadline."""
        if self._watchdog is not None:
            self._watchdog.arm(self._stop_seconds, reason)
        self.should_exit = True

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Runs in the main thread between two bytecodes, even when the event loop is blocked
        # by a prediction: the watchdog is armed here, not on the loop.
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        elif not self.should_exit and self._loop is not None:
            # A signal handler may interrupt a log write; the journal runs on the loop instead.
            self._loop.call_soon_threadsafe(self._on_drain)
        self.stop(f"signal {signal.Signals(sig).name}")


def config(
    app: Any, journal: Journal, settings: Settings, guard: Guard | None = None
) -> uvicorn.Config:
    route_server_logs(journal)
    limits = settings.limits
    return uvicorn.Config(
        app,
        loop="none",
        # uvicorn's httptools protocol with the contract's limits on slow or large requests.
        http=protocol_class(guard or Guard(limits, journal)),
        ws="none",
        lifespan="off",
        access_log=False,
        log_config=None,
        server_header=False,
        # Nothing reads client addresses, so X-Forwarded-For need not be rewritten per request.
        proxy_headers=False,
        # uvicorn answers 503 past this many open connections (runtime.contract).
        limit_concurrency=limits.max_connections,
        # The app answers what is left at the drain's deadline; uvicorn's own cut (a
        # cancellation, answered 500) is a second later, for anything that ignored it.
        timeout_graceful_shutdown=settings.drain_seconds + 1,
        # Idle connections must outlive the load balancer's own idle timeout (runtime.contract).
        timeout_keep_alive=settings.keep_alive_seconds,
    )


def run(main: Coroutine[Any, Any, int]) -> int:
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(main)
