"""Device plugins: NVIDIA (nvidia.com/gpu) and AWS Neuron (aws.amazon.com/neuron), each a Helm
release installed only when the spec has a node group with that accelerator.

NVIDIA: chart `nvidia-device-plugin` 0.18.0 from https://nvidia.github.io/k8s-device-plugin,
the version data-on-eks installs (eks-reference.md §5). Its default affinity wants Node
Feature Discovery labels we do not run, so the affinity is replaced by ours; GPU feature
discovery (a privileged pod) stays off, the chart's default.

Neuron: chart `oci://public.ecr.aws/neuron/neuron-helm-chart` 1.9.0 (aws-neuron/
neuron-helm-charts release 1.9.0, Neuron SDK 2.31.0). The device plugin runs on Neuron nodes;
the scheduler extension and the second scheduler `my-scheduler`, which Neuron pods name in
`schedulerName` (eks-reference.md §4), run on the system nodes. The node problem detector is
off, as the Neuron docs install it (`npd.enabled=false`): it tolerates every taint and its
recovery agent needs IAM we do not grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.node_profiles import (
    ACCELERATOR_LABEL,
    GPU_TAINT,
    NEURON_TAINT,
    NODE_GROUP_LABEL,
    SYSTEM_GROUP,
    Taint,
)

NVIDIA_CHART: Final = "nvidia-device-plugin"
NVIDIA_CHART_VERSION: Final = "0.18.0"
NVIDIA_REPOSITORY: Final = "https://nvidia.github.io/k8s-device-plugin"
NEURON_CHART: Final = "oci://public.ecr.aws/neuron/neuron-helm-chart"
NEURON_CHART_VERSION: Final = "1.9.0"
NEURON_SCHEDULER: Final = "my-scheduler"


def _toleration(taint: Taint) -> dict[str, str]:
    return {"key": taint.key, "operator": "Exists", "effect": taint.kubernetes_effect}


def _only_on(accelerator: str) -> dict[str, Any]:
    """Node affinity to nodes carrying `cortex.dev/accelerator=<accelerator>`."""
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": ACCELERATOR_LABEL, "operator": "In", "values": [accelerator]}
                        ]
                    }
                ]
            }
        }
    }


def nvidia_values() -> dict[str, Any]:
    return {
        "fullnameOverride": "nvidia-device-plugin",
        "nodeSelector": {ACCELERATOR_LABEL: "nvidia"},
        # Helm merges maps but replaces lists: these terms replace the chart's NFD ones.
        "affinity": _only_on("nvidia"),
        "tolerations": [_toleration(GPU_TAINT)],
        "gfd": {"enabled": False},
    }


def neuron_values(instance_types: list[str]) -> dict[str, Any]:
    system = {NODE_GROUP_LABEL: SYSTEM_GROUP}
    return {
        # The device plugin's affinity lists these types; ours are enough, and a type the
        # chart does not know yet still gets its plugin.
        "neuronInstances": sorted(instance_types),
        "devicePlugin": {
            "nodeSelector": {ACCELERATOR_LABEL: "neuron"},
            "tolerations": [_toleration(NEURON_TAINT)],
        },
        "scheduler": {
            "enabled": True,
            "nodeSelector": system,
            "customScheduler": {
                "enabled": True,
                "fullnameOverride": NEURON_SCHEDULER,
                "nodeSelector": system,
            },
        },
        "npd": {"enabled": False},
    }


@dataclass(frozen=True)
class DevicePluginsArgs:
    nvidia: bool
    neuron_instance_types: list[str]
    k8s_provider: k8s.Provider
    # The Neuron scheduler Deployments run on the system nodes.
    system_ready: list[pulumi.Resource]


class DevicePlugins(pulumi.ComponentResource):
    """The plugins the spec's accelerators need, and nothing else."""

    def __init__(
        self, name: str, args: DevicePluginsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:DevicePlugins", name, None, opts)
        if args.nvidia:
            # A DaemonSet: with no GPU node yet it is ready at once, so it waits for nothing.
            k8s.helm.v3.Release(
                f"{name}-nvidia",
                name="nvidia-device-plugin",
                chart=NVIDIA_CHART,
                version=NVIDIA_CHART_VERSION,
                repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=NVIDIA_REPOSITORY),
                namespace=naming.SYSTEM_NAMESPACE,
                values=nvidia_values(),
                opts=pulumi.ResourceOptions(parent=self, provider=args.k8s_provider),
            )
        if args.neuron_instance_types:
            k8s.helm.v3.Release(
                f"{name}-neuron",
                name="neuron",
                chart=NEURON_CHART,
                version=NEURON_CHART_VERSION,
                namespace=naming.SYSTEM_NAMESPACE,
                values=neuron_values(args.neuron_instance_types),
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=args.k8s_provider,
                    # Helm waits for the scheduler Deployments, which need the system nodes.
                    depends_on=args.system_ready,
                ),
            )
        self.register_outputs({})
