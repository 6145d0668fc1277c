"""A TrafficSplitter in the plan: one router route with weighted clusters, a mirrored
shadow and its endpoint stripped; a scaled-to-zero target through the interceptor by Host;
no pods, Service or IAM of its own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import kinds_plan, named, of_type

pytestmark = pytest.mark.slow

B_HOST = "api-ranker-b.cortex.svc.cluster.local"


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return kinds_plan()


def routes(plan: PlanGraph) -> dict[str, dict[str, Any]]:
    data = named(plan, "core/v1:ConfigMap", "serving-router-routes").inputs["data"]
    table = json.loads(data["routes.json"])["resources"][0]["virtual_hosts"][0]["routes"]
    return {route["name"]: route for route in table}


def test_splitter_is_one_weighted_route_with_a_mirror(plan: PlanGraph) -> None:
    """Weights become weighted_clusters, the shadow a request_mirror_policies entry of its
    weight percent; the endpoint is rewritten to `/`, where the APIs answer."""
    route = routes(plan)["api-ranker"]
    assert route["match"] == {"path_separated_prefix": "/rank"}
    action = route["route"]
    assert action["weighted_clusters"] == {
        "clusters": [
            {"name": "api-ranker-a", "weight": 80},
            {"host_rewrite_literal": B_HOST, "name": "keda-interceptor", "weight": 20},
        ]
    }
    assert action["request_mirror_policies"] == [
        {
            "cluster": "api-ranker-next",
            "runtime_fraction": {"default_value": {"denominator": "HUNDRED", "numerator": 25}},
        }
    ]
    assert action["regex_rewrite"] == {"pattern": {"regex": "^/rank/?"}, "substitution": "/"}


def test_splitter_waits_for_a_target_at_zero(plan: PlanGraph) -> None:
    """A target that may be at zero gives the split route the cold-start wait."""
    assert routes(plan)["api-ranker"]["route"]["timeout"] == "1200s"


def test_target_at_zero_is_routed_by_host_in_the_interceptor(plan: PlanGraph) -> None:
    """The scaled-to-zero target's InterceptorRoute also matches the Host the router sets
    on split requests, whatever their path."""
    [route] = [r for r in of_type(plan, "InterceptorRoute") if "ranker-b" in r.name]
    assert route.inputs["spec"]["rules"] == [
        {"hosts": ["*"], "paths": [{"value": "/ranker-b"}]},
        {"hosts": [B_HOST]},
    ]


def test_splitter_runs_nothing_of_its_own(plan: PlanGraph) -> None:
    """No component, Kubernetes object or role is named after the splitter."""
    targets = ("serving-ranker-a", "serving-ranker-b", "serving-ranker-next")
    own = [
        r.name
        for r in plan.resources
        if r.name.startswith("serving-ranker") and not r.name.startswith(targets)
    ]
    assert own == []
    names = {str(r.inputs.get("metadata", {}).get("name", "")) for r in plan.resources}
    assert "api-ranker" not in names


def test_splitter_endpoint_is_exported(plan: PlanGraph) -> None:
    """`api_endpoints` lists the splitter beside the APIs it splits to."""
    endpoints = plan.outputs["api_endpoints"]
    assert set(endpoints) == {"ranker", "ranker-a", "ranker-b", "ranker-next"}
    assert str(endpoints["ranker"]).endswith("/rank")


def test_routes_wait_for_the_split_targets(plan: PlanGraph) -> None:
    """The route table changes only once every split target's Deployment is ready and the
    InterceptorRoute of a target at zero exists: a split never sends its share of live
    traffic to pods that do not run yet (a target added with its splitter)."""
    routes_map = named(plan, "core/v1:ConfigMap", "serving-router-routes")
    for api in ("ranker-a", "ranker-b", "ranker-next"):
        assert named(plan, "apps/v1:Deployment", f"serving-{api}-deployment").urn in (
            routes_map.dependencies
        )
    interceptor = named(plan, "InterceptorRoute", "serving-ranker-b-autoscaler-route")
    assert interceptor.urn in routes_map.dependencies
