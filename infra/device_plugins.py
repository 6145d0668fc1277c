"""Device plugins: NVIDIA (nvidia.com/gpu) and AWS Neuron (aws.amazon.com/neuron), each a Helm
release installed only when the spec has a node group with that accelerator.

Versions come from the version matrix row of the cluster's minor
(`cortex_spec/data/version_matrix.yaml`, each with its source).

NVIDIA: chart `nvidia-device-plugin` from https://nvidia.github.io/k8s-device-plugin. Its
default affinity wants Node Feature Discovery labels we do not run, so the affinity is
replaced by ours; GPU feature discovery (a privileged pod) stays off, the chart's default.

Neuron: chart `oci://public.ecr.aws/neuron/neuron-helm-chart`. The device plugin runs on
Neuron nodes; the scheduler extension and the second scheduler `my-scheduler`, which Neuron
pods name in `schedulerName` (eks-reference.md §4), run on the system nodes. The chart's
default kube-scheduler image (`scheduler.customScheduler.image`, v1.31.12 in the chart
README) would run minors behind the API server, which the Kubernetes skew policy does not
allow (a scheduler at most one minor older); the matrix names an EKS Distro kube-scheduler
of the cluster's own minor instead. The node problem detector is off, as the Neuron docs
install it (`npd.enabled=false`): it tolerates every taint and its recovery agent needs IAM
we do not grant.
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
from cortex_spec.version_matrix import matrix

NVIDIA_CHART: Final = "nvidia-device-plugin"
NVIDIA_REPOSITORY: Final = "https://nvidia.github.io/k8s-device-plugin"
NEURON_CHART: Final = "oci://public.ecr.aws/neuron/neuron-helm-chart"
NEURON_SCHEDULER: Final = "my-scheduler"
# EKS Distro's kube-scheduler, the repository the Neuron chart itself uses.
KUBE_SCHEDULER_REPOSITORY: Final = "public.ecr.aws/eks-distro/kubernetes/kube-scheduler"


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


def neuron_values(instance_types: list[str], kubernetes_version: str) -> dict[str, Any]:
    system = {NODE_GROUP_LABEL: SYSTEM_GROUP}
    scheduler_tag = matrix().version(kubernetes_version, "neuron-scheduler")
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
                "image": {"repository": KUBE_SCHEDULER_REPOSITORY, "tag": scheduler_tag},
            },
        },
        "npd": {"enabled": False},
    }


@dataclass(frozen=True)
class DevicePluginsArgs:
    nvidia: bool
    neuron_instance_types: list[str]
    kubernetes_version: str
    k8s_provider: k8s.Provider
    # The Neuron scheduler Deployments run on the system nodes.
    system_ready: list[pulumi.Resource]


class DevicePlugins(pulumi.ComponentResource):
    """The plugins the spec's accelerators need, and nothing else."""

    def __init__(
        self, name: str, args: DevicePluginsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:DevicePlugins", name, None, opts)
        versions = matrix()
        if args.nvidia:
            # A DaemonSet: with no GPU node yet it is ready at once, so it waits for nothing.
            k8s.helm.v3.Release(
                f"{name}-nvidia",
                name="nvidia-device-plugin",
                chart=NVIDIA_CHART,
                version=versions.version(args.kubernetes_version, "nvidia-device-plugin"),
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
                version=versions.version(args.kubernetes_version, "neuron-chart"),
                namespace=naming.SYSTEM_NAMESPACE,
                values=neuron_values(args.neuron_instance_types, args.kubernetes_version),
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=args.k8s_provider,
                    # Helm waits for the scheduler Deployments, which need the system nodes.
                    depends_on=args.system_ready,
                ),
            )
        self.register_outputs({})
