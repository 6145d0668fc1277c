"""Which availability zones the cluster uses, chosen as Cortex chose them.

Cortex v0.42 (`pkg/types/clusterconfig/availability_zones.go`, cortex-spec.md §2.4): intersect
the AZs that offer every node group's instance type, drop us-east-1e, keep the first 2
(sorted) in us-east-1 and 3 elsewhere, and fail when fewer than 2 remain. One difference:
when no AZ offers every type, Cortex fell back to all AZs of the region; we stop with an
error instead, since a node group placed in an AZ that lacks its type never launches there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec import Problem, Spec, SpecError

# us-east-1e offers few current instance types; Cortex excluded it (`_azBlacklist`).
EXCLUDED_ZONES: Final = frozenset({"us-east-1e"})
MIN_ZONES: Final = 2


def zone_count(region: str) -> int:
    """How many AZs Cortex kept: 2 in us-east-1, 3 elsewhere."""
    return 2 if region == "us-east-1" else 3


def choose_zones(region: str, offered: Mapping[str, Iterable[str]]) -> list[str]:
    """The AZs to use, from `offered` (instance type -> AZs offering it)."""
    common: set[str] | None = None
    for zones in offered.values():
        common = set(zones) if common is None else common & set(zones)
    usable = sorted((common or set()) - EXCLUDED_ZONES)
    if len(usable) < MIN_ZONES:
        types = ", ".join(sorted(offered))
        raise SpecError(
            [
                Problem(
                    location=None,
                    path="cluster.availability_zones",
                    message=(
                        f"only {len(usable)} availability zone(s) of {region} offer every "
                        f"node group instance type ({types}): {', '.join(usable) or 'none'}"
                    ),
                    hint="EKS needs at least 2 AZs: choose instance types offered more "
                    "widely, another region, or list `availability_zones` yourself",
                )
            ]
        )
    return usable[: zone_count(region)]


def instance_types(spec: Spec) -> list[str]:
    """Every instance type some node group may launch, the system group's included."""
    names = {t for p in spec.profiles for t in p.instance_types}
    names.update(spec.system_profile.instance_types)
    return sorted(names)


def offerings(types: list[str], opts: pulumi.InvokeOptions | None = None) -> dict[str, list[str]]:
    """instance type -> AZs offering it, from `ec2:DescribeInstanceTypeOfferings`."""
    result = aws.ec2.get_instance_type_offerings(
        filters=[aws.ec2.GetInstanceTypeOfferingsFilterArgs(name="instance-type", values=types)],
        location_type="availability-zone",
        opts=opts,
    )
    offered: dict[str, list[str]] = {name: [] for name in types}
    for name, location in zip(result.instance_types, result.locations, strict=True):
        offered.setdefault(name, []).append(location)
    return offered


def zones_for(spec: Spec, opts: pulumi.InvokeOptions | None = None) -> list[str]:
    """The spec's own `availability_zones`, else Cortex's choice through the invoke."""
    cluster = spec.cluster
    if cluster.availability_zones:
        return list(cluster.availability_zones)
    return choose_zones(cluster.region, offerings(instance_types(spec), opts))
