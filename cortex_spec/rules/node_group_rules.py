"""Rules of `cluster.node_groups[]`: names, sizes, volumes, offerings and the spot mix."""

from __future__ import annotations

from collections.abc import Iterator

from cortex_spec import catalog
from cortex_spec.diagnostics import Finding
from cortex_spec.models.base import shown
from cortex_spec.models.cluster import ClusterConfig, NodeGroup
from cortex_spec.node_profiles import COMPANION_SUFFIX, SYSTEM_GROUP, ami_type


def check_node_groups(cluster: ClusterConfig) -> list[Finding]:
    findings = list(_node_group_names(cluster))
    for index, group in enumerate(cluster.worker_groups):
        findings += _node_group(cluster, group, ("cluster", "node_groups", index))
    return findings


def _node_group_names(cluster: ClusterConfig) -> Iterator[Finding]:
    names: dict[str, int] = {}
    for index, group in enumerate(cluster.worker_groups):
        path = ("cluster", "node_groups", index, "name")
        if group.name in names:
            yield Finding(
                path,
                f"cannot have multiple nodegroups with the same name ({group.name})",
                "rename one of them",
            )
        elif group.name == SYSTEM_GROUP:
            yield Finding(
                path,
                f'"{SYSTEM_GROUP}" is reserved for the add-on node group',
                "rename it; configure add-on nodes under cluster.system_node_group",
            )
        names.setdefault(group.name, index)
    for index, group in enumerate(cluster.worker_groups):
        base = group.name.removesuffix(COMPANION_SUFFIX)
        if base != group.name and base in names and cluster.worker_groups[names[base]].spot:
            yield Finding(
                ("cluster", "node_groups", index, "name"),
                f'"{group.name}" collides with the on-demand companion of "{base}"',
                "rename it",
            )


def _node_group(
    cluster: ClusterConfig, group: NodeGroup, path: tuple[str | int, ...]
) -> Iterator[Finding]:
    if group.min_instances > group.max_instances:
        yield Finding(
            (*path, "min_instances"),
            f"min_instances cannot be greater than max_instances ({group.min_instances} "
            f"> {group.max_instances})",
            "lower min_instances or raise max_instances",
        )
    yield from _volume(group, path)
    yield from _offered(cluster, group.instance_type, (*path, "instance_type"))
    info = catalog.instance_type(group.instance_type)
    if info is not None and info.series == "inf" and info.family == "inf1":
        yield Finding(
            (*path, "instance_type"),
            "inf1 is a legacy Neuron generation; support for it on the AL2023 Neuron "
            "AMI is unverified",
            "prefer inf2",
            severity="warning",
        )
    if info is not None and info.listed_regions is not None:
        yield Finding(
            (*path, "instance_type"),
            f"{group.instance_type}'s availability zones are not in cortex-infra's catalog "
            "(its EC2 data lacks p3; Cortex v0.42.1's price table lists it in "
            f"{cluster.region}): every zone of the region is assumed",
            "run `cortex-infra preflight`, which asks EC2 where it is offered, or list "
            "availability_zones that offer it",
            severity="warning",
        )
    if group.spot_config is not None and not group.spot:
        yield Finding(
            (*path, "spot_config"),
            "spot_config cannot be specified unless spot is enabled",
            "to enable spot instances, set `spot: true`",
        )
    elif group.spot_config is not None:
        yield from _spot(cluster, group, (*path, "spot_config"))


def _volume(group: NodeGroup, path: tuple[str | int, ...]) -> Iterator[Finding]:
    kind, size = group.instance_volume_type, group.instance_volume_size
    iops, throughput = group.instance_volume_iops, group.instance_volume_throughput
    if kind in ("st1", "sc1"):
        yield Finding(
            (*path, "instance_volume_type"),
            f"{kind} volumes cannot be boot volumes",
            "use gp3 (or gp2 or io1) for the node's root volume",
        )
    if iops is not None and kind not in ("io1", "gp3"):
        yield Finding(
            (*path, "instance_volume_iops"),
            f"IOPS cannot be configured for volume type {kind}",
            "set `instance_volume_type: io1` or `gp3`, or remove instance_volume_iops",
        )
    if throughput is not None and kind != "gp3":
        yield Finding(
            (*path, "instance_volume_throughput"),
            f"throughput cannot be configured for volume type {kind}",
            "set `instance_volume_type: gp3`, or remove instance_volume_throughput",
        )
    if kind == "gp3" and (iops is None) != (throughput is None):
        yield Finding(
            (*path, "instance_volume_iops" if iops is not None else "instance_volume_throughput"),
            "specify exactly two or none of the following fields: instance_volume_iops "
            "and instance_volume_throughput",
            "set both, or remove both",
        )
    if kind == "gp3" and iops is not None:
        if not 3000 <= iops <= 16000 or iops > 500 * size:
            yield Finding(
                (*path, "instance_volume_iops"),
                f"for gp3, instance_volume_iops must be 3000-16000 and at most 500 x "
                f"instance_volume_size ({500 * size}) (got {iops})",
                "adjust the IOPS",
            )
        if throughput is not None and not 125 <= throughput <= 1000:
            yield Finding(
                (*path, "instance_volume_throughput"),
                f"must be between 125 and 1000 (got {throughput})",
                "adjust throughput",
            )
        elif throughput is not None and iops / throughput < 4:
            yield Finding(
                (*path, "instance_volume_throughput"),
                f"instance_volume_iops / instance_volume_throughput must be at least 4 "
                f"(got {iops} / {throughput})",
                "raise the IOPS or lower the throughput",
            )
    if kind == "io1" and iops is not None and (not 100 <= iops <= 64000 or iops > 50 * size):
        yield Finding(
            (*path, "instance_volume_iops"),
            f"for io1, instance_volume_iops must be 100-64000 and at most 50 x "
            f"instance_volume_size ({50 * size}) (got {iops})",
            "adjust the IOPS",
        )


def _offered(
    cluster: ClusterConfig, type_name: str, path: tuple[str | int, ...]
) -> Iterator[Finding]:
    zones = catalog.offered_zones(cluster.region, type_name)
    if zones is not None and not zones:
        yield Finding(
            path,
            f"{type_name} instances are not available in {cluster.region}",
            "pick another instance type or region",
        )
        return
    wanted = cluster.availability_zones or [s.availability_zone for s in cluster.subnets or []]
    region = catalog.region(cluster.region)
    # Zones outside the region are reported once, by the zone rules.
    in_region = [z for z in wanted if region is None or region.zones is None or z in region.zones]
    missing = [z for z in in_region if zones is not None and z not in zones]
    if missing:
        yield Finding(
            path,
            f"{type_name} is not offered in {', '.join(missing)}",
            f"it is offered in {', '.join(zones or ())}; change availability_zones",
        )


def _smaller(info: catalog.InstanceType, primary: catalog.InstanceType) -> str:
    """What `info` lacks against the primary type, e.g. `4 vCPU < 8, 16 GiB memory < 32`."""
    lacking = []
    if info.vcpu < primary.vcpu:
        lacking.append(f"{info.vcpu} vCPU < {primary.vcpu}")
    if info.memory_mib < primary.memory_mib:
        lacking.append(f"{_gib(info.memory_mib)} memory < {_gib(primary.memory_mib)}")
    if info.gpus < primary.gpus:
        lacking.append(f"{info.gpus} GPU < {primary.gpus}")
    return ", ".join(lacking)


def _gib(mib: int) -> str:
    return f"{mib / 1024:g} GiB"


def _spot(
    cluster: ClusterConfig, group: NodeGroup, path: tuple[str | int, ...]
) -> Iterator[Finding]:
    config = group.spot_config
    assert config is not None
    primary = catalog.instance_type(group.instance_type)
    distribution = config.instance_distribution or []
    first: dict[str, int] = {}
    for index, name in enumerate(distribution):
        item = (*path, "instance_distribution", index)
        if first.setdefault(name, index) != index:
            yield Finding(item, f'"{shown(name)}" is duplicated', "list each type once")
            continue
        info = catalog.instance_type(name)
        if info is None or primary is None or name == primary.name:
            continue
        yield from _offered(cluster, name, item)
        smaller = _smaller(info, primary)
        if smaller:
            yield Finding(
                item,
                f"{name} is smaller than {primary.name}: {smaller}",
                "every type in instance_distribution needs at least the CPU, memory and "
                f"GPUs of instance_type; remove {name} or pick a larger size",
            )
        if primary.neuron_devices and not info.neuron_devices:
            yield Finding(
                item,
                f"all instances must have at least 1 Inferentia chip, but {name} doesn't have any",
                f"remove {name}",
            )
        if ami_type(info) != ami_type(primary):
            yield Finding(
                item,
                f"{name} needs AMI type {ami_type(info)} but {primary.name} needs "
                f"{ami_type(primary)}; one managed node group has one AMI type",
                "use types of the same architecture and accelerator",
            )
        elif (info.vcpu, info.memory_mib) != (primary.vcpu, primary.memory_mib):
            yield Finding(
                item,
                f"{name} differs from {primary.name} in CPU or memory; the "
                "cluster-autoscaler sizes the group by its first type",
                "prefer types of equal size",
                severity="warning",
            )
    if config.on_demand_base_capacity > group.max_instances:
        yield Finding(
            (*path, "on_demand_base_capacity"),
            f"must be <= max_instances (got {config.on_demand_base_capacity} > "
            f"{group.max_instances})",
            "lower on_demand_base_capacity",
        )
    if config.max_price is not None:
        yield Finding(
            (*path, "max_price"),
            "EKS managed node groups cannot cap the spot price; "
            "ignored (spot is never charged above the on-demand price)",
            "remove max_price",
            severity="warning",
        )
    if config.instance_pools is not None:
        yield Finding(
            (*path, "instance_pools"),
            "EKS managed node groups pick spot pools themselves; ignored",
            "remove instance_pools",
            severity="warning",
        )
    if config.on_demand_percentage_above_base_capacity == 100:
        yield Finding(
            (*path, "on_demand_percentage_above_base_capacity"),
            "100% on-demand leaves no spot capacity",
            "set spot: false, or lower it",
            severity="warning",
        )
