"""Server-side batching (Cortex v0.20-v0.35): requests gathered into one predict() call."""

from __future__ import annotations

import contextlib
import json
import queue
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime import contract
from runtime.batching import Batching, BatchingError, gather, parse_interval, read_batching
from runtime.predictor import Predictor, Request
from tests.runtime.conftest import STARTUP_SECONDS, Runtime, make_project, serving_env

Launch = Callable[..., Runtime]

BATCHING = """
import os


class PythonPredictor:
    def __init__(self, config):
        self.calls = 0

    def predict(self, payload, query_params, headers):
        self.calls += 1
        if any(isinstance(p, dict) and p.get("fail") for p in payload):
            raise ValueError("the batch asked for it")
        return [
            {"echo": p, "q": q.get("k"), "batch": len(payload), "call": self.calls,
             "pid": os.getpid(), "h": h.get("x-id")}
            for p, q, h in zip(payload, query_params, headers)
        ]
"""


def _request(body: bytes) -> Request:
    return Request(body, b"application/json", b"", [])


class _Echo:
    def predict(self, payload: list[Any]) -> Any:
        return [{"n": item} for item in payload]


def test_a_batch_answers_each_request_with_its_own_result() -> None:
    """batching.py v0.33.0: predict() gets the list of payloads and result i answers request i."""
    outcomes = Predictor(_Echo()).batch([_request(b"1"), _request(b"2"), _request(b"3")])
    assert [json.loads(o.body) for o in outcomes] == [{"n": 1}, {"n": 2}, {"n": 3}]


def test_an_unreadable_payload_gets_400_and_stays_out_of_the_batch() -> None:
    """One client's malformed JSON is its own 400, not a failure of its batch."""
    outcomes = Predictor(_Echo()).batch([_request(b"1"), _request(b"{"), _request(b"3")])
    assert [o.status for o in outcomes] == [200, 400, 200]
    assert json.loads(outcomes[2].body) == {"n": 3}


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ({"n": 1}, "please return a list when using server side batching, got dict"),
        ([1], "predict() returned 1 results for 2 payloads"),
    ],
)
def test_a_result_that_is_not_one_answer_per_request_fails_the_batch(
    result: Any, message: str
) -> None:
    """batching.py v0.33.0: a non-list result is a 500 for every request of the batch (with
    Cortex's message); a list of the wrong length too (Cortex left those callers hanging)."""

    class Wrong:
        def predict(self, payload: list[Any]) -> Any:
            return result

    outcomes = Predictor(Wrong()).batch([_request(b"1"), _request(b"2")])
    assert [(o.status, o.error) for o in outcomes] == [(500, message)] * 2


def test_a_raising_batch_logs_its_traceback_once() -> None:
    """A failing batch answers every request 500 but logs the traceback once."""

    class Raising:
        def predict(self, payload: list[Any]) -> Any:
            raise RuntimeError("boom")

    outcomes = Predictor(Raising()).batch([_request(b"1"), _request(b"2"), _request(b"3")])
    assert {o.status for o in outcomes} == {500}
    assert [o.traceback is not None for o in outcomes] == [True, False, False]


@pytest.mark.parametrize(
    ("text", "seconds"), [("100ms", 0.1), ("1s", 1.0), ("1m30s", 90.0), ("250us", 250e-6)]
)
def test_batch_interval_is_read_as_a_go_duration(text: str, seconds: float) -> None:
    """The spec file carries batch_interval as written (Go's time.ParseDuration)."""
    assert parse_interval(text) == pytest.approx(seconds)


@given(st.text(max_size=12))
def test_a_malformed_interval_is_a_settings_error_never_a_crash(text: str) -> None:
    """Any string either parses to a positive number of seconds or raises BatchingError."""
    with contextlib.suppress(BatchingError):
        assert parse_interval(text) > 0


def test_unset_batching_is_none_and_a_malformed_one_is_refused() -> None:
    """No server_side_batching in the spec file: the ordinary executors, untouched."""
    assert read_batching(None) is None
    assert read_batching({"max_batch_size": 4, "batch_interval": "10ms"}) == Batching(4, 0.01)
    with pytest.raises(BatchingError):
        read_batching({"max_batch_size": "4", "batch_interval": "10ms"})


def test_gather_sends_a_full_batch_at_once_and_a_partial_one_after_the_interval() -> None:
    """Cortex's two triggers: max_batch_size requests, or batch_interval after the first."""
    source: queue.SimpleQueue[list[int] | None] = queue.SimpleQueue()
    for item in range(5):
        source.put([item])
    waiting: list[int] = []
    start = time.perf_counter()
    batch, ended = gather(source, waiting, Batching(3, 5.0))
    assert (batch, ended) == ([0, 1, 2], False)
    assert time.perf_counter() - start < 1.0  # full: no wait for the 5 s interval
    batch, ended = gather(source, waiting, Batching(3, 0.05))
    assert (batch, ended) == ([3, 4], False)
    assert time.perf_counter() - start >= 0.05
    source.put(None)
    assert gather(source, waiting, Batching(3, 0.05)) == ([], True)


def _batching_runtime(
    tmp_path: Path, launch: Launch, processes: int, size: int, interval: str = "20s"
) -> Runtime:
    """A long default interval: concurrent requests of a test fill their batch however
    slowly a busy machine sends them, so only max_batch_size can trigger it."""
    project = make_project(tmp_path, BATCHING)
    document = json.loads(project.spec_path.read_text())
    document["api"]["predictor"]["server_side_batching"] = {
        "max_batch_size": size,
        "batch_interval": interval,
    }
    project.spec_path.write_text(json.dumps(document))
    env = serving_env(
        project,
        tmp_path,
        **{
            contract.ENV_PROCESSES: str(processes),
            contract.ENV_THREADS: str(size),
            contract.ENV_MAX_CONCURRENCY: str(processes * size),
            contract.ENV_MAX_QUEUE_LENGTH: "16",
        },
    )
    runtime = launch(env)
    runtime.wait_until(200)
    return runtime


def _ask_all(runtime: Runtime, count: int) -> list[dict[str, Any]]:
    """`count` concurrent requests, each with its own payload, query and header."""
    with httpx.Client(base_url=runtime.url, timeout=STARTUP_SECONDS) as client:

        def ask(index: int) -> dict[str, Any]:
            reply = client.post(f"/?k=q{index}", json={"i": index}, headers={"x-id": f"h{index}"})
            assert reply.status_code == 200, reply.text
            answer: dict[str, Any] = reply.json()
            return answer

        with ThreadPoolExecutor(count) as pool:
            answers = list(pool.map(ask, range(count)))
    for index, answer in enumerate(answers):
        assert answer["echo"] == {"i": index}
        assert (answer["q"], answer["h"]) == (f"q{index}", f"h{index}")
    return answers


def test_concurrent_requests_share_one_predict_call_and_each_gets_its_answer(
    tmp_path: Path, launch: Launch
) -> None:
    """batching.py v0.33.0 and docs/workloads/realtime/server-side-batching.md: max_batch_size
    concurrent requests become one predict() call on lists (payload, query_params, headers),
    and each client gets the result at its own index."""
    size = 4
    runtime = _batching_runtime(tmp_path, launch, 1, size)
    answers = _ask_all(runtime, size)
    # One call with every payload: the batch was full, so it did not wait out the interval.
    assert {(a["call"], a["batch"]) for a in answers} == {(1, size)}


def test_each_worker_process_batches_the_requests_it_gets(tmp_path: Path, launch: Launch) -> None:
    """With processes_per_replica > 1 each process batches, as Cortex's batcher did per
    process: fewer predict() calls than requests, in both processes, every request answered
    by the call that held it."""
    runtime = _batching_runtime(tmp_path, launch, 2, 4, interval="1s")
    answers = _ask_all(runtime, 8)
    calls = {(a["pid"], a["call"]): a["batch"] for a in answers}
    assert sum(calls.values()) == 8
    assert len(calls) < 8
    assert len({pid for pid, _ in calls}) == 2


def test_a_lone_request_is_answered_after_the_interval(tmp_path: Path, launch: Launch) -> None:
    """A batch that does not fill goes when batch_interval has passed since its first request."""
    runtime = _batching_runtime(tmp_path, launch, 1, 4, interval="1s")
    start = time.monotonic()
    reply = httpx.post(f"{runtime.url}/", json={"i": 0}, timeout=STARTUP_SECONDS)
    assert time.monotonic() - start >= 1.0
    assert reply.json()["batch"] == 1


def test_a_failing_batch_answers_500_and_the_next_batch_is_served(
    tmp_path: Path, launch: Launch
) -> None:
    """An exception in a batched predict() is a 500 for its requests; the runtime goes on."""
    runtime = _batching_runtime(tmp_path, launch, 1, 2)
    with httpx.Client(base_url=runtime.url, timeout=STARTUP_SECONDS) as client:
        with ThreadPoolExecutor(2) as pool:
            failed = list(pool.map(lambda p: client.post("/", json=p), [{"fail": 1}, {"i": 1}]))
        assert [r.status_code for r in failed] == [500, 500]
        with ThreadPoolExecutor(2) as pool:
            served = list(pool.map(lambda p: client.post("/", json=p), [{"i": 2}, {"i": 3}]))
        assert [r.json()["echo"] for r in served] == [{"i": 2}, {"i": 3}]
