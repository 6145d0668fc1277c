"""Each invariant of the update simulator on tiny hand-built graphs (simulator.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

from offline import identity, invariants
from offline.capacity import Capacity
from offline.diff import diff_graphs
from offline.diff_groups import Group, Grouper, Names
from offline.graph import PlannedResource
from offline.live_state import LiveState
from offline.simulator import Simulation, simulate
from offline.update_plan import plan_update
from tests.conftest import REPO
from tests.offline.diff_fixtures import graph, resource

NAMES = Names(apis=frozenset({"api"}), managed={"cpu": "cpu", "system": "system"})
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
RULE = "aws:lb/listenerRule:ListenerRule"
LISTENER = "aws:lb/listener:Listener"
LB = "aws:lb/loadBalancer:LoadBalancer"
TG = "aws:lb/targetGroup:TargetGroup"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SERVICE = "kubernetes:core/v1:Service"
BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
API = {"cortex.dev/api": "api"}


def _simulate(
    base: list[PlannedResource], head: list[PlannedResource], warnings: tuple[str, ...] = ()
) -> Simulation:
    diff = diff_graphs(graph(*base), dataclasses.replace(graph(*head), warnings=warnings))
    return simulate(diff, Grouper(NAMES, diff.head.resources, diff.base.resources))


def _codes(simulation: Simulation) -> list[str]:
    return [v.code for v in simulation.violations]


def _node_group(name: str, instance: str = "m6i.large", **scaling: int) -> PlannedResource:
    config = {"minSize": 1, "desiredSize": 1, "maxSize": 3} | scaling
    inputs = {
        "nodeGroupName": name,
        "instanceTypes": [instance],
        "labels": {"cortex.dev/node-group": name},
        "scalingConfig": config,
    }
    return resource(
        f"ng-{name}", NODE_GROUP, inputs, options={"ignoreChanges": ["scalingConfig.desiredSize"]}
    )


def _rule(name: str, listener: PlannedResource, priority: int) -> PlannedResource:
    return resource(name, RULE, {"priority": priority}, reads={"listenerArn": listener})


def test_a_new_resource_cannot_take_a_name_the_old_one_still_holds() -> None:
    """A renamed logical resource with the same physical name collides (duplicate-name)."""
    old = resource("lb-public", LB, {"name": "apis", "internal": False})
    new = resource("lb-internal", LB, {"name": "apis", "internal": True})
    assert _codes(_simulate([old], [new])) == ["duplicate-name"]


def test_auto_named_resources_never_collide() -> None:
    """No name (Pulumi auto-names) or a prefix: every instance is unique."""
    old = resource("lb-public", LB, {"internal": False})
    new = resource("lb-internal", LB, {"namePrefix": "apis-", "internal": True})
    assert _codes(_simulate([old], [new])) == []


def test_listener_ports_are_unique_per_load_balancer_instance() -> None:
    """A second port-80 listener collides on the same load balancer, not on a new one."""
    balancer = resource("lb", LB)
    other = resource("lb2", LB)
    http = resource("http", LISTENER, {"port": 80}, reads={"loadBalancerArn": balancer})
    redirect = resource("redirect", LISTENER, {"port": 80}, reads={"loadBalancerArn": balancer})
    elsewhere = resource("redirect", LISTENER, {"port": 80}, reads={"loadBalancerArn": other})
    assert _codes(_simulate([balancer, http], [balancer, redirect])) == ["duplicate-listener-port"]
    assert _codes(_simulate([balancer, http], [balancer, other, elsewhere])) == []


def test_moving_priorities_race_with_new_rules() -> None:
    """A priority freed by one rule's update and taken by an unrelated create is a race."""
    balancer = resource("lb", LB)
    listener = resource("http", LISTENER, {"port": 80}, reads={"loadBalancerArn": balancer})
    base = [balancer, listener, _rule("b", listener, 1)]
    head = [balancer, listener, _rule("a", listener, 1), _rule("b", listener, 2)]
    simulation = _simulate(base, head)
    assert _codes(simulation) == ["duplicate-rule-priority"]
    assert "rule priority 1" in simulation.violations[0].message


def test_two_bindings_on_one_target_group() -> None:
    """A binding recreated in another namespace meets the old one on the same target group."""
    group = resource("tg", TG, {"port": 80})

    def binding(namespace: str) -> PlannedResource:
        metadata = {"name": "api", "namespace": namespace}
        inputs: dict[str, Any] = {
            "apiVersion": "elbv2.k8s.aws/v1beta1",
            "kind": "TargetGroupBinding",
        }
        return resource(
            "binding", BINDING, inputs | {"metadata": metadata, "spec": {}}, reads={"spec": group}
        )

    simulation = _simulate([group, binding("cortex")], [group, binding("keda")])
    assert _codes(simulation) == ["duplicate-target-group-binding"]


def test_raised_minimum_with_an_ignored_desired_size() -> None:
    """min 1 → 2 sends the old desired size 1 (ignoreChanges): EKS refuses it."""
    simulation = _simulate([_node_group("cpu")], [_node_group("cpu", minSize=2, desiredSize=2)])
    assert _codes(simulation) == ["desired-size-out-of-range"]


def test_delete_before_replace_node_group_drops_capacity() -> None:
    """A fixed-name node group is deleted before its successor exists: capacity drops."""
    simulation = _simulate([_node_group("cpu")], [_node_group("cpu", "m6i.xlarge")])
    assert _codes(simulation) == ["capacity-drop"]
    assert simulation.violations[0].subject == "node group cpu"


def test_prefix_named_node_group_keeps_capacity() -> None:
    """A prefix-named node group is created before the old one goes: no drop."""

    def group(instance: str) -> PlannedResource:
        inputs = {
            "nodeGroupNamePrefix": "cpu-",
            "instanceTypes": [instance],
            "labels": {"cortex.dev/node-group": "cpu"},
            "scalingConfig": {"minSize": 1, "desiredSize": 1, "maxSize": 3},
        }
        return resource("ng-cpu", NODE_GROUP, inputs)

    assert _codes(_simulate([group("m6i.large")], [group("m6i.xlarge")])) == []


def test_a_warned_drop_is_deliberate() -> None:
    """The program's warning naming the group and 'downtime' turns the drop into a warning."""
    warning = ("node group cpu is recreated in place: downtime",)
    simulation = _simulate([_node_group("cpu")], [_node_group("cpu", "m6i.xlarge")], warning)
    assert _codes(simulation) == []
    assert [v.subject for v in simulation.deliberate] == ["node group cpu"]


def _serving(group_name: str, binding_ns: str = "cortex") -> list[PlannedResource]:
    """An API behind lb → listener → rule → target group → binding → Service → Deployment."""
    labels = {"app": "api", **API}
    deployment = resource(
        "deploy",
        DEPLOYMENT,
        {
            "kind": "Deployment",
            "metadata": {"name": "api-api", "namespace": "cortex", "labels": labels},
            "spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": []}}},
        },
    )
    service = resource(
        "svc",
        SERVICE,
        {
            "kind": "Service",
            "metadata": {"name": "api-api", "namespace": "cortex", "labels": labels},
            "spec": {"selector": labels},
        },
    )
    balancer = resource("lb", LB)
    listener = resource("http", LISTENER, {"port": 80}, reads={"loadBalancerArn": balancer})
    target = resource("tg", TG, {"name": group_name, "tags": API})
    rule = resource(
        "rule",
        RULE,
        {"priority": 1, "tags": API},
        reads={"listenerArn": listener, "actions": target},
    )
    binding = resource(
        "binding",
        BINDING,
        {
            "kind": "TargetGroupBinding",
            "metadata": {"name": "api-api", "namespace": binding_ns},
            "spec": {"serviceRef": {"name": "api-api"}},
        },
        reads={"spec": target},
    )
    return [_node_group("cpu"), deployment, service, balancer, listener, target, rule, binding]


def test_recreated_traffic_path_drops_the_api() -> None:
    """A target group renamed in place (delete first) takes the API's only path with it."""
    simulation = _simulate(_serving("tg-a"), _serving("tg-b"))
    drops = [v for v in simulation.violations if v.code == "capacity-drop"]
    assert [v.subject for v in drops] == ["api api"]
    assert "traffic path" in drops[0].message


def test_the_serving_fixture_is_a_full_path() -> None:
    """The fixture serves: workload, nodes and traffic path are all live before the change."""
    diff = diff_graphs(graph(*_serving("tg-a")), graph(*_serving("tg-a")))
    grouper = Grouper(NAMES, diff.base.resources)
    live = LiveState(plan_update(diff)).instances()
    roles = Capacity(grouper).roles(Group("api", "api"), live)
    assert roles == {"workload": True, "nodes": True, "traffic path": True}


def test_a_binding_of_another_api_is_no_path() -> None:
    """A path through another API's binding does not serve this API."""
    resources = _serving("tg-a")
    other = [r for r in resources if r.type != BINDING] + [
        dataclasses.replace(r, inputs={**r.inputs, "metadata": {"name": "api-other"}})
        for r in resources
        if r.type == BINDING
    ]
    names = Names(apis=frozenset({"api", "other"}), managed={"cpu": "cpu"})
    diff = diff_graphs(graph(*other), graph(*other))
    live = LiveState(plan_update(diff)).instances()
    roles = Capacity(Grouper(names, diff.base.resources)).roles(Group("api", "api"), live)
    assert roles["traffic path"] is False


def test_invariant_table_is_the_one_in_the_docs() -> None:
    """docs/diff.md shows offline/invariants.py's table verbatim."""
    assert invariants.markdown_table() in (REPO / "docs" / "diff.md").read_text(encoding="utf-8")


def test_identity_table_is_the_one_in_the_docs() -> None:
    """docs/diff.md shows offline/identity.py's table verbatim."""
    assert identity.markdown_table() in (REPO / "docs" / "diff.md").read_text(encoding="utf-8")
