"""Where a serial predictor runs: inline on the event loop only once proven fast, never stuck."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from runtime import contract
from runtime.placement import (
    BUDGET_SECONDS,
    COOLDOWN_CALLS,
    COOLDOWN_SECONDS,
    FAST_SECONDS,
    MAX_COOLDOWN_SECONDS,
    SLOW_SECONDS,
    WARM_UP_CALLS,
    WINDOW_SECONDS,
    InlinePolicy,
)
from tests.runtime.conftest import Runtime, make_project, serving_env

Launch = Callable[..., Runtime]

FAST = FAST_SECONDS / 10


def warmed() -> InlinePolicy:
    policy = InlinePolicy()
    for _ in range(WARM_UP_CALLS):
        policy.handed_over()
        policy.threaded(FAST, now=0.0)
    return policy


def test_the_loop_is_earned_by_warm_up_fast_calls_in_the_thread() -> None:
    """No call runs inline before WARM_UP_CALLS fast threaded calls in a row."""
    policy = InlinePolicy()
    for _ in range(WARM_UP_CALLS - 1):
        policy.handed_over()
        policy.threaded(FAST, now=0.0)
        assert not policy.inline
    policy.handed_over()
    policy.threaded(FAST, now=0.0)
    assert policy.inline


def test_one_call_at_the_bar_starts_the_count_again() -> None:
    """A threaded call of FAST_SECONDS or more resets the streak of fast calls."""
    policy = InlinePolicy()
    for _ in range(WARM_UP_CALLS - 1):
        policy.handed_over()
        policy.threaded(FAST, now=0.0)
    policy.handed_over()
    policy.threaded(FAST_SECONDS, now=0.0)
    policy.handed_over()
    policy.threaded(FAST, now=0.0)
    assert not policy.inline


def test_nothing_runs_inline_while_a_call_is_in_the_thread() -> None:
    """Inline and threaded calls never overlap: an outstanding call keeps the loop closed."""
    policy = warmed()
    policy.handed_over()
    policy.handed_over()
    policy.threaded(FAST, now=0.0)
    assert not policy.inline
    policy.threaded(FAST, now=0.0)
    assert policy.inline


def test_a_slow_inline_call_leaves_the_loop_at_once() -> None:
    """An inline call of SLOW_SECONDS is reported slow and the next call goes to the thread."""
    policy = warmed()
    assert policy.inlined(SLOW_SECONDS, now=1.0)
    assert not policy.inline
    policy.handed_over()
    policy.threaded(FAST, now=2.0)
    assert not policy.inline  # the streak is gone: it must be earned again


def test_a_moderately_slow_inline_call_is_not_a_stall() -> None:
    """Between FAST_SECONDS and SLOW_SECONDS the call loses the loop but is not blamed."""
    policy = warmed()
    assert not policy.inlined((FAST_SECONDS + SLOW_SECONDS) / 2, now=1.0)
    assert not policy.inline


def test_inline_calls_spend_at_most_the_budget_of_each_window() -> None:
    """Past BUDGET_SECONDS of inline calls in a window, calls go to the thread until it ends."""
    policy = warmed()
    now, calls = 1.0, 0
    while policy.inline:
        now += FAST
        policy.inlined(FAST, now)
        calls += 1
    assert int(BUDGET_SECONDS / FAST) <= calls <= int(BUDGET_SECONDS / FAST) + 1
    policy.handed_over()
    policy.threaded(FAST, now)
    assert not policy.inline  # the window is not over
    policy.handed_over()
    policy.threaded(FAST, now=now + WINDOW_SECONDS)
    assert policy.inline


def test_a_stall_costs_a_doubling_cooldown_that_resets_after_a_quiet_spell() -> None:
    """Slow inline calls send the predictor to the thread for 10 s, 20 s, ... up to a maximum."""
    policy = warmed()
    assert policy.stalled(now=100.0) == COOLDOWN_SECONDS
    for _ in range(COOLDOWN_CALLS):
        policy.handed_over()
        policy.threaded(FAST, now=100.0 + COOLDOWN_SECONDS - 1)
    assert not policy.inline  # enough fast calls, but the cooldown has not passed
    policy.handed_over()
    policy.threaded(FAST, now=100.0 + COOLDOWN_SECONDS)
    assert policy.inline
    cooldowns = [policy.stalled(now=200.0 + step) for step in range(10)]
    assert cooldowns[0] == 2 * COOLDOWN_SECONDS
    assert max(cooldowns) == MAX_COOLDOWN_SECONDS
    quiet = policy.resume_at + MAX_COOLDOWN_SECONDS + 1
    assert policy.stalled(now=quiet) == COOLDOWN_SECONDS


# Sleeps only inline (on the event loop's thread): a call that a busy machine sent to the
# thread instead says so, and the test earns the loop again rather than failing.
SWITCHING = """
import threading
import time


class PythonPredictor:
    def __init__(self, config):
        pass

    def predict(self, payload):
        if threading.current_thread() is not threading.main_thread():
            return {"slept": 0}
        time.sleep(payload["sleep"])
        return {"slept": payload["sleep"]}
"""


def placement_events(runtime: Runtime) -> list[dict[str, Any]]:
    kinds = {"predict_inline", "predict_moved_to_thread"}
    return [entry for entry in runtime.logs() if entry.get("event") in kinds]


def test_a_predictor_that_turns_slow_is_moved_off_the_loop(tmp_path: Path, launch: Launch) -> None:
    """One process, one thread: fast calls go inline; the first slow one sends it back."""
    project = make_project(tmp_path, SWITCHING)
    runtime = launch(serving_env(project, tmp_path))
    runtime.wait_until(200)
    with httpx.Client(base_url=runtime.url, timeout=10) as client:
        # A busy machine can stretch a fast call past the bars (restarting the count, or
        # costing a cooldown): keep calling until the slow call runs inline.
        deadline = time.monotonic() + 60
        while client.post("/echo", json={"sleep": 0.05}).json() != {"slept": 0.05}:
            assert time.monotonic() < deadline, "the predictor never ran inline"
            for _ in range(WARM_UP_CALLS):
                assert client.post("/echo", json={"sleep": 0}).status_code == 200
        assert any(e["event"] == "predict_inline" for e in placement_events(runtime))
        moved = runtime.wait_for_log(
            lambda entry: (
                entry.get("event") == "predict_moved_to_thread" and entry["duration_ms"] >= 50
            )
        )
        assert moved["level"] == "WARNING"
        assert moved["cooldown_seconds"] >= COOLDOWN_SECONDS
        assert client.get(contract.HEALTH_PATH).status_code == 200
