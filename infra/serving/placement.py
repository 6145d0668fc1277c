"""Where an API's pods may run: node affinity, tolerations and the Neuron scheduler.

Pure functions of the spec. The node groups come from `compute_fit.placements` (eligible
and large enough for one replica), so placement here can never disagree with validation.
"""

from __future__ import annotations

from typing import Any

from cortex_spec.models.api import WorkloadAPI
from cortex_spec.node_profiles import NODE_GROUP_LABEL, NodeProfile
from cortex_spec.rules.compute_fit import placements
from infra.device_plugins import NEURON_SCHEDULER

Manifest = dict[str, Any]


def groups_for(api: WorkloadAPI, profiles: list[NodeProfile]) -> list[NodeProfile]:
    """The node groups a replica may land on, highest priority first, then by name."""
    chosen = placements(api, profiles)
    return sorted(chosen, key=lambda p: (-p.priority, p.name))


def affinity(api: WorkloadAPI, profiles: list[NodeProfile]) -> Manifest:
    """Required: the API's `node_groups`, else every group that fits (which keeps replicas
    off the system group); preferred: each group weighted by its priority, as Cortex did."""
    groups = groups_for(api, profiles)
    required = sorted(api.node_groups) if api.node_groups is not None else [p.name for p in groups]
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": NODE_GROUP_LABEL, "operator": "In", "values": required}
                        ]
                    }
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    # Kubernetes weights are 1-100, exactly the spec's priority range.
                    "weight": p.priority,
                    "preference": {
                        "matchExpressions": [
                            {"key": NODE_GROUP_LABEL, "operator": "In", "values": [p.name]}
                        ]
                    },
                }
                for p in groups
            ],
        }
    }


def tolerations(api: WorkloadAPI, profiles: list[NodeProfile]) -> list[Manifest]:
    """Only the taints of the groups the API may use: a CPU API tolerates nothing."""
    seen: dict[tuple[str, str, str], Manifest] = {}
    for group in groups_for(api, profiles):
        for taint in group.taints:
            key = (taint.key, taint.value, taint.kubernetes_effect)
            seen[key] = {
                "key": taint.key,
                "operator": "Equal",
                "value": taint.value,
                "effect": taint.kubernetes_effect,
            }
    return [seen[key] for key in sorted(seen)]


def scheduler_name(api: WorkloadAPI, profiles: list[NodeProfile]) -> str | None:
    """The Neuron scheduler when a replica takes some, not all, devices of a node."""
    devices = api.request.inf
    if not devices:
        return None
    partial = any(
        p.accelerator == "neuron"
        and p.allocatable.neuron_devices > 1
        and devices < p.allocatable.neuron_devices
        for p in groups_for(api, profiles)
    )
    # The second scheduler the platform installs with the Neuron chart (device_plugins.py):
    # EKS's default scheduler does not know which devices of a node are free and adjacent.
    return NEURON_SCHEDULER if partial else None
