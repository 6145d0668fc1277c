"""The estimated `pulumi up` time (offline/apply_time.py) in the plan and in the diff: its
total, the critical path and the steps of unknown duration, as text, markdown and JSON."""

from __future__ import annotations

from typing import Any

from offline import apply_time
from offline.apply_time import Estimate
from offline.diff import GraphDiff
from offline.graph import PlanGraph


def of_plan(graph: PlanGraph) -> Estimate:
    """A new stack: every resource is created."""
    return apply_time.estimate(graph)


def of_diff(diff: GraphDiff) -> Estimate:
    """An update from base to head: only the changed resources take time (the diff's head
    graph, whose URNs are those of the changes)."""
    return apply_time.estimate(diff.head, {c.urn: c.op for c in diff.changes})


def text(found: Estimate, *, label: str) -> str:
    return "\n".join(apply_time.summary_lines(found, label=label))


def markdown(found: Estimate, *, label: str) -> str:
    lines = apply_time.summary_lines(found, label=label)
    return "\n".join([f"**{lines[0]}**", "", *(f"- {line.strip()}" for line in lines[1:])])


def attach_text(report: str, found: Estimate) -> str:
    """After the diff's title and counts: how long applying it takes."""
    head, _, rest = report.partition("\n\n")
    block = text(found, label="estimated pulumi up")
    return f"{head}\n{block}\n\n{rest}" if rest else f"{head}\n{block}\n"


def attach_markdown(report: str, found: Estimate) -> str:
    heading, _, rest = report.partition("\n\n")
    return f"{heading}\n\n{markdown(found, label='Estimated pulumi up')}\n\n{rest}"


def markdown_size(found: Estimate) -> int:
    return len(markdown(found, label="Estimated pulumi up")) + 2


def attach_json(document: dict[str, Any], found: Estimate) -> dict[str, Any]:
    return {**document, "apply_time": apply_time.to_dict(found)}
