"""The AZ rule `plan` and `pulumi up` apply, checked first against the catalog.

When the spec lists neither `availability_zones` nor `subnets`, the program intersects the
AZs that offer every instance type (`cortex_spec.zones.decide`) and stops when fewer than 2
remain. The same decision runs here on the embedded catalog, so `validate` fails where
`plan` would, at the line of the node group whose type narrowed the choice too far.
"""

from __future__ import annotations

from cortex_spec import catalog, zones
from cortex_spec.diagnostics import Finding
from cortex_spec.models.cluster import ClusterConfig

_HINT = (
    "EKS needs subnets in at least 2 AZs: choose instance types offered more widely, another "
    "region, or list `availability_zones` yourself"
)


def check_default_zones(cluster: ClusterConfig) -> list[Finding]:
    if cluster.availability_zones is not None or cluster.subnets is not None:
        return []  # given zones are checked per node group (node_group_rules._offered)
    region = cluster.region
    paths = zones.type_paths(cluster)
    offered: dict[str, tuple[str, ...]] = {}
    for name in paths:
        found = catalog.offered_zones(region, name)
        if found is None:
            return [
                Finding(
                    ("cluster", "region"),
                    f"cortex-infra cannot choose availability zones in {region}: its catalog "
                    "has no instance offerings there",
                    "list `availability_zones` (2 or more that offer every node group's "
                    "instance type), or `subnets`",
                )
            ]
        offered[name] = found
    choice = zones.decide(region, list(paths), offered)
    culprit = choice.narrowed_by
    # A type offered nowhere in the region is reported by the node group rules already.
    if choice.enough or culprit is None or not offered[culprit]:
        return []
    names = list(paths)
    so_far = ", ".join(names[: names.index(culprit) + 1])
    return [
        Finding(
            paths[culprit],
            f"only {len(choice.zones)} availability zone(s) of {region} offer every instance "
            f"type up to this one ({so_far}): {', '.join(choice.zones) or 'none'}",
            _HINT,
        )
    ]
