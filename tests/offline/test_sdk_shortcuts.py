"""The evaluation's shortcuts through the SDK give the SDK's own answers, and the SDK still
calls them where they are installed (offline/sdk_shortcuts.py)."""

from __future__ import annotations

import asyncio
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import pulumi
import pulumi_kubernetes as k8s
import pytest
from pulumi import _types
from pulumi import resource as resource_module
from pulumi.runtime import resource as resource_runtime

from offline import engine, sdk_shortcuts
from tests.conftest import REPO
from tests.mock_programs import in_mock_engine

T = TypeVar("T")
CPU = REPO / "examples" / "cpu" / "cortex.yaml"
Facts = tuple[Any, bool, bool, list[str]]


async def facts(output: pulumi.Output[Any]) -> Facts:
    """What a consumer of the Output can observe."""
    resources = await output.resources()
    return (
        await output.future(with_unknowns=True),
        await output.is_known(),
        await output.is_secret(),
        sorted(resource._name for resource in resources),
    )


def both(make: Callable[[Callable[..., pulumi.Output[str]]], pulumi.Output[str]]) -> None:
    """`make` with the SDK's function and with the shortcut observe the same."""

    async def body() -> tuple[Facts, Facts]:
        return await facts(make(sdk_shortcuts.SDK_CREATE_URN)), await facts(
            make(sdk_shortcuts.create_urn)
        )

    sdk, shortcut = in_mock_engine(body)
    assert shortcut == sdk


def parent() -> pulumi.ComponentResource:
    return pulumi.ComponentResource("test:index:Parent", "parent")


URN_CASES: dict[str, Callable[[Callable[..., pulumi.Output[str]]], pulumi.Output[str]]] = {
    "no parent": lambda f: f("thing", "test:index:Thing"),
    "project and stack given": lambda f: f("thing", "test:index:Thing", None, "other", "prod"),
    "empty project and stack": lambda f: f("thing", "test:index:Thing", None, "", ""),
    "parent URN string": lambda f: f(
        "thing", "test:index:Thing", "urn:pulumi:dev::proj::test:index:Parent::parent"
    ),
    "empty parent URN string": lambda f: f("thing", "test:index:Thing", ""),
    "parent resource": lambda f: f("thing", "test:index:Thing", parent()),
    "parent URN Output": lambda f: f("thing", "test:index:Thing", parent().urn),
    "secret parent URN Output": lambda f: f(
        "thing", "test:index:Thing", pulumi.Output.secret("urn:pulumi:dev::proj::a:b:C::p")
    ),
    "name Output": lambda f: f(pulumi.Output.from_input("thing"), "test:index:Thing"),
    "type Output": lambda f: f("thing", pulumi.Output.from_input("test:index:Thing"), parent()),
}


@pytest.mark.parametrize("case", sorted(URN_CASES))
def test_create_urn_matches_the_sdk(case: str) -> None:
    """Every shape of `create_urn` arguments gives the SDK's URN, resources and flags."""
    both(URN_CASES[case])


def test_unknown_parent_urn_stays_unknown_in_a_preview() -> None:
    """A parent URN unknown in a preview gives an unknown URN, as the SDK's does."""

    async def body() -> tuple[Facts, Facts]:
        holder = parent()
        # The SDK keeps a resource's URN Output in its `__dict__` (`Resource.urn`).
        holder.__dict__["urn"] = pulumi.Output(set(), _future(None), _future(False))
        return (
            await facts(sdk_shortcuts.SDK_CREATE_URN("thing", "test:index:Thing", holder)),
            await facts(sdk_shortcuts.create_urn("thing", "test:index:Thing", holder)),
        )

    sdk, shortcut = in_mock_engine(body, preview=True)
    assert shortcut == sdk
    assert shortcut[1] is False


def _future(value: T) -> asyncio.Future[T]:
    future: asyncio.Future[T] = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future


ALIAS_CASES: dict[str, Callable[[], Any]] = {
    "URN string": lambda: "urn:pulumi:dev::proj::test:index:Old::old",
    "type only": lambda: pulumi.Alias(type_="test:index:Old"),
    "name only": lambda: pulumi.Alias(name="old"),
    "no parent": lambda: pulumi.Alias(parent=None),
    "other parent": lambda: pulumi.Alias(parent=parent()),
    "parent URN string": lambda: pulumi.Alias(
        parent="urn:pulumi:dev::proj::test:index:Parent::parent"
    ),
    "project and stack": lambda: pulumi.Alias(project="other", stack="prod"),
    "None project and stack": lambda: pulumi.Alias(project=None, stack=None),
    "name Output": lambda: pulumi.Alias(name=pulumi.Output.from_input("old")),  # type: ignore[arg-type]
    "stack Output": lambda: pulumi.Alias(stack=pulumi.Output.from_input("prod")),
    "Output of an alias": lambda: pulumi.Output.from_input("urn:pulumi:dev::proj::a:b:C::c"),
}


@pytest.mark.parametrize("case", sorted(ALIAS_CASES))
@pytest.mark.parametrize("with_parent", [False, True])
def test_collapse_alias_matches_the_sdk(case: str, with_parent: bool) -> None:
    """Every shape of alias collapses to the SDK's URN, resources and flags."""

    async def body() -> tuple[Facts, Facts]:
        default_parent = parent() if with_parent else None
        results = []
        for collapse in (sdk_shortcuts.SDK_COLLAPSE_ALIAS, sdk_shortcuts.collapse_alias_to_urn):
            output = collapse(ALIAS_CASES[case](), "thing", "test:index:Thing", default_parent)
            results.append(await facts(output))
        return results[0], results[1]

    sdk, shortcut = in_mock_engine(body)
    assert shortcut == sdk


# Plain types, and every declared input type of the classes a plan's largest inputs go
# through (a Deployment's spec, its pod's containers, object metadata).
TYPES: list[Any] = [
    str,
    dict,
    str | None,
    int | str,
    int | None,
    list[int],
    typing.Union[int, str],  # noqa: UP007 - the SDK sees typing.Union and `|` apart
    *(
        typ
        for args in (
            k8s.apps.v1.DeploymentSpecArgs,
            k8s.core.v1.ContainerArgs,
            k8s.meta.v1.ObjectMetaArgs,
        )
        for _, typ in sorted(_types.input_type_types(args).items())
    ),
]


@pytest.mark.parametrize("typ", TYPES, ids=repr)
def test_type_unwrapper_matches_the_sdk(typ: Any) -> None:
    """The remembered answer is the SDK's, on the first call and on later ones."""
    unwrap = sdk_shortcuts.TypeUnwrapper()
    expected = sdk_shortcuts.SDK_UNWRAP_TYPE(typ)
    assert unwrap(typ) == expected
    assert unwrap(typ) == expected


def test_type_unwrapper_keys_on_the_type_object() -> None:
    """Equal but differently ordered unions are answered apart (the SDK reads the order)."""
    unwrap = sdk_shortcuts.TypeUnwrapper()
    member = k8s.meta.v1.ObjectMetaArgs
    # The order of the members is the point: equal unions, different answers.
    first: Any = typing.Union[member, dict]  # noqa: UP007
    second: Any = typing.Union[dict, member]  # noqa: UP007
    assert first == second
    assert sdk_shortcuts.SDK_UNWRAP_TYPE(first) != sdk_shortcuts.SDK_UNWRAP_TYPE(second)
    assert unwrap(first) == sdk_shortcuts.SDK_UNWRAP_TYPE(first)
    assert unwrap(second) == sdk_shortcuts.SDK_UNWRAP_TYPE(second)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Calls of each shortcut during an evaluation of the CPU example."""
    counts = {"create_urn": 0, "collapse_alias_to_urn": 0, "unwrap_type": 0}

    def counting(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            counts[name] += 1
            return function(*args)

        return wrapper

    for name in ("create_urn", "collapse_alias_to_urn"):
        monkeypatch.setattr(sdk_shortcuts, name, counting(name, getattr(sdk_shortcuts, name)))
    unwrapper = sdk_shortcuts.TypeUnwrapper
    monkeypatch.setattr(
        sdk_shortcuts, "TypeUnwrapper", lambda: counting("unwrap_type", unwrapper())
    )
    return counts


def test_sdk_calls_each_shortcut(counted: dict[str, int]) -> None:
    """The SDK calls the swapped functions by their module names: a URN per registration,
    a collapse per alias (a PodDisruptionBudget has one), an unwrap per typed input value.
    If it stops, this fails and the shortcut is dead code."""
    graph = engine.evaluate(engine.stack_config(CPU), stack="dev", region="us-west-2")
    budgets = [r for r in graph.resources if r.type == "kubernetes:policy/v1:PodDisruptionBudget"]
    assert counted["create_urn"] >= len(graph.resources)
    assert counted["collapse_alias_to_urn"] >= len(budgets) > 0
    assert counted["unwrap_type"] > len(graph.resources)


def test_sdk_functions_are_put_back() -> None:
    """After an evaluation, and after a failed block, the SDK's own functions are in place."""
    engine.evaluate(engine.stack_config(CPU), stack="dev", region="us-west-2")
    originals = (
        (resource_runtime.create_urn, sdk_shortcuts.SDK_CREATE_URN),
        (resource_runtime.collapse_alias_to_urn, sdk_shortcuts.SDK_COLLAPSE_ALIAS),
        (getattr(resource_module, "collapse_alias_to_urn"), sdk_shortcuts.SDK_COLLAPSE_ALIAS),  # noqa: B009 - not re-exported
        (_types.unwrap_type, sdk_shortcuts.SDK_UNWRAP_TYPE),
    )
    assert all(current is original for current, original in originals)
    installed = []

    def fail() -> None:
        with sdk_shortcuts.sdk_shortcuts():
            installed.append(resource_runtime.create_urn is sdk_shortcuts.create_urn)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail()
    assert installed == [True]
    assert resource_runtime.create_urn is sdk_shortcuts.SDK_CREATE_URN
