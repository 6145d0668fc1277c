"""Quota arithmetic (pure): how many vCPUs and network objects a cluster may need.

vCPU, as Cortex v0.42.1 `VerifyInstanceQuota` (cortex-spec.md §2.6, §9):
- a type's family letters pick its quota class: a c d h i m r t z share "standard"; p g inf x
  f mac vt dl trn im is hpc are their own class; other families are not checked;
- per node group, the worst-case split with base B, percentage P and maximum M:
  on-demand = B + ceil(P/100 x (M - B)), spot = M - B - floor(P/100 x (M - B));
- plus the system node group's maximum, on-demand.
One refinement: a spot group may launch any type of its distribution, so a group counts the
largest vCPU among its types of that class (Cortex used the primary type's).

Beyond Cortex, the overlap of a replacement: node groups are replaced create-before-delete
(infra/node_groups.py), so while a new group starts, the old one still runs. The new group
starts at its minimum while the old one may be at its maximum, so a change that replaces
every group (a new AZ, subnets) needs the steady-state figure plus every group's minimum at
once (`VcpuNeed.overlap_vcpu`). Draining the old group then moves its pods to the new one,
which the autoscaler grows as they arrive; up to old max + new max if the old nodes are
slow to terminate (docs/cluster.md, "Node groups on day 2").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from cortex_spec import catalog
from cortex_spec.loader import Spec
from cortex_spec.models.cluster import NodeGroup
from cortex_spec.node_profiles import SYSTEM_GROUP, NodeProfile

Purchase = Literal["on-demand", "spot"]

STANDARD: Final = "standard"
_STANDARD_FAMILIES: Final = frozenset("acdhimrtz")
_OWN_CLASS: Final = frozenset(
    {"p", "g", "inf", "x", "f", "mac", "vt", "dl", "trn", "im", "is", "hpc"}
)
# Quota codes (Service Quotas): EC2 Elastic IPs; VPC service VPCs, internet gateways and NAT
# gateways per AZ (cortex-spec.md §9; the VPC codes are in moto's VPC default quotas too).
EIP_QUOTA: Final = ("ec2", "L-0263D0A3")
VPC_QUOTA: Final = ("vpc", "L-F678F1CE")
IGW_QUOTA: Final = ("vpc", "L-A4707A72")
NAT_QUOTA: Final = ("vpc", "L-FE5A380F")


def quota_class(type_name: str) -> str | None:
    info = catalog.instance_type(type_name)
    if info is None:
        return None
    if info.series in _STANDARD_FAMILIES:
        return STANDARD
    return info.series if info.series in _OWN_CLASS else None


def max_on_demand(group: NodeGroup) -> int:
    """Cortex's `MaxPossibleOnDemandInstances`."""
    if not group.spot:
        return group.max_instances
    config = group.spot_config
    base = config.on_demand_base_capacity if config else 0
    percent = config.on_demand_percentage_above_base_capacity if config else 0
    return base + math.ceil(percent * (group.max_instances - base) / 100)


def max_spot(group: NodeGroup) -> int:
    """Cortex's `MaxPossibleSpotInstances`."""
    if not group.spot:
        return 0
    config = group.spot_config
    base = config.on_demand_base_capacity if config else 0
    percent = config.on_demand_percentage_above_base_capacity if config else 0
    return group.max_instances - base - math.floor(percent * (group.max_instances - base) / 100)


@dataclass(frozen=True)
class VcpuNeed:
    quota_class: str
    purchase: Purchase
    vcpu: int
    parts: tuple[str, ...] = field(default=())
    # `vcpu` plus every group's minimum again: what replacing all groups runs at once.
    overlap_vcpu: int = 0
    overlap_parts: tuple[str, ...] = field(default=())

    @property
    def dimension(self) -> str:
        """The Service Quotas `Class` dimension, lower-cased, e.g. `standard/ondemand`."""
        return f"{self.quota_class}/{'ondemand' if self.purchase == 'on-demand' else 'spot'}"


@dataclass(frozen=True)
class _Row:
    name: str
    types: tuple[str, ...]
    # purchase -> (the most instances at once, the fewest a new group starts with)
    counts: dict[str, tuple[int, int]]


def _minimum(profile: NodeProfile, capacity: str) -> int:
    return sum(g.min_size for g in profile.groups if g.capacity_type == capacity)


def _group_rows(spec: Spec) -> list[_Row]:
    """Per worker group, then the system group: its types, its maximum (Cortex's worst-case
    split) and its managed groups' minimum, per purchase option."""
    rows = [
        _Row(
            group.name,
            profile.instance_types,
            {
                "on-demand": (max_on_demand(group), _minimum(profile, "ON_DEMAND")),
                "spot": (max_spot(group), _minimum(profile, "SPOT")),
            },
        )
        for group, profile in zip(spec.cluster.worker_groups, spec.profiles, strict=True)
    ]
    system = spec.cluster.system_node_group
    rows.append(
        _Row(
            SYSTEM_GROUP,
            (system.instance_type,),
            {"on-demand": (system.max_instances, system.min_instances), "spot": (0, 0)},
        )
    )
    return rows


def vcpu_needs(spec: Spec) -> list[VcpuNeed]:
    """Needs per (class, purchase) that are above zero, in first-seen order."""
    totals: dict[tuple[str, str], tuple[int, list[str], int, list[str]]] = {}
    for row in _group_rows(spec):
        by_class: dict[str, list[str]] = {}
        for type_name in row.types:
            cls = quota_class(type_name)
            if cls is not None:
                by_class.setdefault(cls, []).append(type_name)
        for cls, members in by_class.items():
            vcpu = max(info.vcpu for t in members if (info := catalog.instance_type(t)))
            for purchase, (count, low) in row.counts.items():
                if count == 0:
                    continue
                key = (cls, purchase)
                total, parts, extra, extra_parts = totals.get(key, (0, [], 0, []))
                part = f"{row.name}: {count} x {vcpu} vCPU ({', '.join(members)})"
                new = [f"{row.name}: {low} x {vcpu} vCPU"] if low else []
                totals[key] = (
                    total + count * vcpu,
                    [*parts, part],
                    extra + low * vcpu,
                    [*extra_parts, *new],
                )
    return [
        VcpuNeed(
            cls,
            "on-demand" if purchase == "on-demand" else "spot",
            total,
            tuple(parts),
            overlap_vcpu=total + extra,
            overlap_parts=tuple(extra_parts),
        )
        for (cls, purchase), (total, parts, extra, extra_parts) in totals.items()
    ]


@dataclass(frozen=True)
class QuotaValue:
    code: str
    name: str
    value: float


def vcpu_quotas(quotas: Iterable[Mapping[str, Any]]) -> dict[str, QuotaValue]:
    """ListServiceQuotas(ec2) rows by lower-cased `Class` dimension (`g/spot`, ...)."""
    out: dict[str, QuotaValue] = {}
    for quota in quotas:
        dimensions = (quota.get("UsageMetric") or {}).get("MetricDimensions") or {}
        klass = str(dimensions.get("Class", ""))
        if not klass.endswith(("/OnDemand", "/Spot")) or "Value" not in quota:
            continue
        out[klass.lower()] = QuotaValue(
            str(quota.get("QuotaCode", "")), str(quota.get("QuotaName", "")), float(quota["Value"])
        )
    return out


def console_link(region: str, service: str, code: str) -> str:
    """Where to request an increase (the Service Quotas console URL Cortex printed)."""
    return (
        f"https://{region}.console.aws.amazon.com/servicequotas/home?region={region}"
        f"#!/services/{service}/quotas/{code}"
    )


@dataclass(frozen=True)
class NetworkNeed:
    vpcs: int
    internet_gateways: int
    nat_zones: tuple[str, ...]  # the zones that each get one NAT gateway and its Elastic IP
    nat_mode: Literal["none", "single", "highly_available"]

    @property
    def elastic_ips(self) -> int:
        return len(self.nat_zones)


def network_need(spec: Spec, zones: tuple[str, ...]) -> NetworkNeed:
    """A new VPC brings its internet gateway; existing `subnets` bring neither. A single NAT
    gateway sits in the first zone, highly available ones in each (infra/network.py)."""
    cluster = spec.cluster
    new_vpc = not cluster.subnets
    mode = cluster.resolved_nat_gateway
    count = {"none": 0, "single": 1}.get(mode, len(zones))
    return NetworkNeed(
        vpcs=1 if new_vpc else 0,
        internet_gateways=1 if new_vpc else 0,
        nat_zones=zones[:count],
        nat_mode=mode,
    )
