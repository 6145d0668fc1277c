"""A graph diff as a reviewer reads it: per API and node group, one line each, warnings first.

`build_report` groups the changes (`diff_groups.py`), writes a one-line summary per group
(`text-embedder: autoscaling max 20 → 25`) from the fields reviewers care about, and a
warning for every replace or delete of what is expensive to lose (`loss_warnings.py`).
`render_text` and `to_json` render it; `diff_markdown.py` renders the PR comment. Only the
CLI prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from offline.bundle_changes import bundle_phrase
from offline.diff import FieldChange, GraphDiff, ResourceChange, leaf_changes
from offline.diff_groups import Group, Grouper, Names
from offline.loss_warnings import NODE_GROUP, NODE_GROUP_SCALING, loss_warning, managed_group
from offline.paths import covers, format_path, parse_path
from offline.simulator import Simulation, simulate

SYMBOL: Final = {"create": "+", "delete": "-", "update": "~", "replace": "+-"}
LAUNCH_TEMPLATE: Final = "aws:ec2/launchTemplate:LaunchTemplate"
# (type token, field pattern, words): the fields a one-line summary names.
_PHRASES: Final = (
    ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "spec.maxReplicas", "autoscaling max"),
    ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "spec.minReplicas", "autoscaling min"),
    ("kubernetes:keda.sh/v1alpha1:ScaledObject", "spec.maxReplicaCount", "autoscaling max"),
    ("kubernetes:keda.sh/v1alpha1:ScaledObject", "spec.minReplicaCount", "autoscaling min"),
    ("kubernetes:apps/v1:Deployment", "spec.replicas", "replicas"),
    ("kubernetes:apps/v1:Deployment", "spec.template.spec.containers[*].image", "image"),
    ("kubernetes:apps/v1:Deployment", "spec.template.spec.containers[*].resources", "resources"),
    ("kubernetes:apps/v1:Deployment", "spec.strategy", "rollout"),
    (NODE_GROUP, "scalingConfig.maxSize", "nodes max"),
    (NODE_GROUP, "scalingConfig.minSize", "nodes min"),
    (NODE_GROUP_SCALING, "maxSize", "nodes max"),
    (NODE_GROUP_SCALING, "minSize", "nodes min"),
    (LAUNCH_TEMPLATE, "instanceType", "instance type"),
    (NODE_GROUP, "version", "Kubernetes version"),
    (NODE_GROUP, "instanceTypes", "instance types"),
    (NODE_GROUP, "amiType", "AMI type"),
    (NODE_GROUP, "capacityType", "capacity type"),
    (NODE_GROUP, "diskSize", "disk size"),
    (NODE_GROUP, "labels", "labels"),
    (NODE_GROUP, "taints", "taints"),
    ("aws:eks/cluster:Cluster", "version", "Kubernetes version"),
    ("aws:eks/cluster:Cluster", "vpcConfig", "endpoint access"),
)


@dataclass(frozen=True)
class Section:
    group: Group
    changes: tuple[ResourceChange, ...]
    line: str


@dataclass(frozen=True)
class DiffReport:
    title: str
    diff: GraphDiff
    sections: tuple[Section, ...]
    # urn → warning, in change order
    warnings: dict[str, str]
    notes: tuple[str, ...]
    simulation: Simulation

    @property
    def counts(self) -> dict[str, int]:
        return self.diff.counts()

    def counts_line(self) -> str:
        counts = self.counts
        return ", ".join(
            f"{counts[op]} to {op}" for op in ("create", "update", "replace", "delete")
        )


def compact(value: Any, limit: int = 0) -> str:
    """A value on one line: strings bare, the rest as compact JSON; cut at `limit`."""
    if value is None:
        text = "(none)"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    if limit and len(text) > limit:
        text = text[: max(limit - 1, 1)] + "…"
    return text


def _json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def display_rows(item: FieldChange) -> list[tuple[str, Any, Any]]:
    """A field as rows to show. A JSON document held in a string (a policy, a ConfigMap's
    api.json) is compared inside, so the row names what changed rather than two long
    strings that look alike when cut short. JSON output keeps the whole strings."""
    old, new = _json(item.before), _json(item.after)
    if old is None or new is None:
        return [(item.path, item.before, item.after)]
    rows = [(f"{item.path} » {format_path(p)}", b, a) for p, b, a in leaf_changes(old, new, ())]
    return rows or [(item.path, item.before, item.after)]


def _plain(value: Any) -> str:
    """A value for a sentence: lists of scalars as `a, b`, everything short."""
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return compact(", ".join(map(str, value)) or "(none)", 40)
    return compact(value, 40)


def _phrases(change: ResourceChange, group: Group) -> list[str]:
    out: list[str] = []
    for type_token, pattern, words in _PHRASES:
        if change.type != type_token:
            continue
        matched = [f for f in change.fields if covers(parse_path(pattern), parse_path(f.path))]
        if not matched:
            continue
        if len(matched) == 1 and parse_path(matched[0].path) == parse_path(pattern):
            text = f"{words} {_plain(matched[0].before)} → {_plain(matched[0].after)}"
        else:
            text = f"{words} changed"
        managed = managed_group(change)
        if managed is not None and managed != group.name:
            text = f"{managed} {text}"
        out.append(text)
    bundle = bundle_phrase(change)
    if bundle is not None:
        out.append(bundle)
    return out


def summary_line(group: Group, changes: tuple[ResourceChange, ...]) -> str:
    """`sentiment: autoscaling max 2 → 4`, or what was created, replaced or deleted."""
    ops = {c.op for c in changes}
    count = len(changes)
    plural = "s" if count != 1 else ""
    if ops == {"create"}:
        return f"{group.title}: new ({count} resource{plural} to create)"
    if ops == {"delete"}:
        return f"{group.title}: removed ({count} resource{plural} to delete)"
    phrases: list[str] = []
    rest: list[ResourceChange] = []
    for change in changes:
        found = _phrases(change, group) if change.op in ("update", "replace") else []
        if change.op == "replace":
            because = ", ".join(dict.fromkeys(f.path for f in change.fields if f.replaces))
            found.insert(0, f"replace {change.type.rsplit(':', 1)[-1]} ({because})")
        if not found:
            rest.append(change)
        phrases.extend(p for p in found if p not in phrases)
    if rest:
        tally = {op: sum(1 for c in rest if c.op == op) for op in SYMBOL}
        words = ", ".join(f"{n} to {op}" for op, n in tally.items() if n)
        phrases.append(f"{'other resources: ' if phrases else ''}{words}")
    return f"{group.title}: {'; '.join(phrases)}"


def build_report(diff: GraphDiff, names: Names, *, title: str) -> DiffReport:
    grouper = Grouper(names, diff.head.resources, diff.base.resources)
    grouped: dict[Group, list[ResourceChange]] = {}
    for change in diff.changes:
        grouped.setdefault(grouper.group(change.resource), []).append(change)
    sections = tuple(
        Section(group, tuple(changes), summary_line(group, tuple(changes)))
        for group, changes in sorted(grouped.items(), key=lambda item: item[0].order)
    )
    warnings = {c.urn: w for c in diff.changes if (w := loss_warning(c)) is not None}
    notes: list[str] = []
    if diff.unknown_types:
        notes.append(
            "the replace table does not know "
            + ", ".join(diff.unknown_types)
            + ": their updates may turn out to be replacements"
        )
    return DiffReport(title, diff, sections, warnings, tuple(notes), simulate(diff, grouper))


def alerts(report: DiffReport) -> tuple[list[str], list[str]]:
    """(errors, warnings) to show first: the simulator's violations, then the deliberate
    capacity drops and the replace and delete warnings."""
    errors = [v.line() for v in report.simulation.violations]
    deliberate = [f"deliberate {v.line()}" for v in report.simulation.deliberate]
    return errors, [*deliberate, *report.warnings.values()]


def render_text(report: DiffReport, *, value_limit: int = 100) -> str:
    lines = [f"cortex-infra diff: {report.title}", report.counts_line()]
    if not report.diff.changes:
        return "\n".join([*lines, "no changes"]) + "\n"
    lines.append("")
    errors, warnings = alerts(report)
    lines.extend(f"ERROR: {e}" for e in errors)
    lines.extend(f"WARNING: {w}" for w in warnings)
    lines.extend(f"note: {n}" for n in report.notes)
    if errors or warnings or report.notes:
        lines.append("")
    lines.extend(section.line for section in report.sections)
    for section in report.sections:
        lines.extend(["", f"== {section.group.title}"])
        for change in section.changes:
            if change.urn in report.warnings:
                lines.append(f"  WARNING: {report.warnings[change.urn]}")
            lines.append(f"  {SYMBOL[change.op]} {change.op} {change.type} {change.name}")
            if change.op not in ("update", "replace"):
                continue
            for item in change.fields:
                marker = "  (forces replacement)" if item.replaces else ""
                for path, before, after in display_rows(item):
                    lines.append(
                        f"      {path}: {compact(before, value_limit)} → "
                        f"{compact(after, value_limit)}{marker}"
                    )
            if change.dependents:
                lines.append(
                    f"      may also change {len(change.dependents)} dependent resource(s) "
                    "when it gets a new ID"
                )
    return "\n".join(lines) + "\n"


def to_json(report: DiffReport) -> dict[str, Any]:
    """The `--format json` document: changes sorted by URN, unchanged resources omitted."""
    return {
        "changes": [change.to_dict() for change in report.diff.changes],
        **report.simulation.to_dict(),
        "summary": {
            **report.counts,
            "lines": [section.line for section in report.sections],
            "groups": [
                {
                    "kind": section.group.kind,
                    "name": section.group.name,
                    "urns": [change.urn for change in section.changes],
                }
                for section in report.sections
            ],
            "warnings": list(report.warnings.values()),
            "notes": list(report.notes),
        },
    }
