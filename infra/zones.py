"""Which availability zones the cluster uses, chosen as Cortex chose them.

The decision is `cortex_spec.zones.decide` (Cortex v0.42, cortex-spec.md §2.4), the same one
`validate` makes with the embedded catalog; this module asks AWS which zones offer the
types, through an invoke. One difference from Cortex: when no AZ offers every type, Cortex
fell back to all AZs of the region; we stop with an error instead, located at the node
group whose type narrowed the choice, since a node group placed in an AZ that lacks its
type never launches there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pulumi
import pulumi_aws as aws

from cortex_spec import Problem, Spec, SpecError, zones

_HINT = (
    "EKS needs at least 2 AZs: choose instance types offered more widely, another region, "
    "or list `availability_zones` yourself"
)


def choose_zones(
    region: str, offered: Mapping[str, Iterable[str]], spec: Spec | None = None
) -> list[str]:
    """The AZs to use, from `offered` (instance type -> AZs offering it, in node-group order);
    with `spec`, a shortfall is located at the node group that caused it."""
    offers = {name: tuple(found) for name, found in offered.items()}
    choice = zones.decide(region, list(offers), offers)
    if choice.enough:
        return list(choice.zones)
    message = (
        f"only {len(choice.zones)} availability zone(s) of {region} offer every "
        f"node group instance type ({', '.join(sorted(offers))}): "
        f"{', '.join(choice.zones) or 'none'}"
    )
    paths = zones.type_paths(spec.cluster) if spec is not None else {}
    path = paths.get(choice.narrowed_by or "")
    if spec is not None and path is not None:
        raise SpecError([spec.problem(path, message, _HINT)])
    raise SpecError([Problem(None, "cluster.availability_zones", message, _HINT)])


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
    # Node-group order, so that a shortfall names the group that caused it.
    return choose_zones(cluster.region, offerings(list(zones.instance_types(spec)), opts), spec)
