"""The engine's step order on tiny graphs (pulumi/pulumi pkg/resource/deploy, update_plan.py)."""

from __future__ import annotations

from typing import Any

from offline.diff import diff_graphs
from offline.graph import PlannedResource
from offline.live_state import effective
from offline.update_plan import UpdatePlan, plan_update
from tests.offline.diff_fixtures import graph, resource

TG = "aws:lb/targetGroup:TargetGroup"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
VPC = "aws:ec2/vpc:Vpc"


def _plan(base: list[PlannedResource], head: list[PlannedResource]) -> UpdatePlan:
    return plan_update(diff_graphs(graph(*base), graph(*head)))


def _ops(plan: UpdatePlan) -> list[tuple[str, str]]:
    return [(s.op, s.urn.rsplit("::", 1)[-1]) for s in plan.steps]


def _binding(name: str, group: PlannedResource, namespace: str = "cortex") -> PlannedResource:
    inputs: dict[str, Any] = {
        "apiVersion": "elbv2.k8s.aws/v1beta1",
        "kind": "TargetGroupBinding",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"targetGroupARN": "arn-of-" + group.name},
    }
    return resource(f"{name}-binding", BINDING, inputs, reads={"spec": group})


def test_creates_run_in_dependency_order_and_deletes_in_reverse() -> None:
    """Creates go dependencies first; removed resources go dependents first, after all creates."""
    vpc, new_vpc = resource("vpc", VPC, {"cidrBlock": "10.0.0.0/16"}), resource("vpc2", VPC)
    old_tg = resource("old-tg", TG, {"port": 80}, reads={"vpcId": vpc})
    new_tg = resource("new-tg", TG, {"port": 80}, reads={"vpcId": new_vpc})
    plan = _plan([vpc, old_tg], [new_vpc, new_tg])
    assert _ops(plan) == [
        ("create", "vpc2"),
        ("create", "new-tg"),
        ("delete", "old-tg"),
        ("delete", "vpc"),
    ]
    assert [s.phase for s in plan.steps] == [1, 1, 2, 2]


def test_replacement_creates_first_and_deletes_the_old_instance_last() -> None:
    """Default replace: create-replacement while registering, delete-replaced after everything."""
    old = resource("tg", TG, {"port": 80})
    new = resource("tg", TG, {"port": 81})
    later = resource("other", TG, {"port": 1})
    plan = _plan([old], [new, later])
    assert _ops(plan) == [
        ("create", "other"),
        ("create-replacement", "tg"),
        ("delete-replaced", "tg"),
    ]
    assert plan.delete_first == {old.urn: False}


def test_delete_before_replace_deletes_dependents_first() -> None:
    """deleteBeforeReplace: dependents to replace go first, then the old, then the new one."""
    options = {"deleteBeforeReplace": True}
    old_tg = resource("tg", TG, {"port": 80}, options=options)
    new_tg = resource("tg", TG, {"port": 81}, options=options)
    plan = _plan([old_tg, _binding("api", old_tg)], [new_tg, _binding("api", new_tg)])
    assert _ops(plan) == [
        ("delete-replaced", "api-binding"),
        ("delete-replaced", "tg"),
        ("create-replacement", "tg"),
        ("create-replacement", "api-binding"),
    ]
    first, second = plan.steps[2], plan.steps[3]
    assert "spec" in second.cause
    assert plan.happens_before(first, second)


def test_explicit_aws_name_makes_the_provider_delete_first() -> None:
    """pulumi-aws asks for delete-before-replace when the program set an auto-nameable name."""
    named = _plan(
        [resource("tg", TG, {"name": "a", "port": 80})],
        [resource("tg", TG, {"name": "a", "port": 81})],
    )
    prefixed = _plan(
        [resource("tg", TG, {"namePrefix": "a-", "port": 80})],
        [resource("tg", TG, {"namePrefix": "a-", "port": 81})],
    )
    assert list(named.delete_first.values()) == [True]
    assert list(prefixed.delete_first.values()) == [False]


def test_kubernetes_deletes_first_only_when_name_and_namespace_stay() -> None:
    """pulumi-kubernetes: same name and namespace → delete first; a new namespace → create first."""

    def config_map(namespace: str, data: str) -> PlannedResource:
        metadata = {"name": "spec", "namespace": namespace}
        return resource("cm", CONFIG_MAP, {"kind": "ConfigMap", "metadata": metadata, "data": data})

    same = _plan([config_map("a", "1")], [config_map("a", "2")])
    moved = _plan([config_map("a", "1")], [config_map("b", "1")])
    assert list(same.delete_first.values()) == [True]
    assert list(moved.delete_first.values()) == [False]


def test_a_replaced_dependency_with_a_new_id_replaces_its_dependent() -> None:
    """A new target group ARN replaces the binding that reads it (spec.targetGroupARN)."""
    old_tg, new_tg = resource("tg", TG, {"port": 80}), resource("tg", TG, {"port": 81})
    plan = _plan([old_tg, _binding("api", old_tg)], [new_tg, _binding("api", new_tg)])
    assert ("create-replacement", "api-binding") in _ops(plan)
    assert plan.delete_first[_binding("api", new_tg).urn] is True  # same name and namespace


def test_a_dependent_without_a_replace_rule_is_updated() -> None:
    """A listener whose default action reads a replaced target group is updated in place."""
    balancer = resource("lb", LB, {"internal": False})
    old_tg, new_tg = resource("tg", TG, {"port": 80}), resource("tg", TG, {"port": 81})

    def listener(group: PlannedResource) -> PlannedResource:
        return resource(
            "http",
            LISTENER,
            {"port": 80},
            reads={"loadBalancerArn": balancer, "defaultActions": group},
        )

    plan = _plan([balancer, old_tg, listener(old_tg)], [balancer, new_tg, listener(new_tg)])
    assert ("update", "http") in _ops(plan)


def test_independent_chains_are_not_ordered() -> None:
    """Steps of unrelated resources may run in parallel; a dependent waits for its dependency."""
    vpc = resource("vpc", VPC)
    plan = _plan([], [vpc, resource("a", TG, reads={"vpcId": vpc}), resource("b", TG)])
    steps = {s.urn.rsplit("::", 1)[-1]: s for s in plan.steps}
    assert plan.happens_before(steps["vpc"], steps["a"])
    assert not plan.happens_before(steps["vpc"], steps["b"])
    assert not plan.happens_before(steps["a"], steps["b"])


def test_ignored_field_keeps_its_deployed_input() -> None:
    """ignoreChanges: the engine sends the old input again (processIgnoreChanges)."""
    options = {"ignoreChanges": ["scalingConfig.desiredSize"]}
    old = resource(
        "ng", "aws:eks/nodeGroup:NodeGroup", {"scalingConfig": {"desiredSize": 1, "minSize": 1}}
    )
    new = resource(
        "ng",
        "aws:eks/nodeGroup:NodeGroup",
        {"scalingConfig": {"desiredSize": 3, "minSize": 3}},
        options=options,
    )
    sent = effective(old, new).inputs["scalingConfig"]
    assert sent == {"desiredSize": 1, "minSize": 3}


def test_a_replace_in_json_carries_its_effective_order() -> None:
    """`delete_before_replace` on a replace is the engine's order, provider rules included."""
    change = diff_graphs(
        graph(resource("tg", TG, {"name": "a", "port": 80})),
        graph(resource("tg", TG, {"name": "a", "port": 81})),
    ).changes[0]
    assert change.to_dict()["delete_before_replace"] is True
    updated = diff_graphs(graph(resource("tg", TG, {"a": 1})), graph(resource("tg", TG, {"a": 2})))
    assert "delete_before_replace" not in updated.changes[0].to_dict()
