"""A small Pulumi program run under the SDK's mock engine, inside a test: for tests that pin
SDK behaviour the evaluation relies on (tests/offline/test_sdk_shortcuts.py) and that compare
two ways of declaring a resource request for request (tests/infra/test_manifests.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import settings
from pulumi.runtime.mocks import MockMonitor

T = TypeVar("T")


class Echo(pulumi.runtime.Mocks):
    """Every resource's state is its inputs; every invoke answers nothing."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class RequestLog(MockMonitor):
    """MockMonitor, keeping every registration request it answers."""

    def __init__(self) -> None:
        super().__init__(Echo())
        self.requests: list[Any] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        self.requests.append(request)
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]


def in_mock_engine(
    body: Callable[[], Awaitable[T]],
    *,
    preview: bool = False,
    monitor: MockMonitor | None = None,
) -> T:
    """`body`'s result, awaited inside a mock Pulumi program of stack `dev`, project `proj`."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    result: list[T] = []

    async def run() -> bool:
        result.append(await body())
        return True

    try:
        settings.reset_options(project="proj", stack="dev")
        pulumi.runtime.set_mocks(
            Echo(), project="proj", stack="dev", preview=preview, monitor=monitor
        )
        pulumi.runtime.test(lambda: pulumi.Output.from_input(run()))()  # type: ignore[no-untyped-call,arg-type]
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return result[0]
