"""Admission control and the metrics it feeds, in process: limits, order, the text format."""

from __future__ import annotations

import asyncio
import re

import pytest

from runtime import contract
from runtime.limiter import DrainedError, Limiter, OverloadedError
from runtime.metrics import Metrics


def test_running_plus_queued_never_exceeds_concurrency_plus_queue() -> None:
    """Two running and one queued fill a 2+1 limiter; the next admit is refused at once."""

    async def scenario() -> None:
        limiter = Limiter(max_concurrency=2, max_queue_length=1)
        slots = [limiter.admit() for _ in range(3)]
        assert (limiter.running, limiter.in_flight) == (2, 3)
        with pytest.raises(OverloadedError):
            limiter.admit()
        slots[0].close()
        await slots[2].wait()
        assert (limiter.running, limiter.in_flight) == (2, 2)
        for slot in slots:
            slot.close()
        assert limiter.in_flight == 0

    asyncio.run(scenario())


def test_queued_requests_run_in_arrival_order() -> None:
    """A released place goes to the oldest waiter, whatever order the waiters awaited in."""

    async def scenario() -> list[int]:
        limiter = Limiter(max_concurrency=1, max_queue_length=3)
        first = limiter.admit()
        order: list[int] = []

        async def queued(number: int) -> None:
            slot = limiter.admit()
            await slot.wait()
            order.append(number)
            slot.close()

        waiting = [queued(n) for n in (1, 2, 3)]
        tasks = [asyncio.ensure_future(w) for w in reversed(waiting)]
        await asyncio.sleep(0)
        first.close()
        await asyncio.gather(*tasks)
        return order

    # the coroutines were created 1, 2, 3 but scheduled 3, 2, 1: admission order is 3, 2, 1
    assert asyncio.run(scenario()) == [3, 2, 1]


def test_a_cancelled_waiter_gives_its_place_back() -> None:
    """A queued request that is cancelled (client gone, drain timeout) leaves no leak."""

    async def scenario() -> None:
        limiter = Limiter(max_concurrency=1, max_queue_length=1)
        running = limiter.admit()
        queued = limiter.admit()
        task = asyncio.ensure_future(queued.wait())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert limiter.in_flight == 1
        running.close()
        assert limiter.in_flight == 0
        limiter.admit().close()

    asyncio.run(scenario())


def test_the_drains_deadline_ends_every_wait_and_leaks_no_place() -> None:
    """fail_waiting: queued requests get DrainedError; the running ones keep their places."""

    async def scenario() -> None:
        limiter = Limiter(max_concurrency=1, max_queue_length=2)
        running = limiter.admit()
        queued = [limiter.admit(), limiter.admit()]
        tasks = [asyncio.ensure_future(slot.wait()) for slot in queued]
        await asyncio.sleep(0)
        assert limiter.fail_waiting() == 2
        for task in tasks:
            with pytest.raises(DrainedError):
                await task
        assert (limiter.running, limiter.in_flight) == (1, 1)
        running.close()
        assert limiter.in_flight == 0

    asyncio.run(scenario())


def test_metrics_render_the_gauge_counters_and_cumulative_buckets() -> None:
    """The text format has the in-flight gauge and per-status cumulative histograms."""
    metrics = Metrics(lambda: 7)
    for seconds in (0.001, 0.02, 0.02, 3.0, 100.0):
        metrics.observe(200, seconds)
    metrics.observe(503, 0.0001)
    text = metrics.render().decode()
    assert f"\n{contract.IN_FLIGHT_METRIC} 7\n" in text
    assert f'{contract.REQUESTS_METRIC}{{status="200"}} 5' in text
    assert f'{contract.REQUESTS_METRIC}{{status="503"}} 1' in text
    buckets = dict(re.findall(r'status="200",le="([^"]+)"\} (\d+)', text))
    assert (buckets["0.005"], buckets["0.025"], buckets["5.0"], buckets["60.0"]) == (
        "1",
        "3",
        "4",
        "4",
    )
    assert buckets["+Inf"] == "5"
    assert f'{contract.LATENCY_METRIC}_count{{status="200"}} 5' in text
