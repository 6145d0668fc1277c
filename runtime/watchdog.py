"""A thread that keeps the process's promises when its event loop cannot.

The contract promises that a replica is gone within the pod's grace period after SIGTERM
(`runtime.contract`: the drain, then EXIT_MARGIN_SECONDS). The drain runs on the event
loop; a prediction hung on the loop (`runtime.placement` runs fast predictors there), a
thread that never returns while the runtime closes, or a load still in progress would keep
the process alive until the kubelet's SIGKILL. Once armed, the watchdog logs and calls
`os._exit` at the deadline, whatever the loop does.

It also reports a blocked loop: the loop beats every tick, and a loop silent for
STALL_SECONDS (a liveness probe on it has failed by then) is logged once, with the stack
of the main thread, so the log says what blocked it.

Like any Python thread it needs the GIL: C code that holds the GIL forever stops it too,
and then the kubelet's SIGKILL at the end of the grace period is what ends the process.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback

from runtime.journal import Journal

# The liveness probe's timeout is 3 s (infra/serving/containers.py): a loop silent for 5 s
# has failed a probe, and is not a long garbage collection or a large payload decoded in a
# thread that holds the GIL for a moment.
STALL_SECONDS = 5.0
EXIT_DEADLINE = 1
_PERIOD = 1.0


def main_stack() -> str:
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    return "".join(traceback.format_stack(frame)) if frame is not None else ""


class Watchdog:
    def __init__(self, journal: Journal, stall_seconds: float = STALL_SECONDS) -> None:
        self._journal = journal
        self._stall = stall_seconds
        self._beat = time.monotonic()
        self._deadline: float | None = None
        self._reason = ""
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def beat(self) -> None:
        """The event loop is running (called from it every tick)."""
        self._beat = time.monotonic()

    def arm(self, seconds: float, reason: str) -> None:
        """The process must be gone `seconds` from now; an earlier deadline stands.

        Safe to call from a signal handler: it only stores two values and sets an event.
        """
        deadline = time.monotonic() + seconds
        if self._deadline is None or deadline < self._deadline:
            self._deadline = deadline
            self._reason = reason
        self._wake.set()

    def _watch(self) -> None:
        reported = False
        while True:
            deadline = self._deadline
            now = time.monotonic()
            wait = _PERIOD if deadline is None else max(0.0, min(_PERIOD, deadline - now))
            self._wake.wait(wait)
            self._wake.clear()
            now = time.monotonic()
            if self._deadline is not None and now >= self._deadline:
                self._expire()
            silent = now - self._beat
            if silent >= self._stall and not reported:
                reported = True
                self._journal.event_from_thread(
                    "event_loop_blocked",
                    "ERROR",
                    seconds=round(silent, 1),
                    traceback=main_stack(),
                )
            elif silent < self._stall:
                reported = False

    def _expire(self) -> None:
        self._journal.event_from_thread(
            "stop_deadline",
            "ERROR",
            message=f"{self._reason}: the process did not end in time and exits now",
            exit_code=EXIT_DEADLINE,
            traceback=main_stack(),
        )
        os._exit(EXIT_DEADLINE)
