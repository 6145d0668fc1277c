"""Where predictions run when `processes_per_replica == 1`: threads of the front process.

One predictor is shared by `threads_per_process` threads, as in Cortex; the event loop keeps
the limiter and the sockets. `runtime.processes` runs the other case.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import traceback
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from time import perf_counter
from typing import Protocol

from runtime.predictor import Outcome, Predictor, Request, error_outcome, load_predictor
from runtime.settings import PredictorSettings

Job = tuple[asyncio.Future[Outcome], Request]


class Executor(Protocol):
    async def start(self) -> None: ...
    def run(self, request: Request) -> Awaitable[Outcome]: ...
    async def close(self) -> None: ...


def call_guarded(predictor: Predictor, request: Request) -> Outcome:
    """One call; whatever `predict` raises becomes a 500, so it cannot end the server."""
    try:
        return predictor(request)
    except BaseException as error:  # a predictor calling sys.exit() must not hang or stop us
        return error_outcome(500, type(error).__name__, traceback.format_exc())


class ThreadExecutor:
    """Threads of the front process, fed by a queue, answering through the event loop.

    Leaving the event loop costs GIL hand-overs between two threads, which cost more than a
    trivial prediction. So requests go to the threads in batches (all those submitted in one
    pass of the loop) and outcomes come back in batches (one loop wake-up delivers all that
    finished meanwhile); `run_in_executor` pays a wake-up and two futures per call.
    """

    def __init__(
        self,
        project_dir: Path,
        predictor: PredictorSettings,
        threads: int,
        on_timed: Callable[[float], None] | None = None,
    ) -> None:
        self._project_dir = project_dir
        self._settings = predictor
        self._count = threads
        # Told, on the event loop, how long each call took in its thread (runtime.placement).
        self._on_timed = on_timed
        self.predictor: Predictor | None = None
        self._queue: queue.SimpleQueue[list[Job] | None] = queue.SimpleQueue()
        self._submitted: list[Job] = []
        self._finished: deque[tuple[asyncio.Future[Outcome], Outcome, float]] = deque()
        self._signalled = False
        self._threads: list[threading.Thread] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        predictor = await asyncio.to_thread(load_predictor, self._project_dir, self._settings)
        self.predictor = predictor
        for index in range(self._count):
            thread = threading.Thread(
                target=self._work, args=(predictor,), name=f"predict-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def run(self, request: Request) -> asyncio.Future[Outcome]:
        assert self._loop is not None, "run() before start()"
        future = self._loop.create_future()
        self._submitted.append((future, request))
        if len(self._submitted) == 1:
            self._loop.call_soon(self._hand_over)
        return future

    def _hand_over(self) -> None:
        batch, self._submitted = self._submitted, []
        if self._count == 1:
            self._queue.put(batch)
        else:  # one job per wake-up, so that idle threads share the batch
            for job in batch:
                self._queue.put([job])

    def _work(self, predictor: Predictor) -> None:
        assert self._loop is not None
        while (batch := self._queue.get()) is not None:
            for future, request in batch:
                start = perf_counter()
                outcome = call_guarded(predictor, request)
                self._finished.append((future, outcome, perf_counter() - start))
                # Appended before the flag is read, and the flag cleared before the batch is
                # taken, so an outcome is never left behind without a wake-up to collect it.
                if not self._signalled:
                    self._signalled = True
                    self._loop.call_soon_threadsafe(self._deliver)

    def _deliver(self) -> None:
        self._signalled = False
        finished = self._finished
        on_timed = self._on_timed
        while finished:
            future, outcome, seconds = finished.popleft()
            if on_timed is not None:
                on_timed(seconds)
            if not future.done():
                future.set_result(outcome)

    async def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            await asyncio.to_thread(thread.join)
