"""A predictor that hangs: 504 and a released place, liveness, and a drain that always ends."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from runtime import contract
from runtime.placement import WARM_UP_CALLS
from tests.runtime.conftest import Runtime, make_project, serving_env

Launch = Callable[..., Runtime]
TIMEOUT = 1.0
# Generous: a timeout is enforced within a quarter of itself; the rest is a busy machine.
BOUND = TIMEOUT + 5.0
DRAIN = 1
# The process must be gone DRAIN + EXIT_MARGIN_SECONDS after SIGTERM; this bound is a
# correctness check (it never hangs), not a measure of speed.
EXIT_BOUND = DRAIN + contract.EXIT_MARGIN_SECONDS + 10.0

HANGING = """
import os
import pathlib
import threading
import time


class PythonPredictor:
    def __init__(self, config):
        self.gate = pathlib.Path(config["gate"])

    def predict(self, payload):
        if payload.get("hang"):
            deadline = time.monotonic() + 60
            while not self.gate.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        if payload.get("block"):  # only inline, on the event loop's thread
            if threading.current_thread() is not threading.main_thread():
                return {"blocked": False}
            time.sleep(60)
        return {"pid": os.getpid()}
"""


def hanging(tmp_path: Path, launch: Launch, **env: str) -> tuple[Runtime, Path]:
    gate = tmp_path / "gate"
    project = make_project(tmp_path, HANGING, {"gate": str(gate)})
    runtime = launch(serving_env(project, tmp_path, **env))
    runtime.wait_until(200)
    return runtime, gate


def stuck_gauge(runtime: Runtime) -> int:
    text = httpx.get(runtime.url + contract.METRICS_PATH, timeout=5).text
    match = re.search(rf"^{contract.STUCK_METRIC} (\d+)$", text, re.MULTILINE)
    assert match, text
    return int(match[1])


def in_flight(runtime: Runtime) -> int:
    text = httpx.get(runtime.url + contract.METRICS_PATH, timeout=5).text
    match = re.search(rf"^{contract.IN_FLIGHT_METRIC} (\d+)$", text, re.MULTILINE)
    assert match, text
    return int(match[1])


def eventually(check: Callable[[], bool], seconds: float = BOUND) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


def test_a_hung_prediction_is_a_504_and_its_place_is_released(
    tmp_path: Path, launch: Launch
) -> None:
    """Past the request timeout: 504; the next request runs; the stuck thread is counted."""
    runtime, gate = hanging(
        tmp_path,
        launch,
        **{
            contract.ENV_REQUEST_TIMEOUT_SECONDS: str(TIMEOUT),
            contract.ENV_MAX_CONCURRENCY: "1",
            contract.ENV_THREADS: "2",
        },
    )
    began = time.monotonic()
    reply = httpx.post(runtime.url, json={"hang": True}, timeout=BOUND + 5)
    assert reply.status_code == 504
    assert reply.json() == {"error": "the prediction did not finish within 1 s"}
    assert TIMEOUT * 0.9 <= time.monotonic() - began <= BOUND
    assert httpx.post(runtime.url, json={}, timeout=BOUND).status_code == 200
    eventually(lambda: stuck_gauge(runtime) == 1)
    assert httpx.get(runtime.url + contract.LIVENESS_PATH, timeout=5).status_code == 200
    stuck = runtime.wait_for_log(lambda e: e.get("event") == "predictions_stuck")
    assert (stuck["level"], stuck["of"]) == ("WARNING", 2)
    gate.touch()
    eventually(lambda: stuck_gauge(runtime) == 0)


def test_liveness_fails_once_every_thread_is_stuck(tmp_path: Path, launch: Launch) -> None:
    """All threads held past the request timeout: /livez and /healthz 503, until one frees."""
    runtime, gate = hanging(
        tmp_path, launch, **{contract.ENV_REQUEST_TIMEOUT_SECONDS: str(TIMEOUT)}
    )  # one process, one thread
    assert httpx.post(runtime.url, json={"hang": True}, timeout=BOUND).status_code == 504
    eventually(lambda: runtime.health() == 503)
    live = httpx.get(runtime.url + contract.LIVENESS_PATH, timeout=5)
    assert live.status_code == 503
    assert "prediction threads" in live.json()["reason"]
    gate.touch()
    eventually(lambda: runtime.health() == 200)
    assert httpx.get(runtime.url + contract.LIVENESS_PATH, timeout=5).status_code == 200


def block_the_loop(client: httpx.Client) -> None:
    """Fast calls until the serial predictor runs inline (runtime.placement), then a call
    that sleeps there. A busy machine can send it to the thread instead (a fast call that
    looked slow): it says so at once, and the loop is earned again."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for _ in range(WARM_UP_CALLS):
            assert client.post("/", json={}).status_code == 200
        try:
            reply = client.post("/", json={"block": True}, timeout=1)
        except httpx.TimeoutException:
            return  # it sleeps on the event loop
        assert reply.json() == {"blocked": False}
    raise AssertionError("the predictor never ran inline")


def test_a_blocked_event_loop_fails_liveness_and_sigterm_still_ends_it(
    tmp_path: Path, launch: Launch
) -> None:
    """A hang inline blocks /livez (the probe times out); SIGTERM exits by its deadline."""
    runtime, _ = hanging(tmp_path, launch, **{contract.ENV_DRAIN_SECONDS: str(DRAIN)})
    with httpx.Client(base_url=runtime.url, timeout=10) as client:
        block_the_loop(client)
    with pytest.raises(httpx.TimeoutException):
        httpx.get(runtime.url + contract.LIVENESS_PATH, timeout=1)
    began = time.monotonic()
    runtime.process.terminate()
    code = runtime.process.wait(timeout=EXIT_BOUND)
    assert time.monotonic() - began <= EXIT_BOUND
    assert code == 1
    ended = runtime.wait_for_log(lambda e: e.get("event") == "stop_deadline")
    assert "signal SIGTERM" in ended["message"]
    assert "time.sleep(60)" in ended["traceback"]  # the stack that held the loop


def test_sigterm_with_a_hung_prediction_answers_503_and_exits_0(
    tmp_path: Path, launch: Launch
) -> None:
    """A prediction hung in a thread is answered 503 at the drain's deadline; exit 0."""
    runtime, _ = hanging(
        tmp_path, launch, **{contract.ENV_DRAIN_SECONDS: str(DRAIN), contract.ENV_THREADS: "2"}
    )
    with ThreadPoolExecutor(1) as pool:
        hung = pool.submit(httpx.post, runtime.url, json={"hang": True}, timeout=EXIT_BOUND)
        eventually(lambda: in_flight(runtime) == 1)
        began = time.monotonic()
        runtime.process.terminate()
        assert runtime.process.wait(timeout=EXIT_BOUND) == 0
        assert time.monotonic() - began <= EXIT_BOUND
        reply = hung.result()
    assert reply.status_code == 503
    assert reply.json()["error"].startswith("draining")
    events = runtime.events()
    assert events.index("draining") < events.index("drain_abandoned") < events.index("stopped")
