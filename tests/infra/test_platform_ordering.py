"""What waits for what, on the recorded graph's `dependencies`: nothing waits on what it does
not need, everything waits on what it needs (docs/cluster.md, "What waits for what")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from offline.graph import PlanGraph, PlannedResource
from tests.infra.conftest import Planner, one

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ADDON = "aws:eks/addon:Addon"
RELEASE = "kubernetes:helm.sh/v3:Release"
IRSA = "cortex:infra:IrsaRole"
GRANTS = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _addon(graph: PlanGraph, urn: str) -> str:
    return str(graph.get(urn).inputs["addonName"])


@pytest.mark.parametrize(("spec", "env"), [("mixed", "prod"), ("inferentia", None)])
def test_irsa_arns_reach_consumers_only_after_their_policies(
    plan: Planner, spec: str, env: str | None
) -> None:
    """Whoever is handed an IRSA role's ARN (add-on, service account, Helm values) depends
    on every policy of that role, so it never starts without its permissions."""
    graph = plan(spec, env)
    checked = 0
    for component in graph.by_type(IRSA):
        children = [r for r in graph.resources if r.parent == component.urn]
        [role] = [r for r in children if r.type == "aws:iam/role:Role"]
        grants = {r.urn for r in children if r.type in GRANTS}
        assert grants, component.name
        arn = f":role/{role.inputs['name']}"
        consumers = [
            r
            for r in graph.resources
            if r.parent != component.urn
            and r.type != "aws:iam/role:Role"
            and any(s.endswith(arn) for s in _strings(r.inputs))
        ]
        assert consumers, f"nobody uses {component.name}"
        for consumer in consumers:
            assert grants <= set(consumer.dependencies), (component.name, consumer.name)
            checked += 1
    assert checked >= 4


def test_node_groups_wait_for_nodes_prerequisites_and_nothing_else(plan: Planner) -> None:
    """Node role policies, VPC CNI and kube-proxy: yes; other add-ons (no Pod Identity
    agent at all), other node groups, Helm releases: never."""
    graph = plan("mixed", "prod")
    for group in graph.by_type(NODE_GROUP):
        deps = group.dependencies
        addons = sorted(_addon(graph, d) for d in deps if f"${ADDON}::" in d)
        assert addons == ["kube-proxy", "vpc-cni"], group.name
        assert sum("RolePolicyAttachment::platform-eks-node-role-" in d for d in deps) == 2
        assert not any(f"${NODE_GROUP}::" in d for d in deps)
        assert not any("helm.sh" in d for d in deps)


def test_non_system_groups_block_nobody(plan: Planner) -> None:
    """Only a group's own children (its scaling owner, its ASG tags) wait for a worker group:
    adding a GPU group never delays the cluster-autoscaler, an add-on or an API."""
    graph = plan("mixed", "prod")
    system = one(graph, NODE_GROUP, "platform-nodes-system-group")
    for group in graph.by_type(NODE_GROUP):
        if group.urn == system.urn:
            continue
        waiting = [r for r in graph.resources if group.urn in r.dependencies]
        assert waiting, group.name
        assert all(r.parent == group.parent for r in waiting), [r.name for r in waiting]


def test_cluster_autoscaler_waits_for_the_system_nodes_and_its_role_only(plan: Planner) -> None:
    """Its release waits for the system group, the CNI, CoreDNS and its IRSA policy."""
    graph = plan("mixed", "prod")
    release = one(graph, RELEASE, "platform-cluster-autoscaler-release")
    groups = [d for d in release.dependencies if f"${NODE_GROUP}::" in d]
    assert groups == [one(graph, NODE_GROUP, "platform-nodes-system-group").urn]
    assert {"coredns", "vpc-cni"} <= {
        _addon(graph, d) for d in release.dependencies if f"${ADDON}::" in d
    }
    assert one(graph, GRANTS[0], "platform-cluster-autoscaler-irsa-policy").urn in (
        release.dependencies
    )


def test_a_version_bump_reaches_nodes_after_the_control_plane_and_bootstrap_addons(
    plan: Planner,
) -> None:
    """The update order of a Kubernetes bump follows these edges: cluster → add-ons →
    node groups; Deployment add-ons (CoreDNS, EBS CSI, metrics-server) after the system
    nodes they run on."""
    graph = plan("cpu")
    [cluster] = graph.by_type("aws:eks/cluster:Cluster")
    addons: dict[str, PlannedResource] = {a.inputs["addonName"]: a for a in graph.by_type(ADDON)}
    system = one(graph, NODE_GROUP, "platform-nodes-system-group")
    for addon in addons.values():
        assert cluster.urn in addon.dependencies
    for group in graph.by_type(NODE_GROUP):
        assert cluster.urn in group.dependencies
        assert {addons["vpc-cni"].urn, addons["kube-proxy"].urn} <= set(group.dependencies)
    for name in ("coredns", "aws-ebs-csi-driver", "metrics-server"):
        assert system.urn in addons[name].dependencies
