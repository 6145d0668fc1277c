"""NetworkPolicies: every namespace the stack owns denies by default and opens exactly the
stack's flows; the VPC CNI enforces them; denies wait for the allows."""

from __future__ import annotations

from typing import Any, Final

import pytest

from cortex_spec import load_spec, naming
from infra.serving.network_policies import IMDS, all_policies
from infra.serving.router_workload import SELECTOR as ROUTER
from offline.graph import PlanGraph, PlannedResource
from tests.infra.serving_fixtures.plans import (
    EXAMPLE_STACKS,
    EXAMPLES,
    example_plan,
    of_type,
    secrets_plan,
    serving_plan,
)

pytestmark = pytest.mark.slow

POLICY: Final = "networking.k8s.io/v1:NetworkPolicy"


def _policies(plan: PlanGraph) -> dict[tuple[str, str], PlannedResource]:
    return {
        (r.inputs["metadata"]["namespace"], r.inputs["metadata"]["name"]): r
        for r in of_type(plan, POLICY)
    }


def _spec(plan: PlanGraph, namespace: str, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = _policies(plan)[(namespace, name)].inputs["spec"]
    return spec


@pytest.mark.parametrize(("example", "environment"), EXAMPLE_STACKS)
def test_every_owned_namespace_denies_by_default(example: str, environment: str | None) -> None:
    """cortex denies ingress and egress, keda and monitoring deny ingress, for every pod."""
    plan = example_plan(example, environment)
    found = _policies(plan)
    assert found[(naming.NAMESPACE, "deny-all")].inputs["spec"] == {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
    }
    for namespace in ("keda", "monitoring"):
        assert found[(namespace, "deny-ingress")].inputs["spec"] == {
            "podSelector": {},
            "policyTypes": ["Ingress"],
        }


def test_the_load_balancer_reaches_the_router_ports_from_the_network_only() -> None:
    """Router ingress: the cluster network's ranges, on the traffic and health ports."""
    plan = example_plan("mixed", "prod")
    router = _spec(plan, naming.NAMESPACE, "router")
    [rule] = router["ingress"]
    assert {p["port"] for p in rule["ports"]} == {8080, 8081}
    assert all(isinstance(p["port"], int) for p in rule["ports"])
    cluster = load_spec(EXAMPLES / "mixed" / "cortex.yaml", environment="prod").cluster
    assert [peer["ipBlock"]["cidr"] for peer in rule["from"]] == [cluster.vpc_cidr]


def test_api_pods_take_traffic_from_router_interceptor_and_prometheus_only() -> None:
    """API pods: ingress from the router, the HTTP add-on interceptor and the monitoring
    namespace; egress anywhere but the instance metadata service."""
    apis = _spec(example_plan("cpu", None), naming.NAMESPACE, "apis")
    [rule] = apis["ingress"]
    peers = rule["from"]
    assert {"podSelector": {"matchLabels": dict(ROUTER)}} in peers
    namespaces = {
        p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for p in peers
        if "namespaceSelector" in p
    }
    assert namespaces == {"keda", "monitoring"}
    [egress] = apis["egress"]
    assert egress["to"] == [{"ipBlock": {"cidr": "0.0.0.0/0", "except": [IMDS]}}]


def test_every_pod_of_the_serving_namespace_may_resolve_names() -> None:
    """DNS to CoreDNS in kube-system, UDP and TCP 53."""
    dns = _spec(example_plan("cpu", None), naming.NAMESPACE, "allow-dns")
    [rule] = dns["egress"]
    assert {(p["protocol"], p["port"]) for p in rule["ports"]} == {("UDP", 53), ("TCP", 53)}
    [peer] = rule["to"]
    assert peer["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}


def test_denies_are_created_after_the_allows_of_their_namespace() -> None:
    """A deny never lands alone: it depends on every allow policy of its namespace, so no
    update has a moment where a needed flow is closed (and it is deleted first)."""
    plan = example_plan("mixed", "prod")
    found = _policies(plan)
    for (namespace, name), resource in found.items():
        if not name.startswith("deny"):
            continue
        allows = {r.urn for (ns, n), r in found.items() if ns == namespace and r is not resource}
        assert allows <= set(resource.dependencies), f"{namespace}/{name}"


def test_policies_do_not_depend_on_the_apis() -> None:
    """Adding, removing or changing APIs never touches a policy: two different specs on the
    same network give the same policies."""

    def specs(plan: PlanGraph) -> dict[tuple[str, str], Any]:
        return {key: r.inputs for key, r in _policies(plan).items()}

    assert specs(serving_plan()) == specs(secrets_plan())
    assert len(all_policies(("10.0.0.0/16",))) == len(_policies(serving_plan()))


def test_the_vpc_cni_enforces_network_policies() -> None:
    """The vpc-cni add-on runs its network policy agent (enableNetworkPolicy)."""
    [addon] = [
        r
        for r in of_type(example_plan("cpu", None), "aws:eks/addon:Addon")
        if r.inputs["addonName"] == "vpc-cni"
    ]
    assert addon.inputs["configurationValues"] == '{"enableNetworkPolicy": "true"}'
