"""The contract's limits: their defaults, their variables, and how they fit together."""

from __future__ import annotations

import io
import json
import time

import pytest

from runtime import contract
from runtime.journal import Journal
from runtime.settings import SettingsError, proxy_settings
from runtime.watchdog import Watchdog

MiB = 2**20
BASE = {contract.ENV_API_NAME: "a", contract.ENV_UPSTREAM_PORT: "9000"}


def test_the_process_is_gone_before_the_kubelet_kills_it() -> None:
    """preStop pause + drain + the watchdog's margin fit in terminationGracePeriodSeconds."""
    stop = contract.PRE_STOP_SECONDS + contract.DRAIN_SECONDS + contract.EXIT_MARGIN_SECONDS
    assert stop < contract.TERMINATION_GRACE_SECONDS


@pytest.mark.parametrize(
    ("memory", "capacity", "limit"),
    [
        (512 * MiB, 101, 1297 * 1024),  # Cortex's default queue: about 1.3 MiB
        (512 * MiB, 36, 3640 * 1024),  # examples/cpu: 4 running + 32 queued
        (128 * MiB, 101, contract.MIN_BODY_BYTES),
        (64 * 2**30, 2, contract.MAX_BODY_BYTES_CAP),
        (None, 101, contract.DEFAULT_MAX_BODY_BYTES),
    ],
)
def test_the_body_limit_follows_what_memory_holds(
    memory: int | None, capacity: int, limit: int
) -> None:
    """memory / (4 x admitted requests), in whole KiB, within [1 MiB, 64 MiB]."""
    assert contract.max_body_bytes(memory, capacity) == limit


def test_defaults_apply_when_the_variables_are_unset() -> None:
    """Unset: 8 MiB bodies, 10 s heads, 30 s bodies, the keep-alive's request timeout."""
    limits = proxy_settings({**BASE, contract.ENV_KEEP_ALIVE_SECONDS: "135"}).limits
    assert limits.max_body_bytes == contract.DEFAULT_MAX_BODY_BYTES
    assert (limits.header_timeout, limits.body_timeout) == (10, 30)
    assert limits.request_timeout == 135 - contract.KEEP_ALIVE_MARGIN_SECONDS
    assert limits.max_connections == contract.DEFAULT_MAX_CONNECTIONS
    assert limits.tick == 1.0


def test_the_variables_override_the_defaults() -> None:
    """Every limit has its CORTEX_* variable; timeouts may be fractions of a second."""
    env = {
        **BASE,
        contract.ENV_MAX_BODY_BYTES: "1024",
        contract.ENV_HEADER_TIMEOUT_SECONDS: "0.5",
        contract.ENV_BODY_TIMEOUT_SECONDS: "2",
        contract.ENV_REQUEST_TIMEOUT_SECONDS: "7.5",
        contract.ENV_MAX_CONNECTIONS: "500",
    }
    limits = proxy_settings(env).limits
    assert (limits.max_body_bytes, limits.max_connections) == (1024, 500)
    assert (limits.header_timeout, limits.body_timeout, limits.request_timeout) == (0.5, 2, 7.5)
    assert limits.tick == 0.125


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        (contract.ENV_MAX_BODY_BYTES, "0"),
        (contract.ENV_REQUEST_TIMEOUT_SECONDS, "soon"),
        (contract.ENV_HEADER_TIMEOUT_SECONDS, "-1"),
        (contract.ENV_BODY_TIMEOUT_SECONDS, "inf"),
        (contract.ENV_MAX_CONNECTIONS, "101"),  # must exceed the limiter's 1 + 100
    ],
)
def test_a_malformed_limit_is_a_bad_environment(name: str, raw: str) -> None:
    """A limit that is not a positive number, or a connection cap under the limiter's
    capacity, is refused by name rather than replaced by a default."""
    with pytest.raises(SettingsError, match=name):
        proxy_settings({**BASE, name: raw})


def test_the_connection_cap_grows_with_a_large_queue() -> None:
    """Unset, the cap is 1000 or twice max_concurrency + max_queue_length."""
    env = {**BASE, contract.ENV_MAX_CONCURRENCY: "100", contract.ENV_MAX_QUEUE_LENGTH: "900"}
    assert proxy_settings(env).limits.max_connections == 2000


def test_the_watchdog_reports_a_silent_loop_once() -> None:
    """No beat for the stall time: one `event_loop_blocked` line with the main stack."""
    stream = io.StringIO()
    watchdog = Watchdog(Journal("a", stream=stream), stall_seconds=0.2)
    watchdog.start()
    deadline = time.monotonic() + 10
    while "event_loop_blocked" not in stream.getvalue():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.5)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["event_loop_blocked"]
    assert "test_the_watchdog_reports_a_silent_loop_once" in lines[0]["traceback"]
