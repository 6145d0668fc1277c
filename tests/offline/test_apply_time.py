"""The apply-time estimate follows the dependency graph and cites every figure
(offline/apply_time.py)."""

from __future__ import annotations

import pytest

from offline import apply_time, engine
from offline.graph import PlanGraph, PlannedResource
from tests.conftest import REPO

CLUSTER = "aws:eks/cluster:Cluster"
GROUP = "aws:eks/nodeGroup:NodeGroup"
RELEASE = "kubernetes:helm.sh/v3:Release"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"


def _graph(*resources: tuple[str, str, tuple[str, ...]]) -> PlanGraph:
    return PlanGraph(
        stack="dev",
        project="p",
        resources=tuple(
            PlannedResource(
                urn=f"urn:{name}",
                type=kind,
                name=name,
                parent="",
                provider="",
                dependencies=tuple(f"urn:{d}" for d in deps),
                inputs={},
            )
            for name, kind, deps in resources
        ),
        outputs={},
        warnings=(),
    )


def test_longest_chain_of_known_steps() -> None:
    """Cluster, then a node group, then a release: 15 + 5 min, the release unknown."""
    graph = _graph(
        ("cluster", CLUSTER, ()),
        ("group", GROUP, ("cluster",)),
        ("release", RELEASE, ("group",)),
        ("config", CONFIG_MAP, ("cluster",)),
    )
    found = apply_time.estimate(graph)
    assert found.seconds == 1200
    assert [s.name for s in found.critical_path] == ["cluster", "group", "release"]
    assert found.unknown_on_path == (RELEASE,)
    assert found.seconds == found.floor_seconds


def test_more_unknown_steps_make_the_longer_chain() -> None:
    """Of two chains equal in known seconds, the one with more unknown steps is critical."""
    graph = _graph(
        ("cluster", CLUSTER, ()),
        ("one", RELEASE, ("cluster",)),
        ("first", RELEASE, ("cluster",)),
        ("second", RELEASE, ("first",)),
    )
    found = apply_time.estimate(graph)
    assert [s.name for s in found.critical_path] == ["cluster", "first", "second"]
    assert "plus 2 step(s) of unknown duration" in apply_time.summary_lines(found, label="x")[0]


def test_an_update_counts_only_changed_steps() -> None:
    """Unchanged resources take no time; a node group's in-place update is a rolling one."""
    graph = _graph(("cluster", CLUSTER, ()), ("group", GROUP, ("cluster",)))
    found = apply_time.estimate(graph, {"urn:group": "update"})
    assert found.seconds == apply_time.UPDATE_TIMES[GROUP].seconds
    assert [s.name for s in found.critical_path] == ["group"]
    assert apply_time.estimate(graph, {}).seconds == 0


def test_every_figure_has_a_source_and_unknowns_say_so() -> None:
    """No number without a source; a step without a published figure is called unknown."""
    for table in (apply_time.STEP_TIMES, apply_time.UPDATE_TIMES):
        for step in table.values():
            assert step.source
            assert (step.seconds is None) == step.source.startswith("unknown")


def test_unlisted_types_are_unknown_unless_they_never_wait() -> None:
    """A type the table does not know is unknown, not zero, unless its provider never waits."""
    assert apply_time.step_time("aws:rds/instance:Instance").seconds is None
    assert apply_time.step_time(CONFIG_MAP).seconds == 0
    assert apply_time.step_time("cortex:infra:Serving").seconds == 0


@pytest.fixture(scope="module")
def mixed() -> apply_time.Estimate:
    config = engine.stack_config(REPO / "examples" / "mixed" / "cortex.yaml", environment="prod")
    return apply_time.estimate(engine.evaluate(config, stack="prod", region="us-west-2"))


def test_mixed_critical_path_runs_through_the_floor(mixed: apply_time.Estimate) -> None:
    """The mixed example's new stack waits for its control plane, then its system nodes."""
    types = [s.type for s in mixed.critical_path]
    assert types.index(CLUSTER) < types.index(GROUP)
    assert mixed.seconds >= mixed.floor_seconds
    # Known seconds within 1.05x the floor (docs/provisioning.md argues the unknown steps).
    assert mixed.ratio <= 1.05


def test_a_service_that_skips_the_await_takes_no_time() -> None:
    """A Service annotated pulumi.com/skipAwait is not awaited: no time, and no unknown."""

    def service(annotations: dict[str, str]) -> PlannedResource:
        return PlannedResource(
            urn="urn:svc",
            type="kubernetes:core/v1:Service",
            name="svc",
            parent="",
            provider="",
            dependencies=(),
            inputs={"metadata": {"name": "svc", "annotations": annotations}},
        )

    assert apply_time.resource_step_time(service({})).seconds is None
    skipped = apply_time.resource_step_time(service({"pulumi.com/skipAwait": "true"}))
    assert skipped.seconds == 0
    assert "skipAwait" in skipped.source


def test_the_interceptor_service_of_the_mixed_example_is_not_awaited() -> None:
    """The plan's scale-to-zero Service (api-embedder) is the skipAwait kind: no wait."""
    config = engine.stack_config(REPO / "examples" / "mixed" / "cortex.yaml", environment="prod")
    graph = engine.evaluate(config, stack="prod", region="us-west-2")
    service = next(r for r in graph.resources if r.name == "serving-embedder-service")
    assert apply_time.resource_step_time(service).seconds == 0
