"""Admission control: at most `max_concurrency` running, `max_queue_length` waiting, 503 beyond.

One limiter lives in the single event-loop process of a replica, so the limits are per
replica whatever the number of worker processes behind it, as Cortex's proxy enforced them.
"""

from __future__ import annotations

import asyncio
from collections import deque


class OverloadedError(Exception):
    """Running plus queued already equals max_concurrency + max_queue_length."""


class DrainedError(Exception):
    """The drain's deadline came while this request still waited for a running place."""


class Limiter:
    def __init__(self, max_concurrency: int, max_queue_length: int) -> None:
        self.max_concurrency = max_concurrency
        self.capacity = max_concurrency + max_queue_length
        self._running = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def in_flight(self) -> int:
        """Running plus queued: the gauge the autoscaler reads."""
        return self._running + len(self._waiting)

    @property
    def running(self) -> int:
        return self._running

    def claim(self) -> bool:
        """Take a running place at once if one is free and nobody waits; `release()` it.

        The common case, without the Slot `admit()` would allocate.
        """
        if self._running < self.max_concurrency and not self._waiting:
            self._running += 1
            return True
        return False

    def admit(self) -> Slot:
        """Claim a place, or raise OverloadedError at once."""
        if self.in_flight >= self.capacity:
            raise OverloadedError
        if self.claim():
            return Slot(self, None)
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        return Slot(self, waiter)

    def release(self) -> None:
        """Give back a running place (from `claim()`, or a Slot's)."""
        # A finishing request hands its running place straight to the oldest waiter, so
        # arrival order holds and `running` never dips below the limit while others wait.
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._running -= 1

    def fail_waiting(self) -> int:
        """End of a drain: every queued request gives up its place (DrainedError)."""
        waiting, self._waiting = self._waiting, deque()
        for waiter in waiting:
            if not waiter.done():
                waiter.set_exception(DrainedError())
        return len(waiting)

    def _abandon(self, waiter: asyncio.Future[None]) -> None:
        if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
            self.release()  # it had been handed a running place already
        else:
            waiter.cancel()
            if waiter in self._waiting:
                self._waiting.remove(waiter)


class Slot:
    """A place in the limiter: queued until `wait()` returns, then running until `close()`."""

    __slots__ = ("_limiter", "_state", "_waiter")

    def __init__(self, limiter: Limiter, waiter: asyncio.Future[None] | None) -> None:
        self._limiter = limiter
        self._waiter = waiter
        self._state = "running" if waiter is None else "queued"

    @property
    def queued(self) -> bool:
        return self._state == "queued"

    async def wait(self) -> None:
        """Return once this request may run (at once when it was admitted running)."""
        if self._state == "queued" and self._waiter is not None:
            try:
                await self._waiter
            except BaseException:
                self.close()
                raise
            self._state = "running"

    def close(self) -> None:
        """Give the place back, once, whether or not the request ever ran."""
        if self._state == "running":
            self._limiter.release()
        elif self._state == "queued" and self._waiter is not None:
            self._limiter._abandon(self._waiter)
        self._state = "closed"
