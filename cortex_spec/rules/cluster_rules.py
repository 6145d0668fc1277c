"""Cross-field rules of `cluster:` (Cortex's `Config.validate`, plus EKS constraints)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from cortex_spec import catalog, limits
from cortex_spec.diagnostics import Finding
from cortex_spec.models.base import shown
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.models.cortex_history import ignored_fields
from cortex_spec.models.legacy import CORTEX_ONLY_FIELDS, cortex_only_reason
from cortex_spec.rules.node_group_rules import check_node_groups
from cortex_spec.rules.zone_rules import check_default_zones

# AWS tag text: letters (any script), digits, spaces and _ . : / = + - @, matched whole.
_TAG_TEXT = re.compile(r"[\w .:/+\-@=]*")
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
    for field, message, hint in ignored_fields(cluster):
        findings.append(Finding(("cluster", field), message, hint, severity="warning"))
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
    if cluster.hosted_zone_id is not None and cluster.domain is None:
        findings.append(
            Finding(
                ("cluster", "hosted_zone_id"),
                "is set, but there is no domain to put in that zone",
                "set cluster.domain too (e.g. api.example.com), or remove hosted_zone_id",
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
    findings += check_node_groups(cluster)
    findings += check_default_zones(cluster)
    return findings


def _network(cluster: ClusterConfig) -> Iterator[Finding]:
    region = catalog.region(cluster.region)
    known_zones = region.zones if region else None
    yield from _zones(cluster, known_zones)
    yield from _subnets(cluster, known_zones)
    for path, written, normalised in cluster._normalised_cidrs:
        # Cortex (Go's net.ParseCIDR) accepted host bits; AWS and Kubernetes want the
        # network address, so the block is normalised and the user told.
        yield Finding(
            ("cluster", *path),
            f"{written} has host bits set; read as {normalised}",
            f"write {normalised} to silence this",
            severity="warning",
        )
    network = ipaddress.ip_network(cluster.vpc_cidr)
    prefix = network.prefixlen
    if network.version != 4:
        yield Finding(
            ("cluster", "vpc_cidr"),
            "must be an IPv4 block: a VPC's primary CIDR is IPv4 (AWS assigns IPv6 blocks)",
            "use a /16 such as 192.168.0.0/16",
        )
    elif not 16 <= prefix <= 24:
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
        elif len(zones) > limits.MAX_AVAILABILITY_ZONES:
            yield Finding(
                path,
                f"must contain at most {limits.MAX_AVAILABILITY_ZONES} elements (got {len(zones)})",
                "the VPC is split into one public and one private subnet per AZ, for up to "
                f"{limits.MAX_AVAILABILITY_ZONES} AZs; list fewer",
            )
        first: dict[str, int] = {}
        for index, zone in enumerate(zones):
            if first.setdefault(zone, index) != index:
                yield Finding((*path, index), f'"{shown(zone)}" is duplicated', "list each AZ once")
            elif not _zone_in_region(zone, cluster.region, known_zones):
                yield Finding(
                    (*path, index),
                    f'"{shown(zone)}" is not an availability zone of {cluster.region}',
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
                    f'availability zone "{shown(zone)}" is specified twice',
                    "give one subnet per AZ",
                )
            elif not _zone_in_region(zone, cluster.region, known_zones):
                yield Finding(
                    (*path, index, "availability_zone"),
                    f'"{shown(zone)}" is not an availability zone of {cluster.region}',
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
            not (_TAG_TEXT.fullmatch(key) and _TAG_TEXT.fullmatch(value))
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
                f'tag key "{shown(key)}" uses a reserved prefix',
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
            yield Finding(
                path, f'tag key "{shown(key)}" is reserved', "cortex.dev/ keys are reserved"
            )


def _legacy(cluster: ClusterConfig) -> Iterator[Finding]:
    for name in CORTEX_ONLY_FIELDS:
        if name in cluster.model_fields_set:
            yield Finding(
                ("cluster", name),
                f"Cortex-only setting, ignored: {cortex_only_reason(name)}",
                "remove it when Cortex no longer needs to read this file",
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
