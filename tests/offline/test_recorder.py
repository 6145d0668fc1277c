"""The recorder answers exactly as Pulumi's own `MockMonitor` would (offline/recorder.py)."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi.runtime.mocks import MockMonitor

from offline import engine
from offline.mock_cloud import MockCloud
from offline.recorder import GraphRecorder, SuspendedSerializationError, synchronous
from tests.conftest import REPO

MIXED = REPO / "examples" / "mixed" / "cortex.yaml"


class ComparingRecorder(GraphRecorder):
    """Answers as GraphRecorder, and checks each answer against a MockMonitor's, computed
    on a thread of its own as the SDK runs it (its own event loop, `_sync_await`)."""

    shadow: MockMonitor
    pool: ThreadPoolExecutor
    compared: list[str]

    def _shadow(self, method: Any, request: Any) -> Any:
        # The SDK hands its monitor calls to a thread with the caller's context (the stack
        # and project names live in context variables).
        context = contextvars.copy_context()
        return self.pool.submit(context.run, method, self.shadow, request).result()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        assert not request.transforms, "the recorder assumes no transforms"
        reply = super().RegisterResource(request)
        expected = self._shadow(MockMonitor.RegisterResource, request)
        assert reply == expected, request.name
        self.compared.append(request.type)
        return reply

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        reply = super().Invoke(request)
        expected = self._shadow(MockMonitor.Invoke, request)
        assert reply == expected, request.tok
        self.compared.append(request.tok)
        return reply


def test_replies_equal_pulumis_mock_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every registration and invoke of the mixed example gets MockMonitor's reply, bit for bit."""
    compared: list[str] = []
    with ThreadPoolExecutor(max_workers=1) as pool:

        def recorder(cloud: MockCloud) -> ComparingRecorder:
            made = ComparingRecorder(cloud)
            made.shadow = MockMonitor(MockCloud(cloud.region))
            made.pool, made.compared = pool, compared
            return made

        monkeypatch.setattr(engine, "GraphRecorder", recorder)
        graph = engine.evaluate(
            engine.stack_config(MIXED, environment="prod"), stack="prod", region="us-west-2"
        )
    assert len([t for t in compared if ":index/get" in t or "/get" in t]) >= 1
    assert len(compared) >= len(graph.resources)


async def _plain() -> dict[str, int]:
    return {"a": 1}


async def _waiting() -> None:
    await asyncio.sleep(0)


def test_synchronous_runs_a_coroutine_that_never_waits() -> None:
    """Serialising plain data finishes on its first step, without an event loop."""
    assert synchronous(_plain()) == {"a": 1}


def test_synchronous_refuses_a_coroutine_that_waits() -> None:
    """A mock state that would need the event loop is an error, never a blocked plan."""
    coroutine: Coroutine[Any, Any, None] = _waiting()
    with pytest.raises(SuspendedSerializationError):
        synchronous(coroutine)
