"""`cortex-infra diff`'s cost change: what the stack costs per month at minimum and maximum
size before and after the change, and the difference.

Both sides are priced as `plan` prices them (`plan_summary.offline_cost`: the packaged, dated
table, no cache, no network), so a diff is the same on every machine. An item one side
cannot price (no price in the table: inf2, g6, the ALB, ...) is left out of both sides'
totals and named, so the change compares like with like and never counts an unknown as $0.
A base with no spec (deployed state) has no cost: the change is then unknown.
"""

from __future__ import annotations

from typing import Any

from cortex_aws import money
from cortex_cli.plan_summary import offline_cost
from cortex_spec import Spec

_ENDS = ("at_min", "at_max")


def _monthly(cost: dict[str, Any], unpriced: set[str]) -> dict[str, float]:
    """Monthly totals at each end, over the lines both sides can price. A range (spot:
    unknown offline, up to on-demand) counts its high end, on both sides alike."""
    totals = dict.fromkeys(_ENDS, 0.0)
    for line in cost["lines"]:
        if line["name"] not in unpriced:
            for end in _ENDS:
                totals[end] += line["monthly"][end]["high"]
    return totals


def _ranges(cost: dict[str, Any] | None) -> set[str]:
    if cost is None:
        return set()
    return {line["name"] for line in cost["lines"] if line["unit_hourly"]["low"] is None}


def _unpriced(cost: dict[str, Any]) -> set[str]:
    return {line["name"] for line in cost["lines"] if line["unit_hourly"]["high"] is None}


def cost_change(base: Spec | None, head: Spec, *, base_exists: bool) -> dict[str, Any]:
    """Before, after and change per month at min and max size (USD), or why not known."""
    after = offline_cost(head)
    if after is None:
        return {"known": False, "reason": "no price data installed"}
    if base is None and base_exists:
        return {"known": False, "reason": "the deployed state carries no spec to price"}
    before = offline_cost(base) if base is not None else None
    unpriced = _unpriced(after) | (_unpriced(before) if before else set())
    head_totals = _monthly(after, unpriced)
    base_totals = _monthly(before, unpriced) if before else dict.fromkeys(_ENDS, 0.0)
    return {
        "known": True,
        "unit": "USD per month",
        "before": {end: round(base_totals[end], 2) for end in _ENDS},
        "after": {end: round(head_totals[end], 2) for end in _ENDS},
        "change": {end: round(head_totals[end] - base_totals[end], 2) for end in _ENDS},
        "left_out": sorted(unpriced),
        "at_on_demand": sorted((_ranges(after) | _ranges(before)) - unpriced),
        "prices": sorted(s for s in after["sources"] if not s.startswith("unknown")),
    }


def _usd(value: float, *, signed: bool = False) -> str:
    text = money.usd(abs(value), digits=0)
    if not signed:
        return text
    return "±$0" if round(value) == 0 else ("+" if value > 0 else "-") + text


def _rows(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        ("before", _usd(found["before"]["at_min"]), _usd(found["before"]["at_max"])),
        ("after", _usd(found["after"]["at_min"]), _usd(found["after"]["at_max"])),
        (
            "change",
            _usd(found["change"]["at_min"], signed=True),
            _usd(found["change"]["at_max"], signed=True),
        ),
    ]


def render_text(found: dict[str, Any]) -> str:
    if not found["known"]:
        return f"cost change: unknown ({found['reason']})\n"
    rows = _rows(found)
    low = max(len("at min size"), *(len(r[1]) for r in rows))
    high = max(len("at max size"), *(len(r[2]) for r in rows))
    lines = [f"cost per month, USD (offline)  {'at min size':>{low}}  {'at max size':>{high}}"]
    lines += [f"  {name:<28}  {a:>{low}}  {b:>{high}}" for name, a, b in rows]
    lines += [f"  {note}" for note in _notes(found)]
    return "\n".join(lines) + "\n"


def _notes(found: dict[str, Any]) -> list[str]:
    notes = []
    if found["left_out"]:
        notes.append(f"left out (no price on a side): {', '.join(found['left_out'])}")
    if found["at_on_demand"]:
        notes.append(
            f"spot counted at on-demand (an upper bound): {', '.join(found['at_on_demand'])}"
        )
    notes.append(f"prices: {'; '.join(found['prices'])}")
    return notes


def render_markdown(found: dict[str, Any]) -> str:
    if not found["known"]:
        return f"**Cost change:** unknown ({found['reason']})\n"
    lines = [
        "**Cost per month** (USD, offline prices)",
        "",
        "| | at min size | at max size |",
        "|---|---:|---:|",
    ]
    for name, low, high in _rows(found):
        bold = "**" if name == "change" else ""
        lines.append(f"| {name} | {bold}{low}{bold} | {bold}{high}{bold} |")
    lines.append("")
    lines.append(f"<sub>{'; '.join(_notes(found))}</sub>")
    return "\n".join(lines) + "\n"


def attach_text(text: str, found: dict[str, Any]) -> str:
    """The cost change right under the diff's title and counts."""
    head, _, rest = text.partition("\n\n")
    return f"{head}\n\n{render_text(found)}\n{rest}" if rest else f"{head}\n\n{render_text(found)}"


def attach_markdown(text: str, found: dict[str, Any]) -> str:
    """Under the comment's heading and counts (the caller leaves room for it)."""
    heading, _, rest = text.partition("\n\n")
    counts, _, body = rest.partition("\n\n")
    return f"{heading}\n\n{counts}\n\n{render_markdown(found)}\n{body}"


def markdown_size(found: dict[str, Any]) -> int:
    return len(render_markdown(found)) + 2


def attach_json(document: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    return {**document, "cost": found}
