"""The items a cluster pays for, each with the prices it used (for `cost.estimate`).

Node groups come from `NodeProfile.groups` (EKS managed groups with their capacity type and
min/max) and the system group. An on-demand group is priced at its first instance type,
which EKS launches first (managed node groups fill On-Demand capacity in the listed order);
a spot group ranges from the lowest current spot price of its types to the highest
on-demand price among them. Root volumes follow the node group's volume fields with
Cortex's defaults (`NodeProfile.volume`, the same value the launch templates use).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cortex_aws.money import HOURS_PER_MONTH, Range
from cortex_aws.prices import Price, PriceBook, PriceKey, unknown
from cortex_spec.node_profiles import (
    GP3_BASE_IOPS,
    GP3_BASE_THROUGHPUT,
    ManagedGroup,
    NodeProfile,
    RootVolume,
)

Section = Literal["nodes", "storage", "fixed"]
# gp3's price includes 3000 IOPS and 125 MB/s; only provisioned amounts above them are charged.
GP3_FREE_IOPS = GP3_BASE_IOPS
GP3_FREE_THROUGHPUT = GP3_BASE_THROUGHPUT


@dataclass(frozen=True)
class CostLine:
    section: Section
    name: str
    detail: str
    count_min: int
    count_max: int
    unit: Range  # USD per hour for one of it
    prices: tuple[tuple[str, Price], ...]

    @property
    def at_min(self) -> Range:
        return self.unit.times(self.count_min)

    @property
    def at_max(self) -> Range:
        return self.unit.times(self.count_max)

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "name": self.name,
            "detail": self.detail,
            "count": {"min": self.count_min, "max": self.count_max},
            "unit_hourly": self.unit.to_dict(),
            "hourly": {"at_min": self.at_min.to_dict(), "at_max": self.at_max.to_dict()},
            "monthly": {
                "at_min": self.at_min.monthly().to_dict(),
                "at_max": self.at_max.monthly().to_dict(),
            },
            "prices": [{"item": item, **price.to_dict()} for item, price in self.prices],
        }


def node_line(
    profile: NodeProfile, group: ManagedGroup, book: PriceBook, spot: dict[str, Price]
) -> CostLine:
    types = profile.instance_types
    on_demand = [(t, book.get(PriceKey("instance", t))) for t in types]
    if group.capacity_type == "ON_DEMAND":
        first, price = on_demand[0]
        more = f" (then {', '.join(types[1:])})" if len(types) > 1 else ""
        return CostLine(
            "nodes",
            group.name,
            f"on-demand {first}{more}",
            group.min_size,
            group.max_size,
            Range.exact(price.usd),
            ((f"{first} on-demand", price),),
        )
    highs = [p.usd for _, p in on_demand]
    high = max(h for h in highs if h is not None) if None not in highs else None
    spots = [(t, spot[t]) for t in types if t in spot]
    lows = [p.usd for _, p in spots if p.usd is not None]
    low = min(lows) if lows else None
    prices = [(f"{t} on-demand", p) for t, p in on_demand]
    prices += [(f"{t} spot", p) for t, p in spots]
    return CostLine(
        "nodes",
        group.name,
        f"spot {'/'.join(types)}",
        group.min_size,
        group.max_size,
        Range(low, high),
        tuple(prices),
    )


def volume_keys(volume: RootVolume) -> list[PriceKey]:
    kind, iops, throughput = volume.type, volume.iops, volume.throughput
    keys = [PriceKey("ebs-gb", kind)]
    if kind == "io1" or (kind == "gp3" and (iops or 0) > GP3_FREE_IOPS):
        keys.append(PriceKey("ebs-iops", kind))
    if kind == "gp3" and (throughput or 0) > GP3_FREE_THROUGHPUT:
        keys.append(PriceKey("ebs-throughput", kind))
    return keys


_PART = {"ebs-gb": "storage", "ebs-iops": "IOPS", "ebs-throughput": "throughput"}


def storage_line(profile: NodeProfile, book: PriceBook) -> CostLine:
    volume = profile.volume
    size, kind, iops, throughput = volume.size_gb, volume.type, volume.iops, volume.throughput
    free_iops, free_throughput = (GP3_FREE_IOPS, GP3_FREE_THROUGHPUT) if kind == "gp3" else (0, 0)
    amounts = {
        "ebs-gb": size,
        "ebs-iops": (iops or 0) - free_iops,
        "ebs-throughput": (throughput or 0) - free_throughput,
    }
    keys = volume_keys(volume)
    prices = [(f"{kind} {_PART[key.kind]}", book.get(key)) for key in keys]
    monthly: float | None = 0.0
    for key, (_, price) in zip(keys, prices, strict=True):
        if monthly is None or price.usd is None:
            monthly = None
            continue
        monthly += price.usd * amounts[key.kind]
    detail = f"{size} GB {kind}" + (f", {iops} IOPS" if iops else "")
    detail += f", {throughput} MB/s" if throughput else ""
    return CostLine(
        "storage",
        f"{profile.name} volumes",
        f"{detail} per node",
        sum(g.min_size for g in profile.groups),
        sum(g.max_size for g in profile.groups),
        Range.exact(None if monthly is None else monthly / HOURS_PER_MONTH),
        tuple(prices),
    )


def fixed_line(name: str, detail: str, count: int, price: Price) -> CostLine:
    return CostLine("fixed", name, detail, count, count, Range.exact(price.usd), ((name, price),))


def unknown_fixed(name: str, detail: str, reason: str) -> CostLine:
    price = unknown("hour", reason)
    return CostLine("fixed", name, detail, 1, 1, Range(None, None), ((name, price),))
