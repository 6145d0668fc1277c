"""Serving capacity in a set of live instances: does each API and node group still serve?

Nothing in a graph says "this serves the sentiment API"; `diff_groups.Grouper` attributes
resources to APIs and node groups from the program's markers, and the rest follows from
the resources themselves:

- a node group serves while one of its managed node groups is live;
- an API needs a live workload (Deployment or StatefulSet) attributed to it, a live node
  group its pods may run on (the pod template's node selector, required node affinity and
  tolerations against the node group's labels and taints), and, when it is exposed, a
  live traffic path: load balancer → listener → (rule) → target group →
  TargetGroupBinding → Service → workload. A path element attributed to another API does
  not count; a shared one (the cluster's own, e.g. a router) serves every API, and a
  Service the graph does not hold (one a Helm release makes) is taken to be there.

References are followed from instance to instance (`live_state.Instance.refs`), so a
listener of a replaced load balancer does not count for the new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from offline.diff_groups import CLUSTER, Group, Grouper
from offline.live_state import Instance

NODE_GROUP: Final = "aws:eks/nodeGroup:NodeGroup"
WORKLOADS: Final = frozenset({"kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"})
SERVICE: Final = "kubernetes:core/v1:Service"
LOAD_BALANCER: Final = "aws:lb/loadBalancer:LoadBalancer"
LISTENER: Final = "aws:lb/listener:Listener"
RULE: Final = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP: Final = "aws:lb/targetGroup:TargetGroup"
BINDING: Final = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
# EKS taint effects as Kubernetes spells them (eks Taint.effect enum).
_EFFECTS: Final = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute"}


def _get(value: Any, *path: str) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _ns_name(resource_inputs: dict[str, Any]) -> tuple[str, str]:
    metadata = _get(resource_inputs, "metadata") or {}
    return str(metadata.get("namespace") or "default"), str(metadata.get("name") or "")


def _matches(expression: dict[str, Any], labels: dict[str, set[str]]) -> bool:
    key, operator = expression.get("key"), expression.get("operator")
    values = {str(v) for v in expression.get("values") or ()}
    present = labels.get(str(key), set())
    if operator == "In":
        return bool(present & values)
    if operator == "NotIn":
        return not present & values
    if operator == "Exists":
        return bool(present)
    if operator == "DoesNotExist":
        return not present
    return True  # Gt/Lt on labels the graph cannot know: assume they hold


def _tolerated(taint: dict[str, Any], tolerations: list[Any]) -> bool:
    effect = _EFFECTS.get(str(taint.get("effect")), str(taint.get("effect")))
    if effect not in _EFFECTS.values():
        return True  # PreferNoSchedule never keeps a pod off a node
    for toleration in tolerations:
        if not isinstance(toleration, dict):
            continue
        key_ok = toleration.get("key") in (None, "", taint.get("key"))
        exists = toleration.get("operator") == "Exists"
        value_ok = exists or toleration.get("value") == taint.get("value")
        effect_ok = toleration.get("effect") in (None, "", effect)
        if key_ok and value_ok and effect_ok and (exists or toleration.get("key")):
            return True
    return False


def node_labels(node_group: dict[str, Any]) -> dict[str, set[str]]:
    """The labels EKS gives the group's nodes: its own, and the well-known ones."""
    labels = {str(k): {str(v)} for k, v in (node_group.get("labels") or {}).items()}
    types = {str(t) for t in node_group.get("instanceTypes") or ()}
    if types:
        labels["node.kubernetes.io/instance-type"] = types
    if node_group.get("nodeGroupName"):
        labels["eks.amazonaws.com/nodegroup"] = {str(node_group["nodeGroupName"])}
    if node_group.get("capacityType"):
        labels["eks.amazonaws.com/capacityType"] = {str(node_group["capacityType"])}
    return labels


def schedulable(workload: dict[str, Any], node_group: dict[str, Any]) -> bool:
    """Whether the workload's pods may run on the node group's nodes."""
    pod = _get(workload, "spec", "template", "spec")
    if not isinstance(pod, dict):
        return True  # unknown pod spec: assume it fits
    labels = node_labels(node_group)
    selector = pod.get("nodeSelector") or {}
    if any(str(v) not in labels.get(str(k), set()) for k, v in selector.items()):
        return False
    required = _get(
        pod, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"
    )
    terms = (required or {}).get("nodeSelectorTerms") or []
    if terms and not any(
        all(_matches(e, labels) for e in term.get("matchExpressions") or ())
        for term in terms
        if isinstance(term, dict)
    ):
        return False
    tolerations = pod.get("tolerations") or []
    return all(
        _tolerated(t, tolerations) for t in node_group.get("taints") or () if isinstance(t, dict)
    )


class Capacity:
    """Evaluates who serves, over one set of live instances."""

    def __init__(self, grouper: Grouper) -> None:
        self.grouper = grouper

    def group(self, instance: Instance) -> Group:
        return self.grouper.group(instance.resource)

    def roles(self, subject: Group, instances: Iterable[Instance]) -> dict[str, bool]:
        """Role → whether some live instance fills it."""
        live = list(instances)
        if subject.kind == "node group":
            ngs = [i for i in live if i.type == NODE_GROUP and self.group(i) == subject]
            return {"managed node group": bool(ngs)}
        workloads = [i for i in live if i.type in WORKLOADS and self.group(i) == subject]
        # Without a live workload, the pods to place are those of the workload to come:
        # a missing workload is the workload role's drop, not the nodes'.
        templates = [w.resource.inputs for w in workloads] or [
            r.inputs
            for r in self.grouper.by_urn.values()
            if r.type in WORKLOADS and self.grouper.group(r) == subject
        ]
        nodes = [i for i in live if i.type == NODE_GROUP]
        return {
            "workload": bool(workloads),
            "nodes": any(schedulable(t, n.resource.inputs) for t in templates for n in nodes),
            "traffic path": self._routed(subject, live),
        }

    def _usable(self, instance: Instance, subject: Group) -> bool:
        return self.group(instance) in (subject, CLUSTER)

    def _routed(self, subject: Group, live: list[Instance]) -> bool:
        ids = {i.id: i for i in live}

        def refs(instance: Instance, type_token: str) -> set[str]:
            found = {
                ref for urn, ref in instance.refs if ref in ids and ids[ref].type == type_token
            }
            return {r for r in found if self._usable(ids[r], subject)}

        listeners = [i for i in live if i.type == LISTENER and refs(i, LOAD_BALANCER)]
        groups: set[str] = set()
        for listener in listeners:
            groups |= refs(listener, TARGET_GROUP)
            for rule in live:
                if rule.type == RULE and listener.id in refs(rule, LISTENER):
                    groups |= refs(rule, TARGET_GROUP) if self._usable(rule, subject) else set()
        bindings = [
            i
            for i in live
            if i.type == BINDING and refs(i, TARGET_GROUP) & groups and self._usable(i, subject)
        ]
        return any(self._backend(b, subject, live) for b in bindings)

    def _backend(self, binding: Instance, subject: Group, live: list[Instance]) -> bool:
        namespace, _ = _ns_name(binding.resource.inputs)
        name = str(_get(binding.resource.inputs, "spec", "serviceRef", "name") or "")
        graph_services = [
            i
            for i in live
            if i.type == SERVICE and _ns_name(i.resource.inputs) == (namespace, name)
        ]
        known = self.grouper.by_urn.values()
        if not graph_services:
            # A Service outside the graph (a Helm release's) is taken to be there; one the
            # graph holds but that is not live is not.
            return not any(
                r.type == SERVICE and _ns_name(r.inputs) == (namespace, name) for r in known
            )
        for service in graph_services:
            if not self._usable(service, subject):
                continue
            if self.group(service) == subject:
                return True  # the API's own pods: the workload role checks them
            selector = _get(service.resource.inputs, "spec", "selector") or {}
            for workload in live:
                labels = _get(workload.resource.inputs, "spec", "template", "metadata", "labels")
                labels = labels if isinstance(labels, dict) else {}
                if workload.type in WORKLOADS and all(
                    labels.get(k) == v for k, v in selector.items()
                ):
                    return True
        return False
