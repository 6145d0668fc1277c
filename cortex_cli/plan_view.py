"""`cortex-infra plan` for a person: top-down, what matters first, fitted to the terminal.

Order: the summary (what the plan creates, the accelerators), the endpoints, the cost at
minimum and maximum size, the risks and warnings together; then the Kubernetes versions,
the node groups, the resource tree (folded to its components when it is longer than a
screen) and the counts. At 80 columns the first screen of the mixed example shows
everything up to its risks (tests/cli/test_plan_view.py).
Prose is wrapped to the terminal's width; names, URLs and type tokens are never cut.
Lines are rich `Text`, styled for a terminal; rich drops the styles where colour is off
(`NO_COLOR`, a pipe, a file).
"""

from __future__ import annotations

import re
import textwrap
from typing import Any, Final

from rich.text import Text

from cortex_aws import money
from cortex_cli import plan_jobs
from cortex_cli.options import TreeMode
from offline.graph import PlanGraph, PlannedResource

# Endpoints listed one per line up to this many; past it, the first ones and a count.
MAX_ENDPOINTS: Final = 8
RISK: Final = "yellow"
HEADING: Final = "bold"
# Stands for a space that must not break a line (never in a plan's text).
_KEEP: Final = "\x00"


def wrap(text: str, width: int, first: str, rest: str, style: str = "") -> list[Text]:
    rows = textwrap.wrap(
        text,
        width=max(width, 40),
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [Text(row, style=style) for row in rows]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def summary_lines(data: dict[str, Any], width: int) -> list[Text]:
    """Summary, endpoints, cost and risks: the first screen of a plan."""
    lines = [Text("summary", style=HEADING)]
    created = data["changes"]
    items = ", ".join(f"{i['count']} {i['what']}" for i in created["items"])
    lines += wrap(f"creates {created['create']} resources: {items}", width, "  ", "    ")
    if data["accelerators"]:
        totals = "; ".join(
            f"{t['model']}: {t['min']}-{t['max']} {t['unit']}" for t in data["accelerators"]
        )
        lines += wrap(totals, width, "  accelerators: ", "    ")
    lines += [Text(""), *endpoint_lines(data["endpoints"])]
    if data.get("job_apis"):
        lines += [Text(""), Text(plan_jobs.HEADING, style=HEADING)]
        lines += [Text(row) for row in plan_jobs.lines(data["job_apis"])]
    if "cost" in data:
        lines += [Text(""), *cost_lines(data["cost"], width)]
    lines += [Text(""), *risk_lines(data["risks"], data["warnings"], width)]
    return lines


def endpoint_lines(found: dict[str, Any]) -> list[Text]:
    apis = found["apis"]
    note = "" if found["domain"] else " (the load balancer's name is known after pulumi up)"
    lines = [Text(f"endpoints{note}", style=HEADING)]
    if not apis:
        return [*lines, Text("  (no APIs)")]
    shown = apis if len(apis) <= MAX_ENDPOINTS else apis[: MAX_ENDPOINTS - 1]
    wide = max(len(api["name"]) for api in shown)
    lines += [Text(f"  {api['name']:<{wide}}  {api['url']}") for api in shown]
    if len(shown) < len(apis):
        lines.append(Text(f"  … and {len(apis) - len(shown)} more (plan --json lists all)"))
    return lines


def _span(value: dict[str, Any], digits: int) -> str:
    return money.text(money.Range(value["low"], value["high"]), digits=digits)


def cost_lines(cost: dict[str, Any], width: int) -> list[Text]:
    """Totals at minimum and maximum size, per hour and per month, and what they leave out."""
    total = cost["total"]
    rows = [
        ("per hour", _span(total["hourly"]["at_min"], 2), _span(total["hourly"]["at_max"], 2)),
        (
            "per month",
            _span(total["monthly"]["at_min"], 0),
            _span(total["monthly"]["at_max"], 0),
        ),
    ]
    low = max(len("at min size"), *(len(r[1]) for r in rows))
    high = max(len("at max size"), *(len(r[2]) for r in rows))
    lines = [
        Text(
            f"{'cost, USD (offline)':<20}  {'at min size':>{low}}  {'at max size':>{high}}",
            style=HEADING,
        )
    ]
    lines += [Text(f"  {name:<18}  {a:>{low}}  {b:>{high}}") for name, a, b in rows]
    if total["excluded"]:
        lines += wrap(", ".join(total["excluded"]), width, "  not priced (unknown): ", "    ", RISK)
    if total["low_end_without"]:
        lines += wrap(
            ", ".join(total["low_end_without"]), width, "  min counts no spot price for: ", "    "
        )
    known = [s for s in cost["sources"] if not s.startswith("unknown")]
    lines += wrap("; ".join(known) or "none", width, "  prices: ", "    ")
    return lines


def risk_lines(risks: list[dict[str, Any]], warnings: list[str], width: int) -> list[Text]:
    count = len(risks) + len(warnings)
    if not count:
        return [Text("risks and warnings: none found", style=HEADING)]
    # One entry per risk here, so that all of them fit the first screen; why each is a risk
    # and its fix come later (reason_lines).
    note = " (why and the fix: below)" if risks else ""
    lines = [Text(f"risks and warnings ({count}){note}", style=HEADING)]
    for risk in risks:
        lines += wrap(f"{risk['path']}: {risk['message']}", width, "  ! risk ", "    ", RISK)
    for warning in warnings:
        lines += wrap(warning, width, "  ! warning ", "    ", RISK)
    return lines


def reason_lines(risks: list[dict[str, Any]], width: int) -> list[Text]:
    """Why each risk is one, and how to remove it."""
    lines = [Text("why these are risks", style=HEADING)]
    for risk in risks:
        lines += wrap(risk["path"], width, "  ", "    ", RISK)
        lines += wrap(risk["reason"], width, "    ", "    ")
    return lines


def estimate_lines(text: str, width: int) -> list[Text]:
    """The apply-time estimate (apply_time_view.text), wrapped to the terminal."""
    lines: list[Text] = []
    for row in text.splitlines():
        indent = row[: len(row) - len(row.lstrip())]
        # A step's duration, "(15 min 00 s)", stays on one line with its step.
        kept = re.sub(r"\([^()]*\)", lambda m: m.group(0).replace(" ", _KEEP), row.strip())
        for line in wrap(kept, width, indent, indent + "    "):
            lines.append(Text(line.plain.replace(_KEEP, " ")))
    return lines


def node_group_lines(groups: list[dict[str, Any]], width: int) -> list[Text]:
    """One row per managed group (name, types, capacity, min-max, AMI type); accelerators
    and taints below it, where a group has them."""
    rows = [
        [
            g["name"],
            ", ".join(g["instance_types"]),
            str(g["capacity_type"]).lower().replace("_", "-"),
            f"{g['min']}-{g['max']}",
            str(g["ami_type"]),
        ]
        for g in groups
    ]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(5)]
    lines = [Text("node groups (nodes min-max)", style=HEADING)]
    for group, row in zip(groups, rows, strict=True):
        lines.append(Text("  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip()))
        extra = []
        if group["accelerator"]:
            extra.append(f"{group['accelerator']} x{group['accelerators_per_node']} per node")
        if group["taints"]:
            extra.append(f"taints {', '.join(group['taints'])}")
        if extra:
            lines += wrap("; ".join(extra), width, "      ", "      ", "dim")
    return lines


def _walk(graph: PlanGraph) -> list[tuple[int, PlannedResource, int]]:
    """(depth, resource, how many resources it holds), in `offline.summary.tree`'s order."""
    children: dict[str, list[PlannedResource]] = {}
    for resource in graph.resources:
        children.setdefault(resource.parent, []).append(resource)
    out: list[tuple[int, PlannedResource, int]] = []

    def walk(parent: str, depth: int) -> int:
        total = 0
        for resource in sorted(children.get(parent, []), key=lambda r: (r.name, r.type)):
            at = len(out)
            out.append((depth, resource, 0))
            held = walk(resource.urn, depth + 1)
            out[at] = (depth, resource, held)
            total += 1 + held
        return total

    walk("", 0)
    return out


def tree_lines(graph: PlanGraph, mode: TreeMode, height: int) -> list[Text]:
    """Every resource under its component; folded to the components (with how many
    resources each holds) when the whole tree is longer than a screen, unless `full`."""
    rows = _walk(graph)
    folded = mode is TreeMode.components or (mode is TreeMode.auto and len(rows) > height)
    if not folded:
        heading = Text(f"resources ({len(rows)})", style=HEADING)
        return [heading, *(Text(f"{'  ' * (d + 1)}{r.name}  [{r.type}]") for d, r, _ in rows)]
    out = [
        Text(
            f"resources ({len(rows)}), folded by component: plan --tree full lists every one",
            style=HEADING,
        )
    ]
    for depth, resource, held in rows:
        if depth == 0 or held:
            more = f"  {_plural(held, 'resource', 'resources')}" if held else ""
            out.append(Text(f"{'  ' * (depth + 1)}{resource.name}  [{resource.type}]{more}"))
    return out


def route_lines(routes: list[dict[str, Any]]) -> list[Text]:
    """The router's routes in match order, with weights and mirrors where a split has them."""
    lines = [Text("routes (first match wins)", style=HEADING)]
    for route in routes:
        split = ", ".join(
            f"{b['upstream']} {b['weight']}%" if len(route["backends"]) > 1 else b["upstream"]
            for b in route["backends"]
        )
        mirrors = "".join(f", mirror {m['upstream']} {m['percent']}%" for m in route["mirrors"])
        lines.append(
            Text(f"  {route['endpoint']:<24} → {split}{mirrors}  (timeout {route['timeout']})")
        )
    return lines


def count_lines(data: dict[str, Any]) -> list[Text]:
    lines = [Text(f"{data['resources']} resources by type", style=HEADING)]
    lines += [Text(f"  {count:>4}  {kind}") for kind, count in data["counts"].items()]
    lines += [Text(""), Text("helm releases", style=HEADING)]
    wide = max((len(str(r["name"])) for r in data["helm_releases"]), default=0)
    lines += [
        Text(f"  {release['name']:<{wide}}  {release['chart']} {release['version']}")
        for release in data["helm_releases"]
    ]
    return lines
