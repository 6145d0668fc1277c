"""The recorder answers as Pulumi's own `MockMonitor` would (offline/recorder.py): the same
reply, less the echoed inputs, which the SDK resolves from the request to the same values."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2

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
        assert with_echo(reply, request.object) == expected, request.name
        self.compared.append(request.type)
        return reply

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        reply = super().Invoke(request)
        expected = self._shadow(MockMonitor.Invoke, request)
        assert reply == expected, request.tok
        self.compared.append(request.tok)
        return reply


def with_echo(reply: Any, inputs: struct_pb2.Struct) -> Any:
    """The reply with every input it leaves out added back, as the SDK reads it outside a
    preview (what MockMonitor sends: the mocks' state, which echoes the inputs)."""
    full = resource_pb2.RegisterResourceResponse()
    full.CopyFrom(reply)
    for key in inputs:
        if key not in full.object.fields:
            full.object.fields[key].CopyFrom(inputs.fields[key])
    return full


def test_replies_equal_pulumis_mock_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every registration of the mixed example gets MockMonitor's reply bit for bit once the
    inputs it leaves out are added back (and only inputs are left out); every invoke, as is."""
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


class _Echo(pulumi.CustomResource):
    value: pulumi.Output[str]
    nested: pulumi.Output[dict[str, Any]]
    computed: pulumi.Output[str]

    def __init__(self, name: str) -> None:
        super().__init__(
            "test:index:Echo",
            name,
            {"value": "v", "nested": {"a": [1, None, "x"]}, "computed": None},
        )


def test_sdk_resolves_left_out_outputs_from_the_inputs() -> None:
    """Outside a preview the SDK resolves an output the reply lacks to the resource's input
    (`resolve_outputs`): what lets the recorder leave the echoed inputs out of its reply."""
    cloud = MockCloud("us-west-2")
    recorder = GraphRecorder(cloud)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    seen: dict[str, Any] = {}
    try:
        pulumi.runtime.set_mocks(cloud, project="p", stack="s", preview=False, monitor=recorder)

        def program() -> pulumi.Output[None]:
            echo = _Echo("echo")
            names = ("value", "nested", "computed")
            return pulumi.Output.all(echo.value, echo.nested, echo.computed).apply(
                lambda values: seen.update(zip(names, values, strict=True))
            )

        pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    urn = next(iter(recorder.registrations))
    assert recorder.resources[urn].state["value"] == "v"
    assert seen == {"value": "v", "nested": {"a": [1, None, "x"]}, "computed": None}
