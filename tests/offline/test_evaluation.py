"""One evaluation's speed measures stay inside it and rely on pinned SDK behaviour
(offline/evaluation.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from pulumi.runtime import resource as resource_runtime

from offline import engine, evaluation, recorder
from tests.conftest import REPO

CPU = REPO / "examples" / "cpu" / "cortex.yaml"


def _plan() -> int:
    graph = engine.evaluate(engine.stack_config(CPU), stack="dev", region="us-west-2")
    return len(graph.resources)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_collector_is_paused_during_and_restored_after() -> None:
    """The collector is off while the program runs and on again afterwards."""
    seen: list[bool] = []
    original = recorder.GraphRecorder.RegisterResource

    def spy(self: recorder.GraphRecorder, request: object) -> object:
        seen.append(gc.isenabled())
        return original(self, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recorder.GraphRecorder, "RegisterResource", spy)
        _plan()
    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    """An evaluation never turns on a collector its caller had turned off."""
    was = gc.isenabled()
    gc.disable()
    try:
        _plan()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_sdk_asks_for_a_stack_trace_per_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK calls `pulumi.runtime.resource._get_stack_trace` once per registration (the
    hook the evaluation replaces); if it stops, this fails and the measure is dead code."""
    calls: list[int] = []
    empty = evaluation.empty_stack_trace

    def counting() -> object:
        calls.append(1)
        return empty()

    monkeypatch.setattr(evaluation, "empty_stack_trace", counting)
    count = _plan()
    # Registrations of the stack and every resource, plus none for invokes' reads.
    assert len(calls) >= count


def test_stack_trace_function_is_put_back() -> None:
    """After an evaluation, even a failed one, the SDK's own function is in place."""
    original = resource_runtime._get_stack_trace
    _plan()
    assert resource_runtime._get_stack_trace is original
    with pytest.raises(RuntimeError), evaluation.without_stack_traces():
        raise RuntimeError
    assert resource_runtime._get_stack_trace is original


def test_monitor_calls_run_on_the_loop_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations reach the recorder on the evaluating thread: no thread pool."""
    threads: set[int] = set()
    original = recorder.GraphRecorder.RegisterResource

    def spy(self: recorder.GraphRecorder, request: object) -> object:
        threads.add(threading.get_ident())
        return original(self, request)

    monkeypatch.setattr(recorder.GraphRecorder, "RegisterResource", spy)
    _plan()
    assert threads == {threading.get_ident()}


def test_inline_executor_runs_now_and_hands_errors_over() -> None:
    """A submitted call has finished when `submit` returns; its exception is the future's."""
    executor = evaluation.InlineExecutor()
    assert executor.submit(threading.get_ident).result() == threading.get_ident()
    failed = executor.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failed.result()
