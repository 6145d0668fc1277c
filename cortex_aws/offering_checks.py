"""Preflight: is every node-group type, spot distribution included, offered in every zone?

Asks the live `ec2:DescribeInstanceTypeOfferings` (the embedded catalog is a snapshot, so
offline validation can pass while the account sees something else) and picks the zones the
cluster will use when the spec names none.
"""

from __future__ import annotations

from dataclasses import dataclass

from cortex_aws.checks import CheckResult, Outcome, attempt, failed, passed, skipped
from cortex_aws.session import AwsSession
from cortex_spec import zones
from cortex_spec.loader import Spec


@dataclass(frozen=True)
class Offerings:
    region_zones: tuple[str, ...]
    by_type: dict[str, frozenset[str]]


def fetch(session: AwsSession, types: tuple[str, ...]) -> Outcome[Offerings]:
    ec2 = session.ec2()

    def call() -> Offerings:
        listed = ec2.describe_availability_zones()["AvailabilityZones"]
        region_zones = tuple(
            sorted(
                str(z["ZoneName"])
                for z in listed
                if z.get("ZoneType", "availability-zone") == "availability-zone"
                and z.get("State", "available") == "available"
            )
        )
        by_type: dict[str, set[str]] = {name: set() for name in types}
        pages = ec2.get_paginator("describe_instance_type_offerings").paginate(
            LocationType="availability-zone",
            Filters=[{"Name": "instance-type", "Values": list(types)}],
        )
        for page in pages:
            for row in page.get("InstanceTypeOfferings", []):
                name, zone = row.get("InstanceType"), row.get("Location")
                if name in by_type and zone:
                    by_type[name].add(zone)
        return Offerings(region_zones, {k: frozenset(v) for k, v in by_type.items()})

    return attempt(call, "EC2 DescribeInstanceTypeOfferings", session.max_attempts)


def _joined(names: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(names)) or "none"


def check(spec: Spec, outcome: Outcome[Offerings]) -> tuple[list[CheckResult], tuple[str, ...]]:
    """Result lines, and the zones the cluster uses (given, or chosen by Cortex's rule)."""
    region = spec.cluster.region
    fixed = zones.given(spec)
    if outcome.failure is not None or outcome.value is None:
        assert outcome.failure is not None
        fallback = zones.offline(spec) or ()
        return [skipped("offerings", "instance types", outcome.failure)], fallback
    offers = outcome.value
    results: list[CheckResult] = []
    if fixed is not None:
        for zone in fixed:
            if offers.region_zones and zone not in offers.region_zones:
                results.append(
                    failed(
                        "offerings",
                        zone,
                        f"{zone} is not an availability zone of {region}",
                        f"use zones of {region}: {_joined(offers.region_zones)}",
                    )
                )
    for name, where in offers.by_type.items():
        where_in_region = where & frozenset(offers.region_zones or where)
        if not where_in_region:
            results.append(
                failed(
                    "offerings",
                    name,
                    f"{name} is not offered in any availability zone of {region}",
                    "pick another instance type or region",
                )
            )
            continue
        if fixed is None:
            results.append(passed("offerings", name, f"offered in {_joined(where_in_region)}"))
            continue
        missing = [z for z in fixed if z not in where_in_region]
        if missing:
            results.append(
                failed(
                    "offerings",
                    name,
                    f"{name} is not offered in {', '.join(missing)}",
                    f"{name} is offered in {_joined(where_in_region)}; change "
                    "availability_zones (or the instance type)",
                )
            )
        else:
            where_text = f"offered in every chosen zone ({', '.join(fixed)})"
            results.append(passed("offerings", name, where_text))
    if fixed is not None:
        return results, fixed
    return [*results, _choice(region, offers)], zones.choose(region, _all(offers))


def _all(offers: Offerings) -> frozenset[str]:
    common = frozenset(offers.region_zones) if offers.region_zones else None
    for where in offers.by_type.values():
        common = where if common is None else common & where
    return common or frozenset()


def _choice(region: str, offers: Offerings) -> CheckResult:
    usable = zones.usable(_all(offers))
    if len(usable) < zones.MIN_ZONES:
        return failed(
            "zones",
            region,
            f"only {len(usable)} zone(s) offer every node-group type ({_joined(usable)}); "
            f"EKS needs at least {zones.MIN_ZONES}",
            "use instance types offered in more zones, or set availability_zones and move "
            "the rare type to its own cluster",
        )
    chosen = zones.choose(region, usable)
    return passed(
        "zones",
        region,
        f"zones offering every type: {_joined(usable)}; the cluster uses {', '.join(chosen)}",
    )
