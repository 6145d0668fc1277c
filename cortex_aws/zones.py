"""Which availability zones a cluster uses when the spec names none (Cortex's rule).

Cortex v0.42.1 (`availability_zones.go`, cortex-spec.md §2.4): the zones that offer every
node-group type, without us-east-1e, sorted; 2 of them in us-east-1 and 3 elsewhere; at
least 2 are required. The same rule sizes NAT gateways in the cost estimate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from cortex_spec import catalog
from cortex_spec.loader import Spec

MIN_ZONES: Final = 2
# EKS cannot place control-plane subnets in us-east-1e (Cortex removed it for that reason).
_EXCLUDED: Final = frozenset({"us-east-1e"})


def default_count(region: str) -> int:
    return 2 if region == "us-east-1" else 3


def usable(region: str, offering_all: Iterable[str]) -> tuple[str, ...]:
    """Zones that offer every type, minus those EKS rejects, sorted."""
    return tuple(sorted(z for z in set(offering_all) if z not in _EXCLUDED))


def choose(region: str, offering_all: Iterable[str]) -> tuple[str, ...]:
    return usable(region, offering_all)[: default_count(region)]


def given(spec: Spec) -> tuple[str, ...] | None:
    """Zones the spec fixes, through `availability_zones` or existing `subnets`."""
    cluster = spec.cluster
    if cluster.availability_zones:
        return tuple(cluster.availability_zones)
    if cluster.subnets:
        return tuple(dict.fromkeys(s.availability_zone for s in cluster.subnets))
    return None


def instance_types(spec: Spec) -> tuple[str, ...]:
    """Every type any node group may launch, system group last, without repeats."""
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
    if offering is None:
        return None
    return choose(region, offering)
