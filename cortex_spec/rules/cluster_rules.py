"""Cross-field rules of `cluster:` (Cortex's `Config.validate`, plus EKS constraints)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from cortex_spec import catalog
from cortex_spec.diagnostics import Finding
from cortex_spec.kubernetes_versions import SUPPORT, TABLE_READ_ON, minor
from cortex_spec.models.cluster import ClusterConfig, NodeGroup
from cortex_spec.models.legacy import CORTEX_ONLY_FIELDS
from cortex_spec.node_profiles import COMPANION_SUFFIX, SYSTEM_GROUP, ami_type

_TAG_TEXT = re.compile(r"^[\w .:/+\-@=]*$")
_RESERVED_TAG_PREFIXES = (
    "kubernetes.io/",
    "k8s.io/",
    "eksctl.",
    "alpha.eksctl.",
    "beta.eksctl.",
    "aws:",
)
CLUSTER_NAME_TAG = "cortex.dev/cluster-name"


def check_cluster(cluster: ClusterConfig) -> list[Finding]:
    findings = list(_network(cluster))
    findings += _tags(cluster)
    findings += _legacy(cluster)
    findings += _version(cluster)
    if cluster.ssl_certificate_arn and cluster.ssl_certificate_arn.split(":")[3] != cluster.region:
        findings.append(
            Finding(
                ("cluster", "ssl_certificate_arn"),
                f"the certificate is in {cluster.ssl_certificate_arn.split(':')[3]}, "
                f"but the cluster is in {cluster.region}",
                "load balancers use ACM certificates of their own region; import or request "
                f"the certificate in {cluster.region}",
            )
        )
    system = cluster.system_node_group
    if system.min_instances > system.max_instances:
        findings.append(
            Finding(
                ("cluster", "system_node_group", "min_instances"),
                f"must be <= max_instances (got {system.min_instances} > {system.max_instances})",
                "lower min_instances or raise max_instances",
            )
        )
    findings += _node_group_names(cluster)
    for index, group in enumerate(cluster.worker_groups):
        findings += _node_group(cluster, group, ("cluster", "node_groups", index))
    return findings


def _network(cluster: ClusterConfig) -> Iterator[Finding]:
    region = catalog.region(cluster.region)
    known_zones = region.zones if region else None
    yield from _zones(cluster, known_zones)
    yield from _subnets(cluster, known_zones)
    prefix = ipaddress.ip_network(cluster.vpc_cidr).prefixlen
    if not 16 <= prefix <= 24:
        yield Finding(
            ("cluster", "vpc_cidr"),
            f"invalid network size /{prefix}; the network size must be between /16 and /24",
            "use a /16 such as 192.168.0.0/16",
        )


def _zones(cluster: ClusterConfig, known_zones: tuple[str, ...] | None) -> Iterator[Finding]:
    if cluster.availability_zones is not None:
        zones = cluster.availability_zones
        path = ("cluster", "availability_zones")
        if len(zones) < 2:
            yield Finding(
                path,
                "must contain at least 2 elements",
                "EKS needs subnets in at least two AZs; list two or more, or remove "
                "the field to let cortex-infra choose",
            )
        for index, zone in enumerate(zones):
            if zones.index(zone) != index:
                yield Finding((*path, index), f'"{zone}" is duplicated', "list each AZ once")
            elif not _zone_in_region(zone, cluster.region, known_zones):
                yield Finding(
                    (*path, index),
                    f'"{zone}" is not an availability zone of {cluster.region}',
                    _zone_hint(cluster.region, known_zones),
                )
        if cluster.subnets is not None:
            yield Finding(
                path,
                "cannot specify both availability_zones and subnets",
                "specify only one (or neither)",
            )


def _subnets(cluster: ClusterConfig, known_zones: tuple[str, ...] | None) -> Iterator[Finding]:
    if cluster.subnets is not None:
        path = ("cluster", "subnets")
        if len(cluster.subnets) < 2:
            yield Finding(
                path,
                "must contain at least 2 elements",
                "give a subnet in each of at least two AZs",
            )
        seen: set[str] = set()
        for index, subnet in enumerate(cluster.subnets):
            zone = subnet.availability_zone
            if zone in seen:
                yield Finding(
                    (*path, index, "availability_zone"),
                    f'availability zone "{zone}" is specified twice',
                    "give one subnet per AZ",
                )
            elif not _zone_in_region(zone, cluster.region, known_zones):
                yield Finding(
                    (*path, index, "availability_zone"),
                    f'"{zone}" is not an availability zone of {cluster.region}',
                    _zone_hint(cluster.region, known_zones),
                )
            seen.add(zone)
        if cluster.nat_gateway not in (None, "none"):
            yield Finding(
                ("cluster", "nat_gateway"),
                "nat gateway cannot be automatically created when specifying subnets",
                "please unset nat_gateway or subnets",
            )
    elif cluster.subnet_visibility == "private" and cluster.nat_gateway == "none":
        yield Finding(
            ("cluster", "nat_gateway"),
            "a nat gateway is required when `subnet_visibility: private` is specified",
            'set nat_gateway to "single" or "highly_available", or set '
            'subnet_visibility to "public"',
        )


def _zone_in_region(zone: str, region: str, known: tuple[str, ...] | None) -> bool:
    if known is not None:
        return zone in known
    return re.fullmatch(re.escape(region) + r"[a-z]", zone) is not None


def _zone_hint(region: str, known: tuple[str, ...] | None) -> str:
    return f"use one of {', '.join(known)}" if known else f"write it like {region}a"


def _tags(cluster: ClusterConfig) -> Iterator[Finding]:
    for key, value in cluster.tags.items():
        path = ("cluster", "tags", key)
        if not 1 <= len(key) <= 127 or not 1 <= len(value) <= 255:
            yield Finding(
                path, "tag keys must be 1-127 characters and values 1-255", "shorten the tag"
            )
        elif (
            not (_TAG_TEXT.match(key) and _TAG_TEXT.match(value))
            or key != key.strip()
            or (value != value.strip())
        ):
            yield Finding(
                path,
                "tags may contain only letters, digits, spaces and _ . : / = + - @",
                "remove other characters and leading or trailing spaces",
            )
        elif key.lower().startswith(_RESERVED_TAG_PREFIXES):
            yield Finding(
                path,
                f'tag key "{key}" uses a reserved prefix',
                "keys may not start with kubernetes.io/, k8s.io/, eksctl., "
                "alpha.eksctl., beta.eksctl. or aws:",
            )
        elif key == CLUSTER_NAME_TAG and value != cluster.name:
            yield Finding(
                path,
                f"must equal the cluster name ({cluster.name})",
                "remove the tag; cortex-infra adds it",
            )
        elif key.lower().startswith("cortex.dev/") and key != CLUSTER_NAME_TAG:
            yield Finding(path, f'tag key "{key}" is reserved', "cortex.dev/ keys are reserved")


def _legacy(cluster: ClusterConfig) -> Iterator[Finding]:
    for name in CORTEX_ONLY_FIELDS:
        if name in cluster.model_fields_set:
            yield Finding(
                ("cluster", name),
                f"{name} is a Cortex-only setting and is ignored",
                "remove it when you no longer need Cortex to read this file",
                severity="warning",
            )
    if cluster.api_load_balancer_type != "alb":
        yield Finding(
            ("cluster", "api_load_balancer_type"),
            f"{cluster.api_load_balancer_type} is ignored: cortex-infra builds an "
            "application load balancer, which routes each API by path",
            "remove the field or set it to alb",
            severity="warning",
        )


def _version(cluster: ClusterConfig) -> Iterator[Finding]:
    version = cluster.kubernetes_version
    newest = max(SUPPORT, key=minor)
    support = SUPPORT.get(version)
    path = ("cluster", "kubernetes_version")
    if support is None and minor(version) > minor(newest):
        yield Finding(
            path,
            f"Kubernetes {version} is newer than the versions this release "
            f"knows (up to {newest}, table of {TABLE_READ_ON})",
            "make sure EKS offers it in your region",
            severity="warning",
        )
    elif support is not None and support.standard_support_ends < TABLE_READ_ON:
        yield Finding(
            path,
            f"Kubernetes {version} left EKS standard support on "
            f"{support.standard_support_ends}; extended support (charged extra) ends "
            f"{support.extended_support_ends}",
            f"upgrade to {newest}",
            severity="warning",
        )


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
            (*path, "instance_volume_iops" if iops is None else "instance_volume_throughput"),
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
    missing = [z for z in wanted if zones is not None and z not in zones]
    if missing:
        yield Finding(
            path,
            f"{type_name} is not offered in {', '.join(missing)}",
            f"it is offered in {', '.join(zones or ())}; change availability_zones",
        )


def _spot(
    cluster: ClusterConfig, group: NodeGroup, path: tuple[str | int, ...]
) -> Iterator[Finding]:
    config = group.spot_config
    assert config is not None
    primary = catalog.instance_type(group.instance_type)
    distribution = config.instance_distribution or []
    for index, name in enumerate(distribution):
        item = (*path, "instance_distribution", index)
        if distribution.index(name) != index:
            yield Finding(item, f'"{name}" is duplicated', "list each type once")
            continue
        info = catalog.instance_type(name)
        if info is None or primary is None or name == primary.name:
            continue
        yield from _offered(cluster, name, item)
        for label, have, need in (
            ("GPU", info.gpus, primary.gpus),
            ("memory", info.memory_mib, primary.memory_mib),
            ("CPU", info.vcpu, primary.vcpu),
        ):
            if have < need:
                yield Finding(
                    item,
                    f"all instances must have at least as much {label} as "
                    f"{primary.name} ({name} has less)",
                    f"remove {name}",
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
