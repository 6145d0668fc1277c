"""Which availability zones the cluster uses, chosen as Cortex chose them.

The rule itself is `cortex_spec.zones` (Cortex v0.42, cortex-spec.md §2.4); this module asks
AWS which zones offer the types, through an invoke. One difference from Cortex:
when no AZ offers every type, Cortex fell back to all AZs of the region; we stop with an
error instead, since a node group placed in an AZ that lacks its type never launches there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pulumi
import pulumi_aws as aws

from cortex_spec import Problem, Spec, SpecError, zones


def choose_zones(region: str, offered: Mapping[str, Iterable[str]]) -> list[str]:
    """The AZs to use, from `offered` (instance type -> AZs offering it)."""
    chosen = zones.choose(region, zones.common(offered))
    if len(chosen) < zones.MIN_ZONES:
        types = ", ".join(sorted(offered))
        raise SpecError(
            [
                Problem(
                    location=None,
                    path="cluster.availability_zones",
                    message=(
                        f"only {len(chosen)} availability zone(s) of {region} offer every "
                        f"node group instance type ({types}): {', '.join(chosen) or 'none'}"
                    ),
                    hint="EKS needs at least 2 AZs: choose instance types offered more "
                    "widely, another region, or list `availability_zones` yourself",
                )
            ]
        )
    return list(chosen)


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
    return choose_zones(cluster.region, offerings(sorted(zones.instance_types(spec)), opts))
