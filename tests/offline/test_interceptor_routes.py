"""What the router sends through the KEDA interceptor, read from a plan, against what the
interceptor knows (offline/interceptor_routes.py)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.serving import metrics_stack, router_bootstrap, router_workload, routing
from offline import interceptor_routes as ir
from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import kinds_plan

SPLIT_HOST = "api-ranker-b.cortex.svc.cluster.local"
Objects = list[tuple[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return kinds_plan()


def objects(plan: PlanGraph) -> Objects:
    return [(r.type, r.inputs) for r in plan.resources]


def routes_of(found: Objects) -> dict[str, Any]:
    [routes] = [inputs for type_token, inputs in found if ir.is_routes(type_token, inputs)]
    return routes


def test_names_are_the_programs() -> None:
    """The offline reader looks for the ConfigMap, file, cluster and chart the program writes."""
    assert ir.ROUTES_CONFIG_MAP == router_workload.ROUTES_CONFIG_MAP
    assert ir.ROUTES_FILE == router_bootstrap.ROUTES_FILE
    assert ir.INTERCEPTOR_CLUSTER == routing.INTERCEPTOR_UPSTREAM
    assert ir.HTTP_ADD_ON_CHART == metrics_stack.HTTP_ADD_ON_RELEASE


@pytest.mark.slow
def test_plain_and_split_routes_through_the_interceptor_are_read(plan: PlanGraph) -> None:
    """A scale-to-zero API's own path (any Host) and a split's Host (path `/`) are needs."""
    assert ir.needs(routes_of(objects(plan))) == {
        ir.Need(None, "/ranker-b"),
        ir.Need(SPLIT_HOST, "/"),
    }


@pytest.mark.slow
def test_the_programs_interceptor_routes_serve_every_need(plan: PlanGraph) -> None:
    """The program's InterceptorRoute, Service and add-on leave nothing unmet."""
    found = objects(plan)
    assert ir.unmet(routes_of(found), found) == []


def _named(name: str) -> Any:
    return lambda t, i: (i.get("metadata") or {}).get("name") == name


@pytest.mark.slow
@pytest.mark.parametrize(
    ("type_token", "drop", "expected"),
    [
        (ir.INTERCEPTOR_ROUTE, _named("api-ranker-b"), "no InterceptorRoute matches it"),
        (ir.SERVICE, _named("api-ranker-b"), "the InterceptorRoute's Service api-ranker-b is gone"),
        (
            ir.RELEASE,
            lambda t, i: i.get("chart") == ir.HTTP_ADD_ON_CHART,
            "the HTTP add-on that runs the interceptor is not installed",
        ),
    ],
)
def test_a_missing_piece_is_named(
    plan: PlanGraph, type_token: str, drop: Any, expected: str
) -> None:
    """Without the InterceptorRoute, its target Service or the add-on, the routes are unmet."""
    found = objects(plan)
    left = [(t, i) for t, i in found if not (t == type_token and drop(t, i))]
    assert len(left) == len(found) - 1
    problems = ir.unmet(routes_of(found), left)
    assert any(expected in p for p in problems), problems


def test_only_a_catch_all_host_matches_the_clients_host() -> None:
    """A rule for one Host does not serve a route that keeps the client's Host."""
    split_only = {"spec": {"rules": [{"hosts": [SPLIT_HOST]}]}}
    assert not ir.matches(ir.Need(None, "/ranker-b"), split_only)
    assert ir.matches(ir.Need(SPLIT_HOST, "/"), split_only)


def test_a_path_prefix_matches_whole_segments() -> None:
    """`/ranker-b` serves `/ranker-b` and below, never `/ranker-bb`."""
    rule = {"spec": {"rules": [{"hosts": ["*"], "paths": [{"value": "/ranker-b"}]}]}}
    assert ir.matches(ir.Need(None, "/ranker-b"), rule)
    assert ir.matches(ir.Need(None, "/ranker-b/v1"), rule)
    assert not ir.matches(ir.Need(None, "/ranker-bb"), rule)


def test_a_rule_needing_a_header_serves_nothing_of_the_router() -> None:
    """The router sets no header, so a rule that requires one never matches its requests."""
    rule = {"spec": {"rules": [{"hosts": ["*"], "headers": [{"name": "x", "value": "1"}]}]}}
    assert not ir.matches(ir.Need(None, "/ranker-b"), rule)
