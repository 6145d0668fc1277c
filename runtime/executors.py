"""Where predictions run when `processes_per_replica == 1`: threads of the front process.

One predictor is shared by `threads_per_process` threads, as in Cortex; the event loop keeps
the limiter and the sockets. `runtime.processes` runs the other case.

A prediction still running `request_timeout` seconds after it was handed over is answered
504 and its place in the limiter is given back. A thread cannot be stopped from outside, so
it stays busy: it is counted as stuck (`cortex_stuck_predictions`, a `predictions_stuck`
event), and once every thread is stuck the replica reports itself unable to serve (readiness
and liveness fail, so the kubelet restarts the container).
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

from runtime.batching import gather
from runtime.journal import Journal
from runtime.predictor import Outcome, Predictor, Request, error_outcome, load_predictor
from runtime.settings import PredictorSettings

Job = tuple[asyncio.Future[Outcome], Request]


class Executor(Protocol):
    @property
    def stuck(self) -> int:
        """Predictions still running (or waiting) past the request timeout."""

    async def start(self) -> None: ...
    def run(self, request: Request) -> Awaitable[Outcome]: ...
    def sweep(self) -> None:
        """Answer 504 to what has run past the request timeout; count what is stuck."""

    def abandon(self, outcome: Outcome) -> int:
        """Answer every outstanding prediction with `outcome` now (the drain's deadline)."""

    def serving(self) -> bool:
        """Whether a prediction handed over now could run."""

    def trouble(self) -> str | None:
        """Why this replica can no longer serve and needs a restart, or None."""

    async def close(self, seconds: float) -> None:
        """Stop, waiting at most `seconds` for threads or processes to end."""


def call_guarded(predictor: Predictor, request: Request) -> Outcome:
    """One call; whatever `predict` raises becomes a 500, so it cannot end the server."""
    try:
        return predictor(request)
    except BaseException as error:  # a predictor calling sys.exit() must not hang or stop us
        return error_outcome(500, type(error).__name__, traceback.format_exc())


def batch_guarded(predictor: Predictor, requests: list[Request]) -> list[Outcome]:
    """One batch call; whatever escapes it answers every request of the batch with a 500."""
    try:
        return predictor.batch(requests)
    except BaseException as error:
        failed = error_outcome(500, type(error).__name__, traceback.format_exc())
        return [failed] + [failed._replace(traceback=None)] * (len(requests) - 1)


def timeout_outcome(seconds: float) -> Outcome:
    return error_outcome(504, f"the prediction did not finish within {seconds:g} s")


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
        *,
        timeout: float,
        journal: Journal,
        on_timed: Callable[[float | None], None] | None = None,
    ) -> None:
        self._project_dir = project_dir
        self._settings = predictor
        self._count = threads
        self._timeout = timeout
        self._journal = journal
        # Told, on the event loop, how long each call took in its thread (runtime.placement);
        # None for a call answered before a thread took it up, which never ran.
        self._on_timed = on_timed
        self.predictor: Predictor | None = None
        self.stuck = 0
        self._queue: queue.SimpleQueue[list[Job] | None] = queue.SimpleQueue()
        self._submitted: list[Job] = []
        self._finished: deque[tuple[asyncio.Future[Outcome], Outcome | None, float]] = deque()
        self._outstanding: dict[asyncio.Future[Outcome], float] = {}
        self._running: list[tuple[float, str] | None] = [None] * threads
        self._signalled = False
        self._threads: list[threading.Thread] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        predictor = await asyncio.to_thread(load_predictor, self._project_dir, self._settings)
        self.predictor = predictor
        for index in range(self._count):
            thread = threading.Thread(
                target=self._work, args=(index, predictor), name=f"predict-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def run(self, request: Request) -> asyncio.Future[Outcome]:
        assert self._loop is not None, "run() before start()"
        future = self._loop.create_future()
        self._outstanding[future] = perf_counter()
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

    def _work(self, index: int, predictor: Predictor) -> None:
        assert self._loop is not None
        name = threading.current_thread().name
        running = self._running
        while (batch := self._queue.get()) is not None:
            for future, request in batch:
                if future.done():  # answered while it waited (timed out, or the drain ended)
                    self._finished.append((future, None, 0.0))
                else:
                    start = perf_counter()
                    running[index] = (start, name)
                    outcome = call_guarded(predictor, request)
                    running[index] = None
                    self._finished.append((future, outcome, perf_counter() - start))
                # Appended before the flag is read, and the flag cleared before the batch is
                # taken, so an outcome is never left behind without a wake-up to collect it.
                if not self._signalled:
                    self._signalled = True
                    self._loop.call_soon_threadsafe(self._deliver)

    def _deliver(self) -> None:
        self._signalled = False
        finished = self._finished
        outstanding = self._outstanding
        on_timed = self._on_timed
        while finished:
            future, outcome, seconds = finished.popleft()
            outstanding.pop(future, None)
            if on_timed is not None:
                on_timed(None if outcome is None else seconds)
            if outcome is not None and not future.done():
                future.set_result(outcome)

    def sweep(self) -> None:
        now = perf_counter()
        timeout = self._timeout
        late = [future for future, start in self._outstanding.items() if now - start > timeout]
        for future in late:
            del self._outstanding[future]
            if not future.done():
                future.set_result(timeout_outcome(timeout))
        stuck = [r[1] for r in self._running if r is not None and now - r[0] > timeout]
        if len(stuck) > self.stuck:
            self._journal.event(
                "predictions_stuck",
                "WARNING",
                threads=stuck,
                of=self._count,
                message=f"still running a prediction answered 504 after {timeout:g} s",
            )
        elif len(stuck) < self.stuck:
            self._journal.event("predictions_unstuck", threads=stuck, of=self._count)
        self.stuck = len(stuck)

    def abandon(self, outcome: Outcome) -> int:
        futures = [future for future in self._outstanding if not future.done()]
        self._outstanding.clear()
        for future in futures:
            future.set_result(outcome)
        return len(futures)

    def serving(self) -> bool:
        return self.stuck < self._count

    def trouble(self) -> str | None:
        if self._threads and self.stuck >= self._count:
            return (
                f"all {self._count} prediction threads have been running one prediction for "
                f"over {self._timeout:g} s"
            )
        return None

    async def close(self, seconds: float) -> None:
        for _ in self._threads:
            self._queue.put(None)
        # A stuck thread never ends; it is a daemon thread, left behind when the process exits.
        deadline = perf_counter() + seconds
        for thread in self._threads:
            await asyncio.to_thread(thread.join, max(0.0, deadline - perf_counter()))


class BatchExecutor(ThreadExecutor):
    """Server-side batching in the front process (runtime.batching): one thread gathers
    what the event loop hands over into batches and runs them one at a time, as Cortex's
    batcher did; `threads_per_process` (equal to max_batch_size) is how many requests of
    the process may wait in one batch, not how many threads call `predict`."""

    def __init__(
        self, project_dir: Path, predictor: PredictorSettings, *, timeout: float, journal: Journal
    ) -> None:
        assert predictor.batching is not None, "BatchExecutor without server_side_batching"
        super().__init__(project_dir, predictor, 1, timeout=timeout, journal=journal)
        self._batching = predictor.batching

    def _work(self, index: int, predictor: Predictor) -> None:
        assert self._loop is not None
        name = threading.current_thread().name
        waiting: list[Job] = []
        ended = False
        while not ended:
            batch, ended = gather(self._queue, waiting, self._batching)
            live: list[Job] = []
            for future, request in batch:
                if future.done():  # answered while it waited (timed out, or the drain ended)
                    self._finished.append((future, None, 0.0))
                else:
                    live.append((future, request))
            if live:
                start = perf_counter()
                self._running[index] = (start, name)
                outcomes = batch_guarded(predictor, [request for _, request in live])
                self._running[index] = None
                seconds = perf_counter() - start
                for (future, _), outcome in zip(live, outcomes, strict=True):
                    self._finished.append((future, outcome, seconds))
            if batch and not self._signalled:  # same hand-back as ThreadExecutor._work
                self._signalled = True
                self._loop.call_soon_threadsafe(self._deliver)
