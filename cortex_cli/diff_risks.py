"""`cortex-infra diff`'s risks: what the head spec puts at risk (`cortex_spec.risks`).

The pull-request comment is where a reviewer decides, so the risks the change brings in are
shown above the resource changes; risks the base already had are counted, not repeated. A
base read from deployed state has no spec, so every risk of the head is shown there. Kept
apart from `commands/diff.py` like the upgrade section (`diff_upgrade.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cortex_spec import Spec
from cortex_spec.risks import Risk, risks


@dataclass(frozen=True)
class DiffRisks:
    new: tuple[Risk, ...]
    kept: tuple[Risk, ...]

    @property
    def empty(self) -> bool:
        return not self.new and not self.kept


def risks_of(base: Spec | None, head: Spec) -> DiffRisks:
    """The head's risks, split into those the base did not have and those it had."""
    before = {(r.code, r.path) for r in risks(base)} if base is not None else set()
    found = risks(head)
    return DiffRisks(
        new=tuple(r for r in found if (r.code, r.path) not in before),
        kept=tuple(r for r in found if (r.code, r.path) in before),
    )


def _kept_line(found: DiffRisks) -> str:
    return f"{len(found.kept)} risk(s) the base already had: " + ", ".join(
        sorted({r.code for r in found.kept})
    )


def render_text(found: DiffRisks) -> str:
    lines = ["risks this change brings in:"] if found.new else []
    for risk in found.new:
        lines.append(f"  ! {risk.path}: {risk.message}")
        lines.append(f"      why: {risk.reason}")
    if found.kept:
        lines.append(_kept_line(found))
    return "\n".join(lines) + "\n"


def render_markdown(found: DiffRisks) -> str:
    lines = ["**Risks this change brings in**", ""] if found.new else []
    for risk in found.new:
        lines.append(f"- ⚠️ `{risk.path}`: {risk.message}. {risk.reason}")
    if found.new:
        lines.append("")
    if found.kept:
        lines.append(_kept_line(found))
        lines.append("")
    return "\n".join(lines)


def attach_text(text: str, found: DiffRisks) -> str:
    """The risks right under the diff's title and counts."""
    if found.empty:
        return text
    head, _, rest = text.partition("\n\n")
    return f"{head}\n\n{render_text(found)}\n{rest}" if rest else f"{head}\n\n{render_text(found)}"


def attach_markdown(text: str, found: DiffRisks) -> str:
    """The risks under the comment's heading (the caller leaves room for them)."""
    if found.empty:
        return text
    heading, _, rest = text.partition("\n\n")
    return f"{heading}\n\n{render_markdown(found)}\n{rest}"


def markdown_size(found: DiffRisks) -> int:
    return len(render_markdown(found)) + 2 if not found.empty else 0


def attach_json(document: dict[str, Any], found: DiffRisks) -> dict[str, Any]:
    entries = [{**r.as_dict(), "new": True} for r in found.new]
    entries += [{**r.as_dict(), "new": False} for r in found.kept]
    return {**document, "risks": entries}
