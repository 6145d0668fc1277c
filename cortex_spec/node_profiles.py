"""What each node group becomes: AMI type, taints, labels, allocatable capacity, capacity split.

Pure functions of the spec and the catalog, shared by validation, the Pulumi program, the
offline plan and the cost estimate, so that they can never disagree.

Allocatable capacity uses Cortex v0.42's reserves (pkg/operator/resources/validations.go,
see shared/reference/cortex-spec.md §8): CPU minus 260m of DaemonSet pods and 300m of
kubelet/system reserve; memory minus 350Mi and 800Mi; GPU nodes a further 150m/150Mi
(device plugin and DCGM exporter); Neuron nodes a further 100m/100Mi (device plugin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final, Literal

from cortex_spec import catalog
from cortex_spec.models.cluster import NodeGroup, SystemNodeGroup

NODE_GROUP_LABEL: Final = "cortex.dev/node-group"
CAPACITY_LABEL: Final = "cortex.dev/capacity-type"
# On accelerated nodes only (nvidia or neuron): device plugins select nodes by it.
ACCELERATOR_LABEL: Final = "cortex.dev/accelerator"
GPU_RESOURCE: Final = "nvidia.com/gpu"
NEURON_RESOURCE: Final = "aws.amazon.com/neuron"
NEURONCORE_RESOURCE: Final = "aws.amazon.com/neuroncore"
SYSTEM_GROUP: Final = "system"
COMPANION_SUFFIX: Final = "-on-demand"

_CPU_RESERVED_MILLIS: Final = 260 + 300
_MEM_RESERVED_MIB: Final = 350 + 800
_GPU_RESERVED: Final = (100 + 50, 100 + 50)
_NEURON_RESERVED: Final = (100, 100)

Accelerator = Literal["none", "nvidia", "neuron"]
CapacityType = Literal["ON_DEMAND", "SPOT"]


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: Literal["NO_SCHEDULE"] = "NO_SCHEDULE"

    @property
    def kubernetes_effect(self) -> str:
        return "NoSchedule"


GPU_TAINT: Final = Taint(GPU_RESOURCE, "true")
NEURON_TAINT: Final = Taint(NEURON_RESOURCE, "true")


# gp3 includes this much IOPS and throughput in its base price; Cortex defaulted to exactly it.
GP3_BASE_IOPS: Final = 3000
GP3_BASE_THROUGHPUT: Final = 125
# The system group has no volume fields in the spec: Cortex's node-group default, 50 GB gp3.
SYSTEM_VOLUME_GB: Final = 50
SYSTEM_VOLUME_TYPE: Final = "gp3"


@dataclass(frozen=True)
class RootVolume:
    size_gb: int
    type: str
    iops: int | None
    throughput: int | None


def root_volume(size_gb: int, kind: str, iops: int | None, throughput: int | None) -> RootVolume:
    """The spec's volume with Cortex's defaults: gp3 3000 IOPS and 125 MB/s; io1
    min(50 x size, 3000) IOPS (cortex-spec.md §2.5). Other types take neither."""
    if kind == "gp3":
        return RootVolume(size_gb, kind, iops or GP3_BASE_IOPS, throughput or GP3_BASE_THROUGHPUT)
    if kind == "io1":
        return RootVolume(size_gb, kind, iops or min(50 * size_gb, 3000), None)
    return RootVolume(size_gb, kind, None, None)


@dataclass(frozen=True)
class Allocatable:
    cpu_millis: int
    memory_mib: int
    gpu: int
    neuron_devices: int
    neuron_cores: int


def accelerator_of(info: catalog.InstanceType) -> Accelerator:
    kind = info.accelerator
    return kind if kind in ("nvidia", "neuron") else "none"


def ami_type(info: catalog.InstanceType) -> str:
    """The EKS AL2023 AMI type for an instance type (eks-reference.md §1)."""
    arm = info.arch == "arm64"
    kind = accelerator_of(info)
    if kind == "neuron":
        return "AL2023_x86_64_NEURON"
    if kind == "nvidia":
        return "AL2023_ARM_64_NVIDIA" if arm else "AL2023_x86_64_NVIDIA"
    return "AL2023_ARM_64_STANDARD" if arm else "AL2023_x86_64_STANDARD"


def allocatable(info: catalog.InstanceType) -> Allocatable:
    cpu = info.vcpu * 1000 - _CPU_RESERVED_MILLIS
    mem = info.memory_mib - _MEM_RESERVED_MIB
    kind = accelerator_of(info)
    if kind == "nvidia":
        cpu, mem = cpu - _GPU_RESERVED[0], mem - _GPU_RESERVED[1]
    elif kind == "neuron":
        cpu, mem = cpu - _NEURON_RESERVED[0], mem - _NEURON_RESERVED[1]
    return Allocatable(
        cpu_millis=max(cpu, 0),
        memory_mib=max(mem, 0),
        gpu=info.gpus,
        neuron_devices=info.neuron_devices,
        neuron_cores=info.neuron_cores,
    )


@dataclass(frozen=True)
class ManagedGroup:
    """One EKS managed node group to create for a spec node group."""

    name: str
    capacity_type: CapacityType
    min_size: int
    max_size: int
    expander_priority: int
    companion: bool = False


@dataclass(frozen=True)
class NodeProfile:
    """Everything derived from one spec node group."""

    name: str
    instance_types: tuple[str, ...]
    accelerator: Accelerator
    ami_type: str
    allocatable: Allocatable
    priority: int
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[Taint, ...] = ()
    extended_resources: dict[str, int] = field(default_factory=dict)
    groups: tuple[ManagedGroup, ...] = ()
    system: bool = False
    volume: RootVolume = RootVolume(
        SYSTEM_VOLUME_GB, SYSTEM_VOLUME_TYPE, GP3_BASE_IOPS, GP3_BASE_THROUGHPUT
    )

    @property
    def instance_type(self) -> str:
        return self.instance_types[0]

    @property
    def gpu_model(self) -> str | None:
        info = catalog.instance_type(self.instance_type)
        return info.gpu.name if info and info.gpu and self.accelerator == "nvidia" else None


def instance_types_of(group: NodeGroup) -> tuple[str, ...]:
    """The primary type first, then the spot distribution without repeats (Cortex order)."""
    extra = group.spot_config.instance_distribution if group.spot and group.spot_config else None
    ordered = [group.instance_type, *(extra or [])]
    return tuple(dict.fromkeys(ordered))


def on_demand_split(group: NodeGroup) -> tuple[int, int]:
    """(min, max) on-demand instances of a spot group, by Cortex's base + percentage rule.

    The base is always on-demand; of the capacity above it, the percentage is on-demand,
    rounded up in favour of on-demand as EC2 Auto Scaling rounds it.
    """
    config = group.spot_config
    base = config.on_demand_base_capacity if config else 0
    percent = config.on_demand_percentage_above_base_capacity if config else 0

    def on_demand(total: int) -> int:
        below = min(total, base)
        return below + math.ceil(percent * max(total - base, 0) / 100)

    return on_demand(group.min_instances), on_demand(group.max_instances)


def managed_groups(group: NodeGroup) -> tuple[ManagedGroup, ...]:
    """The EKS managed node groups for a spec group; spot may add an on-demand companion.

    The spot group is preferred (higher expander priority); the companion holds the
    on-demand share and is where the autoscaler falls back when spot is short.
    """
    # Expander priorities: system 1; per spec priority p, spot/primary 2p+1, companion 2p.
    primary_priority = 2 * group.priority + 1
    if not group.spot:
        return (
            ManagedGroup(
                group.name, "ON_DEMAND", group.min_instances, group.max_instances, primary_priority
            ),
        )
    od_min, od_max = on_demand_split(group)
    spot_min, spot_max = group.min_instances - od_min, group.max_instances - od_max
    out: list[ManagedGroup] = []
    if spot_max > 0:
        out.append(ManagedGroup(group.name, "SPOT", spot_min, spot_max, primary_priority))
    if od_max > 0:
        out.append(
            ManagedGroup(
                group.name + COMPANION_SUFFIX,
                "ON_DEMAND",
                od_min,
                od_max,
                primary_priority - 1,
                companion=True,
            )
        )
    return tuple(out)


def profile(group: NodeGroup) -> NodeProfile:
    types = instance_types_of(group)
    info = catalog.instance_type(types[0])
    if info is None:
        raise ValueError(f"unknown instance type {types[0]}; validate the spec first")
    kind = accelerator_of(info)
    labels = {NODE_GROUP_LABEL: group.name}
    if kind != "none":
        labels[ACCELERATOR_LABEL] = kind
    taints: tuple[Taint, ...] = ()
    resources: dict[str, int] = {}
    if kind == "nvidia":
        taints = (GPU_TAINT,)
        resources = {GPU_RESOURCE: info.gpus}
        if info.gpu is not None:
            # The cluster-autoscaler README asks for this label on GPU nodes so that it
            # waits for the device plugin instead of scaling out again.
            labels["k8s.amazonaws.com/accelerator"] = f"nvidia-{info.gpu.name.lower()}"
    elif kind == "neuron":
        taints = (NEURON_TAINT,)
        resources = {NEURON_RESOURCE: info.neuron_devices, NEURONCORE_RESOURCE: info.neuron_cores}
    return NodeProfile(
        name=group.name,
        instance_types=types,
        accelerator=kind,
        ami_type=ami_type(info),
        allocatable=allocatable(info),
        priority=group.priority,
        labels=labels,
        taints=taints,
        extended_resources=resources,
        groups=managed_groups(group),
        volume=root_volume(
            group.instance_volume_size,
            group.instance_volume_type,
            group.instance_volume_iops,
            group.instance_volume_throughput,
        ),
    )


def system_profile(group: SystemNodeGroup) -> NodeProfile:
    info = catalog.instance_type(group.instance_type)
    if info is None:
        raise ValueError(f"unknown instance type {group.instance_type}; validate the spec first")
    return NodeProfile(
        name=SYSTEM_GROUP,
        instance_types=(group.instance_type,),
        accelerator="none",
        ami_type=ami_type(info),
        allocatable=allocatable(info),
        priority=1,
        labels={NODE_GROUP_LABEL: SYSTEM_GROUP},
        groups=(
            ManagedGroup(SYSTEM_GROUP, "ON_DEMAND", group.min_instances, group.max_instances, 1),
        ),
        system=True,
        volume=root_volume(SYSTEM_VOLUME_GB, SYSTEM_VOLUME_TYPE, None, None),
    )


def group_labels(node_profile: NodeProfile, group: ManagedGroup) -> dict[str, str]:
    """The node labels of one managed group: its profile's, plus its capacity type."""
    capacity = "spot" if group.capacity_type == "SPOT" else "on-demand"
    return {**node_profile.labels, CAPACITY_LABEL: capacity}
