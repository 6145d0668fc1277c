"""1,000 APIs on one stack, behind one domain, planned through the real program: every API
is routed, in depth order, and the router's configuration fits its ConfigMaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cortex_aws import serving_quotas
from cortex_spec import load_spec, naming
from offline import engine
from offline.graph import PlanGraph
from tests.infra.serving_fixtures.many_apis import write_spec
from tests.infra.serving_fixtures.plans import named, of_type

pytestmark = pytest.mark.slow

COUNT = 1000
# Kubernetes refuses a ConfigMap whose data exceeds 1 MiB (core validation, MaxSecretSize,
# which ConfigMaps share).
CONFIG_MAP_LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("many"), COUNT)


@pytest.fixture(scope="module")
def plan(spec_path: Path) -> PlanGraph:
    config = engine.stack_config(spec_path)
    return engine.evaluate(config, stack="dev", region="us-west-2")


def data_bytes(plan: PlanGraph, name: str) -> int:
    data = named(plan, "core/v1:ConfigMap", name).inputs["data"]
    return sum(len(k.encode()) + len(v.encode()) for k, v in data.items())


def test_every_api_is_routed_deepest_first(plan: PlanGraph, spec_path: Path) -> None:
    """One route per API (and the 404), never a shallower endpoint before a deeper one."""
    data = named(plan, "core/v1:ConfigMap", "serving-router-routes").inputs["data"]
    routes = json.loads(data["routes.json"])["resources"][0]["virtual_hosts"][0]["routes"]
    apis = load_spec(spec_path).apis
    assert len(apis) == COUNT
    assert sorted(r["name"] for r in routes[:-1]) == sorted(f"api-{a.name}" for a in apis)
    assert routes[-1]["name"] == "not-found"
    paths = [r["match"].get("path_separated_prefix", "/") for r in routes[:-1]]
    depths = [0 if p == "/" else p.count("/") for p in paths]
    assert depths == sorted(depths, reverse=True)
    by_name = {f"api-{a.name}": naming.route_path(a.endpoint) for a in apis}
    assert all(by_name[r["name"]] == p for r, p in zip(routes[:-1], paths, strict=True))


def test_every_api_has_its_cluster(plan: PlanGraph) -> None:
    """One cluster per API plus the interceptor's, in the aliased YAML file."""
    text = named(plan, "core/v1:ConfigMap", "serving-router-clusters").inputs["data"][
        "clusters.yaml"
    ]
    clusters = yaml.safe_load(text)["resources"]
    assert len(clusters) == COUNT + 1
    assert len({c["name"] for c in clusters}) == COUNT + 1


@pytest.mark.parametrize(
    "config_map", ["serving-router-routes", "serving-router-clusters", "serving-router-bootstrap"]
)
def test_router_config_maps_fit_with_room_to_spare(plan: PlanGraph, config_map: str) -> None:
    """Each ConfigMap stays below half of Kubernetes' 1 MiB at 1,000 APIs (many with the
    longest names and endpoints the spec accepts)."""
    assert data_bytes(plan, config_map) < CONFIG_MAP_LIMIT // 2


def test_one_load_balancer_one_target_group_one_binding(plan: PlanGraph) -> None:
    """However many APIs: one ALB, one target group, one binding, no listener rules."""
    assert len(of_type(plan, "lb/loadBalancer:LoadBalancer")) == 1
    assert len(of_type(plan, "lb/targetGroup:TargetGroup")) == 1
    assert len(of_type(plan, "TargetGroupBinding")) == 1
    assert of_type(plan, "lb/listenerRule:ListenerRule") == []
    endpoints = plan.outputs["api_endpoints"]
    assert len(endpoints) == COUNT
    assert all(url.startswith("https://api.example.com/") for url in endpoints.values())


def test_plan_holds_what_preflight_counts(plan: PlanGraph, spec_path: Path) -> None:
    """The quotas modelled: the load balancer objects do not grow with the APIs, and the IAM
    roles are the platform's plus one per API (1,006 here, over IAM's default 1,000 roles
    per account, which preflight reports as a located failure with its fix)."""
    need = serving_quotas.serving_need(load_spec(spec_path))
    assert len(of_type(plan, "aws:iam/role:Role")) == need.iam_roles == COUNT + 6
    assert len(of_type(plan, "lb/listener:Listener")) <= need.listeners
