"""A mock monitor that records every registration with its parent, dependencies and options.

Pulumi's `MockResourceArgs` carries no parent or dependencies (pulumi/pulumi#14421), but
the raw `RegisterResourceRequest` does; we read it and answer it ourselves.

`GraphRecorder` answers registrations and invokes exactly as Pulumi's `MockMonitor` does
(`pulumi/runtime/mocks.py`: the same URN, the same `Mocks` calls, the same registry of
resources), with two differences that only save work: the inputs are deserialised once
and shared between the record and the mocks, and the reply is serialised without pumping
the event loop (`synchronous`), so a registration can run on the loop's own thread
(`offline/evaluation.py` runs the SDK's executor calls inline). `tests/offline/
test_recorder.py` pins both against `MockMonitor` itself.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.proto import provider_pb2, resource_pb2

from offline.graph import configured_inputs
from offline.plain import plain_properties, plain_struct

STACK_TYPE = "pulumi:pulumi:Stack"
# The Struct value Pulumi sends for an unknown (`rpc.UNKNOWN`), as bytes in the request.
_UNKNOWN_MARK = rpc.UNKNOWN.encode()
# The signature of a secret, as bytes in the request.
_SECRET_MARK = rpc._special_secret_sig.encode()
T = TypeVar("T")


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)


class SuspendedSerializationError(RuntimeError):
    """A mock returned a value that serialisation had to wait for (an Output, a future)."""


def synchronous(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits (the serialisation of plain data) to its end.

    `rpc.serialize_properties` is a coroutine because inputs may hold Outputs; a mock's
    state holds plain values only, so it finishes on its first step. If it ever waits,
    the mock returned something it must not: that is an error, not a reason to block."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        result: T = finished.value
        return result
    coroutine.close()
    raise SuspendedSerializationError("a mock's state held a value that is not plain data")


def _options(request: Any) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if request.ignoreChanges:
        options["ignoreChanges"] = sorted(request.ignoreChanges)
    if request.replaceOnChanges:
        options["replaceOnChanges"] = sorted(request.replaceOnChanges)
    if request.deleteBeforeReplace:
        options["deleteBeforeReplace"] = True
    if request.protect:
        options["protect"] = True
    if request.retainOnDelete:
        options["retainOnDelete"] = True
    if request.additionalSecretOutputs:
        options["additionalSecretOutputs"] = sorted(request.additionalSecretOutputs)
    if request.customTimeouts and (
        request.customTimeouts.create
        or request.customTimeouts.update
        or request.customTimeouts.delete
    ):
        options["customTimeouts"] = {
            k: v
            for k, v in (
                ("create", request.customTimeouts.create),
                ("update", request.customTimeouts.update),
                ("delete", request.customTimeouts.delete),
            )
            if v
        }
    return options


def _inputs(request: Any) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """(what the record keeps, what the mocks receive, whether an echo may be left out of
    the reply: no secret and no unknown in the inputs). Outside a preview an unknown reaches
    the mocks as None and the record as `Unknown`; a request without one (every request of
    a plan, in practice) is deserialised once for both."""
    fast = plain_properties(request.object)
    if fast is not None:
        return fast, fast, True
    data = request.object.SerializeToString()
    recorded = rpc.deserialize_properties(request.object, keep_unknowns=True)
    if _UNKNOWN_MARK not in data:
        return recorded, recorded, _SECRET_MARK not in data
    return recorded, rpc.deserialize_properties(request.object), False


def computed_state(state: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """What a reply must carry outside a preview, for inputs without a secret or unknown:
    the values the mocks computed or changed. A key the mocks echoed (the very object they
    received) is left out; the SDK resolves it from the request's own inputs, to the same
    value. (Inputs holding a secret stay echoed: the SDK would resolve the same Output, but
    MockMonitor's reply, which the tests compare bit for bit, lifts the secret to the top.)"""
    if settings.is_dry_run():
        return state
    return {k: v for k, v in state.items() if k not in inputs or inputs[k] is not v}


def serialized(state: dict[str, Any]) -> Any:
    """The state as `rpc.serialize_properties(state, {})` would send it."""
    fast = plain_struct(state)
    if fast is not None:
        return fast
    return synchronous(rpc.serialize_properties(state, {}))


class GraphRecorder(MockMonitor):
    """Records registrations; the stack's own registration is kept apart."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.registrations: dict[str, Registration] = {}
        self.stack_urn = ""

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        recorded, inputs, echo_free = _inputs(request)
        resource_id, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
                # The program registers no transforms (the mock engine would not run them).
                transforms=[],
            )
        )
        state_proto = serialized(computed_state(state, inputs) if echo_free else state)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, state)  # type: ignore[arg-type]
        provider = request.provider.split("::")
        self.registrations[urn] = Registration(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=request.custom,
            parent=request.parent,
            provider="::".join(provider[:-1]) if len(provider) > 1 else request.provider,
            dependencies=sorted(set(request.dependencies)),
            property_dependencies={
                key: sorted(set(value.urns)) for key, value in request.propertyDependencies.items()
            },
            inputs=configured_inputs(request.type, recorded),
            options=_options(request),
        )
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=resource_id or "", object=state_proto
        )

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        if request.tok == "pulumi:pulumi:getResource":
            return super().Invoke(request)  # type: ignore[no-untyped-call]
        answer = self.mocks.call(
            MockCallArgs(
                token=request.tok,
                args=rpc.deserialize_properties(request.args),
                provider=request.provider,
            )
        )
        values, failures = (answer, None) if isinstance(answer, dict) else answer
        checks = (
            None
            if failures is None
            else [provider_pb2.CheckFailure(property=p, reason=r) for p, r in failures]
        )
        reply = synchronous(rpc.serialize_properties(values, {}))
        return resource_pb2.ResourceInvokeResponse(failures=checks, **{"return": reply})


class WarningLog(logging.Handler):
    """Collects what the program logs at warning level and above (pulumi.log.warn/error)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def warning_logger() -> tuple[logging.Logger, WarningLog]:
    logger = logging.getLogger("cortex_offline")
    logger.propagate = False
    logger.handlers.clear()
    handler = WarningLog()
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    return logger, handler
