"""A mock monitor that records every registration with its parent, dependencies and options.

Pulumi's `MockResourceArgs` carries no parent or dependencies (pulumi/pulumi#14421), but
the raw `RegisterResourceRequest` does; we read it before delegating to the mocks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, Mocks

from offline.graph import configured_inputs

STACK_TYPE = "pulumi:pulumi:Stack"


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


class GraphRecorder(MockMonitor):
    """Records registrations; the stack's own registration is kept apart."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.registrations: dict[str, Registration] = {}
        self.stack_urn = ""

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        reply = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == STACK_TYPE:
            self.stack_urn = reply.urn
            return reply
        provider = request.provider.split("::")
        self.registrations[reply.urn] = Registration(
            urn=reply.urn,
            type=request.type,
            name=request.name,
            custom=request.custom,
            parent=request.parent,
            provider="::".join(provider[:-1]) if len(provider) > 1 else request.provider,
            dependencies=sorted(set(request.dependencies)),
            property_dependencies={
                key: sorted(set(value.urns)) for key, value in request.propertyDependencies.items()
            },
            inputs=configured_inputs(
                request.type, rpc.deserialize_properties(request.object, keep_unknowns=True)
            ),
            options=_options(request),
        )
        return reply


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
