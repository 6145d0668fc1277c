"""Which availability zones a cluster uses when the spec names none: Cortex's rule.

Cortex v0.42 (`pkg/types/clusterconfig/availability_zones.go`, cortex-spec.md §2.4): intersect
the AZs that offer every node group's instance type, drop us-east-1e, keep the first 2
(sorted) in us-east-1 and 3 elsewhere, and require at least 2. The Pulumi program applies it
to the live `DescribeInstanceTypeOfferings` answer, preflight to the account's, and the cost
estimate to the embedded catalog; all three use these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cortex_spec import catalog
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.node_profiles import instance_types_of

if TYPE_CHECKING:
    from cortex_spec.loader import Spec

MIN_ZONES: Final = 2
# us-east-1e offers few current instance types; Cortex excluded it (`_azBlacklist`).
EXCLUDED_ZONES: Final = frozenset({"us-east-1e"})


def default_count(region: str) -> int:
    """How many AZs Cortex kept: 2 in us-east-1, 3 elsewhere."""
    return 2 if region == "us-east-1" else 3


def common(offered: Mapping[str, Iterable[str]]) -> set[str]:
    """AZs offering every type, from `offered` (instance type -> AZs offering it)."""
    zones: set[str] | None = None
    for offering in offered.values():
        zones = set(offering) if zones is None else zones & set(offering)
    return zones or set()


def usable(offering_all: Iterable[str]) -> tuple[str, ...]:
    """Zones that offer every type, minus the excluded ones, sorted."""
    return tuple(sorted(set(offering_all) - EXCLUDED_ZONES))


def choose(region: str, offering_all: Iterable[str]) -> tuple[str, ...]:
    """Cortex's pick; fewer than MIN_ZONES means the cluster cannot be placed."""
    return usable(offering_all)[: default_count(region)]


@dataclass(frozen=True)
class ZoneChoice:
    """The AZs chosen; when fewer than MIN_ZONES, `narrowed_by` names the first instance type
    (in the order given) after which fewer than MIN_ZONES offered every type so far."""

    zones: tuple[str, ...]
    narrowed_by: str | None

    @property
    def enough(self) -> bool:
        return len(self.zones) >= MIN_ZONES


def decide(region: str, types: Sequence[str], offered: Mapping[str, Iterable[str]]) -> ZoneChoice:
    """Cortex's choice for `types` (in node-group order), from `offered` (type -> AZs):
    the one decision `validate` (with the catalog) and the program (with AWS) both make."""
    running: set[str] | None = None
    narrowed_by = None
    for name in types:
        zones = set(offered.get(name, ()))
        running = zones if running is None else running & zones
        if narrowed_by is None and len(choose(region, running)) < MIN_ZONES:
            narrowed_by = name
    chosen = choose(region, running or ())
    return ZoneChoice(chosen, None if len(chosen) >= MIN_ZONES else narrowed_by)


def type_paths(cluster: ClusterConfig) -> dict[str, tuple[str | int, ...]]:
    """Every instance type the cluster may launch -> the spec field that first names it, in
    the order `decide` takes them: worker groups, then the system group."""
    paths: dict[str, tuple[str | int, ...]] = {}
    for index, group in enumerate(cluster.worker_groups):
        base = ("cluster", "node_groups", index)
        listed = group.spot_config.instance_distribution if group.spot_config else None
        positions = {name: at for at, name in reversed(list(enumerate(listed or [])))}
        for name in instance_types_of(group):
            path: tuple[str | int, ...] = (*base, "instance_type")
            if name != group.instance_type and name in positions:
                path = (*base, "spot_config", "instance_distribution", positions[name])
            paths.setdefault(name, path)
    system = cluster.system_node_group.instance_type
    paths.setdefault(system, ("cluster", "system_node_group", "instance_type"))
    return paths


def given(spec: Spec) -> tuple[str, ...] | None:
    """Zones the spec fixes, through `availability_zones` or existing `subnets`."""
    cluster = spec.cluster
    if cluster.availability_zones:
        return tuple(cluster.availability_zones)
    if cluster.subnets:
        return tuple(dict.fromkeys(s.availability_zone for s in cluster.subnets))
    return None


def instance_types(spec: Spec) -> tuple[str, ...]:
    """Every type any node group may launch, the system group's last, without repeats."""
    names = [t for p in spec.profiles for t in p.instance_types]
    names.extend(spec.system_profile.instance_types)
    return tuple(dict.fromkeys(names))


def offline(spec: Spec) -> tuple[str, ...] | None:
    """The zones from the embedded catalog (no AWS call); None when it has no data."""
    fixed = given(spec)
    if fixed is not None:
        return fixed
    region = spec.cluster.region
    offering = catalog.zones_offering_all(region, list(instance_types(spec)))
    return None if offering is None else choose(region, offering)
