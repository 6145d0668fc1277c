"""The "upgrade" section of a diff: a Kubernetes version bump as the ordered steps it runs.

When the EKS cluster's `version` differs between the two graphs (the base may be deployed
state), the changed control plane, add-ons, node groups and Helm releases are listed in the
order Pulumi applies them: each resource waits for what it depends on in the head graph, so
the control plane comes first, then the add-ons nodes need (VPC CNI, kube-proxy), then the
node groups (rolled in place onto the new version's AMI), then the add-ons and controllers
that run on the system nodes. The version matrix names the components whose versions move.

EKS upgrades a control plane one minor at a time (`UpdateClusterVersion`; eksctl's upgrade
docs: "Upgrades of more than one Kubernetes version are not supported"), so a larger step is
refused (`step_problem`); the CLI turns that into a located error at `kubernetes_version`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from cortex_spec.kubernetes_versions import minor
from cortex_spec.version_matrix import Change, Usage, matrix
from offline.diff import GraphDiff, ResourceChange
from offline.graph import PlanGraph

CLUSTER: Final = "aws:eks/cluster:Cluster"
ADDON: Final = "aws:eks/addon:Addon"
NODE_GROUP: Final = "aws:eks/nodeGroup:NodeGroup"
RELEASE: Final = "kubernetes:helm.sh/v3:Release"
# What a step is called, by the type of what it changes; anything else a bump changes
# (pod templates, for instance) is in the diff's own sections.
_KINDS: Final = {
    CLUSTER: "control plane",
    ADDON: "EKS add-ons",
    NODE_GROUP: "node groups (in place: new AMI, nodes rolled a third at a time)",
    RELEASE: "Helm releases",
}


@dataclass(frozen=True)
class Step:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Upgrade:
    before: str
    after: str
    steps: tuple[Step, ...]
    components: tuple[Change, ...]

    @property
    def is_downgrade(self) -> bool:
        return minor(self.after) < minor(self.before)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.before,
            "to": self.after,
            "steps": [{"title": s.title, "items": list(s.items)} for s in self.steps],
            "components": [
                {"component": c.component, "from": c.before, "to": c.after} for c in self.components
            ],
        }


def cluster_version(graph: PlanGraph) -> str | None:
    """The EKS cluster's `version` input: the spec's, or the deployed state's."""
    for resource in graph.resources:
        version = resource.inputs.get("version") if resource.type == CLUSTER else None
        if isinstance(version, str):
            return version
    return None


def step_problem(before: str, after: str) -> str | None:
    """Why EKS cannot go from `before` to `after` in one update, or None when it can."""
    distance = minor(after) - minor(before)
    if abs(distance) <= 1:
        return None
    if distance > 0:
        path = " → ".join(f"1.{m}" for m in range(minor(before), minor(after) + 1))
        return (
            f"cannot upgrade Kubernetes {before} to {after} in one step: EKS upgrades a "
            f"control plane one minor at a time ({path}, deploying each)"
        )
    return (
        f"cannot move Kubernetes {before} back to {after}: EKS only rolls a control plane "
        "back to the previous minor, within 7 days of its upgrade"
    )


def _ranks(graph: PlanGraph) -> dict[str, int]:
    """Longest dependency path to each resource: a resource's rank is above all it waits
    for (its dependencies and its provider)."""
    by_urn = {r.urn: r for r in graph.resources}
    ranks: dict[str, int] = {}

    def rank(urn: str) -> int:
        if urn not in ranks:
            ranks[urn] = 0  # guards a cycle, which Pulumi would have refused
            resource = by_urn[urn]
            waits = [*resource.dependencies, *([resource.provider] if resource.provider else [])]
            ranks[urn] = 1 + max((rank(d) for d in waits if d in by_urn), default=-1)
        return ranks[urn]

    for urn in by_urn:
        rank(urn)
    return ranks


def _item(change: ResourceChange) -> str:
    inputs = change.resource.inputs
    moved = [f for f in change.fields if f.before != f.after]
    if change.type == CLUSTER:
        name = inputs.get("name", change.name)
        return f"EKS cluster {name}"
    if change.type == ADDON:
        return str(inputs.get("addonName", change.name))
    if change.type == NODE_GROUP:
        prefix = inputs.get("nodeGroupNamePrefix")
        return prefix.removesuffix("-") if isinstance(prefix, str) else change.name
    name = str(inputs.get("name", change.name))
    shown = [f"{f.path} {f.before} → {f.after}" for f in moved if _short(f.before, f.after)]
    return f"{name} ({', '.join(shown)})" if shown else name


def _short(before: Any, after: Any) -> bool:
    return all(v is None or isinstance(v, str | int | float) for v in (before, after))


def _steps(changes: Iterable[ResourceChange], head: PlanGraph) -> tuple[Step, ...]:
    ranks = _ranks(head)
    relevant = [c for c in changes if c.op in ("update", "replace") and c.type in _KINDS]
    relevant.sort(key=lambda c: (ranks.get(c.urn, 0), list(_KINDS).index(c.type), _item(c)))
    steps: list[tuple[str, list[str]]] = []
    for change in relevant:
        title = _KINDS[change.type]
        if not steps or steps[-1][0] != title:
            steps.append((title, []))
        steps[-1][1].append(_item(change))
    return tuple(Step(title, tuple(items)) for title, items in steps)


def plan_upgrade(diff: GraphDiff, uses: frozenset[Usage]) -> Upgrade | None:
    """The upgrade a diff holds, or None when the cluster's version does not change."""
    before, after = cluster_version(diff.base), cluster_version(diff.head)
    if before is None or after is None or before == after:
        return None
    components = tuple(matrix().changes(before, after, uses))
    return Upgrade(before, after, _steps(diff.changes, diff.head), components)


def _lines(upgrade: Upgrade) -> tuple[str, list[str]]:
    heading = f"Kubernetes upgrade {upgrade.before} → {upgrade.after}, in this order:"
    lines = [
        f"{number}. {step.title}: {', '.join(step.items)}"
        for number, step in enumerate(upgrade.steps, start=1)
    ]
    moved = [f"{c.title} {c.before or '-'} → {c.after or '-'}" for c in upgrade.components]
    moved.append(
        f"EKS managed add-ons: EKS's default for {upgrade.before} → its default for "
        f"{upgrade.after} (resolved at deploy time)"
    )
    lines.append("versions that follow the cluster: " + "; ".join(moved))
    return heading, lines


def render_text(upgrade: Upgrade) -> str:
    heading, lines = _lines(upgrade)
    return "\n".join([heading, *(f"  {line}" for line in lines)]) + "\n"


def render_markdown(upgrade: Upgrade) -> str:
    heading, lines = _lines(upgrade)
    body = [f"#### {heading}", ""]
    body += [line if line[0].isdigit() else f"- {line}" for line in lines]
    return "\n".join(body) + "\n"
