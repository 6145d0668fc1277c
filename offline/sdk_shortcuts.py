"""Shortcuts through the SDK for one evaluation: URNs joined at once, type unwrapping remembered.

Under the mock engine a third of a plan's Outputs were URN arithmetic whose result nobody
read, and a tenth of its function calls were the same type introspection repeated:

- Every registration computes a URN from Outputs (`create_urn` in `pulumi/runtime/
  resource.py`: four Outputs and as many tasks to join three strings) that the SDK reads
  only when there is no monitor (`mock_urn`); the recorder is one.
- `Resource.__init__` collapses each alias option to a URN the same way, at once
  (`collapse_alias_to_urn`); pulumi_kubernetes' typed classes alias their old API groups
  (a PodDisruptionBudget has one, a typed Deployment three).
- `serialize_property` unwraps the declared type of every nested input value
  (`pulumi._types.unwrap_type`, a pure function of the type object), once per value.

`create_urn` and `collapse_alias_to_urn` below return the same URN, with the same resources
and the same known and secret flags, as the SDK's; they hand anything whose parts are not
plain strings (an Output name, an Output parent) to the SDK's own function. `unwrap_type`
remembers its answer per type object (by identity: `Union` equality ignores the order of
its members, and the SDK's answer does not). `tests/offline/test_sdk_shortcuts.py` compares
each with the SDK's over every shape of argument, and fails if the SDK stops calling them
by these module names (the measure would then be dead code).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
from pulumi import _types
from pulumi import resource as resource_module
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime import settings

SDK_CREATE_URN: Callable[..., pulumi.Output[str]] = resource_runtime.create_urn
SDK_COLLAPSE_ALIAS: Callable[..., pulumi.Output[str]] = resource_runtime.collapse_alias_to_urn
SDK_UNWRAP_TYPE: Callable[[Any], Any] = _types.unwrap_type


def _child_urn(parent_urn: str, type_: str, name: str) -> str:
    # The SDK's own arithmetic: the parent's type chain, then this type and name.
    return parent_urn[0 : parent_urn.rfind("::")] + "$" + type_ + "::" + name


def create_urn(
    name: Any,
    type_: Any,
    parent: Any = None,
    project: Any = None,
    stack: Any = None,
) -> pulumi.Output[str]:
    """`pulumi.runtime.resource.create_urn`, without Outputs when the parts are strings."""
    if not (isinstance(name, str) and isinstance(type_, str)):
        return SDK_CREATE_URN(name, type_, parent, project, stack)
    if parent is None:
        stack = settings.get_stack() if stack is None else stack
        project = settings.get_project() if project is None else project
        if not (isinstance(stack, str) and isinstance(project, str)):
            return SDK_CREATE_URN(name, type_, parent, project, stack)
        return pulumi.Output.from_input(
            "urn:pulumi:" + stack + "::" + project + "::" + type_ + "::" + name
        )
    if isinstance(parent, str):
        return pulumi.Output.from_input(_child_urn(parent, type_, name))
    if isinstance(parent, pulumi.Resource):
        # One apply on the parent's URN: its resources, known and secret flags, as the SDK's
        # prefix-then-join of two.
        return parent.urn.apply(lambda urn: _child_urn(urn, type_, name))
    return SDK_CREATE_URN(name, type_, parent, project, stack)


def _or_default(value: Any, default: Any) -> Any:
    return default if value is ... else value


def collapse_alias_to_urn(
    alias: Any, default_name: str, default_type: str, default_parent: Any
) -> pulumi.Output[str]:
    """`collapse_alias_to_urn`, straight to `create_urn` when the alias is plain."""
    if isinstance(alias, str):
        return pulumi.Output.from_input(alias)
    if isinstance(alias, pulumi.Alias):
        name = _or_default(alias.name, default_name)
        type_ = _or_default(alias.type_, default_type)
        # Typed `Input[str] | None`; the SDK's default is `...` all the same.
        project: Any = alias.project
        if project is ... or project is None:
            project = settings.get_project()
        stack: Any = alias.stack
        if stack is ... or stack is None:
            stack = settings.get_stack()
        if all(isinstance(part, str) for part in (name, type_, project, stack)):
            parent = _or_default(alias.parent, default_parent)
            return create_urn(name, type_, parent, project, stack)
    return SDK_COLLAPSE_ALIAS(alias, default_name, default_type, default_parent)


class TypeUnwrapper:
    """`pulumi._types.unwrap_type`, remembered per type object for one evaluation."""

    def __init__(self) -> None:
        # id → (the type, kept alive so its id is not reused; its unwrapped type).
        self._known: dict[int, tuple[Any, Any]] = {}

    def __call__(self, typ: Any) -> Any:
        known = self._known.get(id(typ))
        if known is not None and known[0] is typ:
            return known[1]
        unwrapped = SDK_UNWRAP_TYPE(typ)
        self._known[id(typ)] = (typ, unwrapped)
        return unwrapped


@contextlib.contextmanager
def sdk_shortcuts() -> Iterator[None]:
    """The functions above in the SDK's modules for the block; the SDK's put back after."""
    swaps = (
        (resource_runtime, "create_urn", create_urn),
        (resource_runtime, "collapse_alias_to_urn", collapse_alias_to_urn),
        (resource_module, "collapse_alias_to_urn", collapse_alias_to_urn),
        (_types, "unwrap_type", TypeUnwrapper()),
    )
    originals = [(module, attribute, getattr(module, attribute)) for module, attribute, _ in swaps]
    try:
        for module, attribute, replacement in swaps:
            setattr(module, attribute, replacement)
        yield
    finally:
        for module, attribute, original in originals:
            setattr(module, attribute, original)
