"""Where a serial predictor's calls run: on the event loop once proven fast, else in its thread.

With one process and one thread the user asked for predictions one at a time, so running
`predict` on the event loop adds no serialisation they did not ask for, and it saves the two
GIL hand-overs of leaving the loop, which cost more than a trivial prediction. But while a
prediction runs on the loop nothing else does: not `/healthz`, not `/metrics`, not an
immediate 503. So a predictor only earns the loop with evidence, and loses it at once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from time import perf_counter

from runtime.executors import ThreadExecutor, call_guarded
from runtime.journal import Journal
from runtime.predictor import Outcome, Predictor, Request
from runtime.settings import PredictorSettings

# A call counts as evidence of speed under FAST_SECONDS. Inlining saves the hand-over to
# the thread and back, some 5-10 µs of CPU; past a quarter of a millisecond that is a few
# percent of the call, not worth holding the loop for, so slower predictors stay threaded.
FAST_SECONDS = 250e-6
# An inline call over SLOW_SECONDS (4x the bar it was admitted under) delayed everything
# else on the loop by a noticeable amount: the predictor goes back to the thread for a
# cooldown. The runtime cannot tell a slow predictor from a busy or CPU-throttled node
# cheaply enough to ask on every call, so either costs the cooldown (throughput, not
# correctness: the thread is where every call would run without this module).
SLOW_SECONDS = 1e-3
# The first calls run in the thread: the loop is earned by this many fast calls in a row,
# wherever they ran; any call at or over FAST_SECONDS starts the count again.
WARM_UP_CALLS = 100
# After a slow inline call: threaded for at least the cooldown and COOLDOWN_CALLS fast
# calls in a row. The cooldown doubles at each slow call, up to MAX_COOLDOWN_SECONDS, and
# starts over once that long has passed without one, so a predictor that is slow now and
# then cannot keep stalling the loop.
COOLDOWN_CALLS = 1000
COOLDOWN_SECONDS = 10.0
MAX_COOLDOWN_SECONDS = 600.0
# Inline calls may add up to BUDGET_SECONDS in any WINDOW_SECONDS; the rest of the window
# goes to the thread. With SLOW_SECONDS this bounds how long /healthz, /metrics and 503s wait
# behind inline predictions to about 6 ms, and leaves the loop at least half of its time.
BUDGET_SECONDS = 5e-3
WINDOW_SECONDS = 10e-3


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
        self.spent = 0.0  # inline seconds in the current window
        self.window_start = float("-inf")
        self.cooldown = COOLDOWN_SECONDS
        self.resume_at = float("-inf")

    def handed_over(self) -> None:
        """A call went to the thread."""
        self.outstanding += 1
        self.inline = False

    def threaded(self, seconds: float | None, now: float) -> None:
        """A call that ran in the thread took `seconds` (None: answered before it ran)."""
        self.outstanding -= 1
        if seconds is not None:
            self.streak = self.streak + 1 if seconds < FAST_SECONDS else 0
        self.inline = self._earned(now)

    def inlined(self, seconds: float, now: float) -> bool:
        """A call that ran inline took `seconds`, up to `now`; True when it was too slow."""
        if now - self.window_start >= WINDOW_SECONDS:
            self.window_start = now
            self.spent = 0.0
        self.spent += seconds
        if seconds < FAST_SECONDS:
            self.streak += 1
            if self.spent > BUDGET_SECONDS:
                self.inline = False
            return False
        self.streak = 0  # not fast any more: the loop is earned again in the thread
        self.inline = False
        return seconds >= SLOW_SECONDS

    def stalled(self, now: float) -> float:
        """The last inline call was too slow; returns the cooldown it costs."""
        if now - self.resume_at > MAX_COOLDOWN_SECONDS:
            self.cooldown = COOLDOWN_SECONDS
        cooldown = self.cooldown
        self.required = COOLDOWN_CALLS
        self.resume_at = now + cooldown
        self.cooldown = min(cooldown * 2, MAX_COOLDOWN_SECONDS)
        return cooldown

    def _earned(self, now: float) -> bool:
        return (
            not self.outstanding
            and self.streak >= self.required
            and now >= self.resume_at
            and (self.spent <= BUDGET_SECONDS or now - self.window_start >= WINDOW_SECONDS)
        )


class Placement:
    """The executor of a serial predictor: `call` inline while `policy.inline`, else `run`."""

    def __init__(
        self, project_dir: Path, predictor: PredictorSettings, timeout: float, journal: Journal
    ) -> None:
        self.policy = InlinePolicy()
        # A call that hangs in the thread is answered 504 there and keeps `outstanding`
        # above 0, so no later call runs inline next to it.
        self._threads = ThreadExecutor(
            project_dir, predictor, 1, timeout=timeout, journal=journal, on_timed=self._threaded
        )
        self._journal = journal
        self._predictor: Predictor | None = None
        self._announced = False

    async def start(self) -> None:
        await self._threads.start()
        self._predictor = self._threads.predictor

    def run(self, request: Request) -> asyncio.Future[Outcome]:
        """In the thread (awaited by the caller)."""
        self.policy.handed_over()
        return self._threads.run(request)

    def call(self, request: Request) -> Outcome:
        """On the event loop, now; only while `policy.inline`, so after `start()`."""
        assert self._predictor is not None
        predictor = self._predictor
        start = perf_counter()
        outcome = call_guarded(predictor, request)
        end = perf_counter()
        if self.policy.inlined(end - start, end):
            self._announced = False
            cooldown = self.policy.stalled(end)
            self._journal.event(
                "predict_moved_to_thread",
                "WARNING",
                duration_ms=round((end - start) * 1000, 3),
                cooldown_seconds=cooldown,
            )
        return outcome

    def _threaded(self, seconds: float | None) -> None:
        self.policy.threaded(seconds, perf_counter())
        if self.policy.inline and not self._announced:
            self._announced = True
            self._journal.event("predict_inline", fast_calls=self.policy.streak)

    @property
    def stuck(self) -> int:
        return self._threads.stuck

    def sweep(self) -> None:
        self._threads.sweep()

    def abandon(self, outcome: Outcome) -> int:
        return self._threads.abandon(outcome)

    def serving(self) -> bool:
        return self._threads.serving()

    def trouble(self) -> str | None:
        return self._threads.trouble()

    async def close(self, seconds: float) -> None:
        await self._threads.close(seconds)
