"""Which optional components a spec needs: the matrix's `used` values, from the spec alone.

The program installs exactly these (infra/platform.py: device plugins per accelerator;
infra/serving: the KEDA HTTP add-on when an API scales to zero), and validation only
rejects a version-matrix gap in a component the spec uses.
"""

from __future__ import annotations

from collections.abc import Iterable

from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.node_profiles import profile
from cortex_spec.version_matrix import Usage


def scales_to_zero(api: WorkloadAPI) -> bool:
    """`min_replicas: 0`: the API is woken by the HTTP add-on's interceptor (the same rule as
    infra/serving/scaling_rules.scales_to_zero; a test keeps them equal)."""
    return api.autoscaling.min_replicas == 0


def uses(cluster: ClusterConfig, apis: Iterable[WorkloadAPI]) -> frozenset[Usage]:
    found: set[Usage] = {"always"}
    for group in cluster.worker_groups:
        accelerator = profile(group).accelerator
        if accelerator == "nvidia":
            found.add("nvidia")
        elif accelerator == "neuron":
            found.add("neuron")
    if any(scales_to_zero(api) for api in apis):
        found.add("scale-to-zero")
    return frozenset(found)
