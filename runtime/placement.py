"""Where a serial predictor's calls run: on the event loop once proven fast, else in its thread.

With one process and one thread the user asked for predictions one at a time, so running
`predict` on the event loop adds no serialisation they did not ask for, and it saves the two
GIL hand-overs of leaving the loop, which cost more than a trivial prediction. But while a
prediction runs on the loop nothing else does: not `/healthz`, not `/metrics`, not an
immediate 503. So a predictor only earns the loop with evidence, and loses it at once.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from pathlib import Path
from time import perf_counter

from runtime.executors import ThreadExecutor
from runtime.journal import Journal
from runtime.predictor import Outcome, Predictor, Request, error_outcome
from runtime.settings import PredictorSettings

if sys.platform == "linux":  # elsewhere every slow inline call is blamed on the predictor
    from resource import RUSAGE_THREAD, getrusage

# A call counts as evidence of speed under FAST_SECONDS. Inlining saves the hand-over to
# the thread and back, some 5-10 µs of CPU; past a quarter of a millisecond that is a few
# percent of the call, not worth holding the loop for, so slower predictors stay threaded.
FAST_SECONDS = 250e-6
# An inline call over SLOW_SECONDS (4x the bar it was admitted under) delayed everything
# else on the loop by a noticeable amount. Any such call sends the predictor back to the
# thread; if the predictor itself held the loop (see `Placement._blamed`), for a cooldown.
SLOW_SECONDS = 1e-3
# The first calls run in the thread: the loop is earned by this many fast calls in a row,
# wherever they ran; any call at or over FAST_SECONDS starts the count again.
WARM_UP_CALLS = 100
# After a stall of its own: threaded for at least the cooldown and COOLDOWN_CALLS fast
# calls in a row. The cooldown doubles at each stall, up to MAX_COOLDOWN_SECONDS, and
# starts over once that long has passed without one, so a predictor that is slow now and
# then cannot keep stalling the loop.
COOLDOWN_CALLS = 1000
COOLDOWN_SECONDS = 10.0
MAX_COOLDOWN_SECONDS = 600.0
# Inline calls in one pass of the event loop (the requests that became ready together) may
# add up to this much; the rest of the pass goes to the thread. With FAST_SECONDS it bounds
# how long /healthz, /metrics and 503s wait behind inline predictions to about 3 ms.
PASS_BUDGET_SECONDS = 2e-3


class InlinePolicy:
    """Decides, from how long recent calls took, whether the next call may run inline.

    `inline` is read on every request, so it is a plain attribute kept up to date by the
    calls below. A call runs inline only when nothing is left in the thread: the two never
    run the predictor at the same time.
    """

    def __init__(self) -> None:
        self.inline = False
        self.streak = 0  # fast calls in a row
        self.required = WARM_UP_CALLS
        self.outstanding = 0  # calls handed to the thread and not yet answered
        self.spent = 0.0  # inline seconds in the current pass of the loop
        self.cooldown = COOLDOWN_SECONDS
        self.resume_at = float("-inf")

    def handed_over(self) -> None:
        """A call went to the thread."""
        self.outstanding += 1
        self.inline = False

    def threaded(self, seconds: float, now: float) -> None:
        """A call that ran in the thread took `seconds`."""
        self.outstanding -= 1
        self.streak = self.streak + 1 if seconds < FAST_SECONDS else 0
        self.inline = self._earned(now)

    def inlined(self, seconds: float) -> bool:
        """A call that ran inline took `seconds`; True when that was SLOW_SECONDS or more."""
        self.spent += seconds
        if seconds < FAST_SECONDS:
            self.streak += 1
            if self.spent > PASS_BUDGET_SECONDS:
                self.inline = False
            return False
        self.streak = 0  # not fast any more: the loop is earned again in the thread
        self.inline = False
        return seconds >= SLOW_SECONDS

    def stalled(self, now: float) -> float:
        """The last slow inline call was the predictor's own doing; returns the cooldown."""
        if now - self.resume_at > MAX_COOLDOWN_SECONDS:
            self.cooldown = COOLDOWN_SECONDS
        cooldown = self.cooldown
        self.required = COOLDOWN_CALLS
        self.resume_at = now + cooldown
        self.cooldown = min(cooldown * 2, MAX_COOLDOWN_SECONDS)
        return cooldown

    def new_pass(self, now: float) -> None:
        """The event loop has gone round: the pass budget starts again."""
        self.spent = 0.0
        self.inline = self._earned(now)

    def _earned(self, now: float) -> bool:
        return (
            not self.outstanding
            and self.streak >= self.required
            and self.spent <= PASS_BUDGET_SECONDS
            and now >= self.resume_at
        )


class Placement:
    """The executor of a serial predictor: `call` inline while `policy.inline`, else `run`."""

    def __init__(self, project_dir: Path, predictor: PredictorSettings, journal: Journal) -> None:
        self.policy = InlinePolicy()
        self._threads = ThreadExecutor(project_dir, predictor, 1, on_timed=self._threaded)
        self._journal = journal
        self._started: tuple[Predictor, asyncio.AbstractEventLoop] | None = None
        self._announced = False
        # The loop thread's CPU seconds and voluntary context switches, and the time, when
        # the current pass's first inline call started.
        self._pass_usage = (0.0, 0, 0.0)

    async def start(self) -> None:
        await self._threads.start()
        assert self._threads.predictor is not None
        self._started = (self._threads.predictor, asyncio.get_running_loop())

    def run(self, request: Request) -> asyncio.Future[Outcome]:
        """In the thread (awaited by the caller)."""
        self.policy.handed_over()
        return self._threads.run(request)

    def call(self, request: Request) -> Outcome:
        """On the event loop, now; only while `policy.inline`, so after `start()`."""
        assert self._started is not None
        predictor, loop = self._started
        policy = self.policy
        if not policy.spent:  # the first inline call of this pass of the loop
            loop.call_soon(self._new_pass)
            self._pass_usage = _thread_usage(perf_counter())
        start = perf_counter()
        try:
            outcome = predictor(request)
        except BaseException as error:  # as in the thread: sys.exit() must not stop the server
            outcome = error_outcome(500, type(error).__name__, traceback.format_exc())
        end = perf_counter()
        if policy.inlined(end - start) and self._blamed(start, end):
            self._announced = False
            cooldown = policy.stalled(end)
            self._journal.event(
                "predict_moved_to_thread",
                "WARNING",
                duration_ms=round((end - start) * 1000, 3),
                cooldown_seconds=cooldown,
            )
        return outcome

    def _blamed(self, start: float, end: float) -> bool:
        """Whether a slow inline call held the loop by itself: it waited or it computed.

        Otherwise the time was taken by other processes (a busy node, a CPU limit's
        throttling), which would have stalled the loop wherever the call ran. One
        `getrusage` per pass of the loop tells them apart: the loop thread never waits
        within a pass, so a voluntary context switch since the pass's first inline call
        means the predictor waited (I/O, a sleep, a lock); and its CPU time since then, less
        the pass's time outside this call, is a lower bound of the call's own CPU time.
        """
        cpu_before, switches_before, pass_start = self._pass_usage
        cpu, switches, _ = _thread_usage(end)
        if sys.platform != "linux" or switches != switches_before:
            return True
        return cpu - cpu_before - ((end - pass_start) - (end - start)) >= FAST_SECONDS

    def _threaded(self, seconds: float) -> None:
        self.policy.threaded(seconds, perf_counter())
        if self.policy.inline and not self._announced:
            self._announced = True
            self._journal.event("predict_inline", fast_calls=self.policy.streak)

    def _new_pass(self) -> None:
        self.policy.new_pass(perf_counter())

    async def close(self) -> None:
        await self._threads.close()


def _thread_usage(now: float) -> tuple[float, int, float]:
    if sys.platform != "linux":
        return 0.0, 0, now
    usage = getrusage(RUSAGE_THREAD)
    return usage.ru_utime + usage.ru_stime, usage.ru_nvcsw, now
