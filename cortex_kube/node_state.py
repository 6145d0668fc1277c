"""Node groups as the cluster sees them: nodes (ready or not) per managed node group, and
the scale-ups cluster-autoscaler has asked for and that have not arrived yet.

Nodes carry EKS's `eks.amazonaws.com/nodegroup` label (the physical node group, named
`<managed group>-<suffix>` by the stack). cluster-autoscaler writes its status as YAML under
`status` in the `cluster-autoscaler-status` ConfigMap of its namespace (the format of
`clusterstate/api/types.go` in kubernetes/autoscaler, 1.30 and later): per node group (on
AWS, the Auto Scaling group EKS made, `eks-<node group>-<uuid>`) its `cloudProviderTarget`,
registered nodes and scale-up status; a target above the registered count is a scale-up
in flight (nodes asked of AWS that have not joined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from cortex_spec import naming

EKS_NODEGROUP_LABEL: Final = "eks.amazonaws.com/nodegroup"
STATUS_CONFIG_MAP: Final = "cluster-autoscaler-status"
# EKS names a managed node group's Auto Scaling group eks-<node group name>-<uuid>.
_ASG: Final = re.compile(r"eks-(?P<group>.+)-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


@dataclass
class GroupState:
    name: str
    nodes: int = 0
    ready: int = 0
    target: int | None = None
    registered: int | None = None
    scale_up: str | None = None
    backoff: str | None = None
    nodes_of: list[str] = field(default_factory=list)

    @property
    def pending_scale_up(self) -> int | None:
        """Nodes asked of AWS that have not registered yet, as cluster-autoscaler counts
        them (None: no autoscaler status for the group)."""
        if self.target is None:
            return None
        return max(self.target - (self.registered or 0), 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "nodes": self.nodes,
            "ready": self.ready,
            "autoscaler_target": self.target,
            "pending_scale_up": self.pending_scale_up,
            "scale_up": self.scale_up,
            "backoff": self.backoff,
        }


def managed_group(physical: str) -> str:
    return naming.managed_group_of(physical) or physical


def _ready(node: dict[str, Any]) -> bool:
    conditions = node.get("status", {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def group_states(
    expected: list[str], nodes: list[dict[str, Any]], status: dict[str, Any] | None
) -> list[GroupState]:
    """One state per expected managed group (in that order), then any other group found."""
    groups = {name: GroupState(name) for name in expected}
    for node in nodes:
        physical = node.get("metadata", {}).get("labels", {}).get(EKS_NODEGROUP_LABEL)
        if not physical:
            continue
        group = groups.setdefault(managed_group(physical), GroupState(managed_group(physical)))
        group.nodes += 1
        group.ready += 1 if _ready(node) else 0
    for entry in (status or {}).get("nodeGroups") or []:
        found = _ASG.fullmatch(str(entry.get("name", "")))
        if not found:
            continue
        name = managed_group(found.group("group"))
        group = groups.setdefault(name, GroupState(name))
        health = entry.get("health") or {}
        group.target = health.get("cloudProviderTarget")
        counts = (health.get("nodeCounts") or {}).get("registered") or {}
        group.registered = counts.get("total", 0)
        scale_up = entry.get("scaleUp") or {}
        group.scale_up = scale_up.get("status")
        backoff = scale_up.get("backoffInfo") or {}
        if backoff.get("errorCode") or backoff.get("errorMessage"):
            group.backoff = f"{backoff.get('errorCode', '')}: {backoff.get('errorMessage', '')}"
    return list(groups.values())


def autoscaler_status(config_map: dict[str, Any] | None) -> dict[str, Any] | None:
    """The parsed `status` YAML of the ConfigMap; None when absent or in the old plain-text
    format (before 1.30), which has no structure to read."""
    if config_map is None:
        return None
    text = (config_map.get("data") or {}).get("status")
    try:
        parsed = yaml.safe_load(text) if isinstance(text, str) else None
    except yaml.YAMLError:
        return None
    return parsed if isinstance(parsed, dict) else None
