"""`cortex-infra diff`'s upgrade section: find it, refuse a step EKS cannot take, render it.

Kept apart from `commands/diff.py` so the diff's own evaluation and rendering stay as they
are: the command calls `upgrade_of` once and hands the result to `attach_*`.
"""

from __future__ import annotations

from typing import Any

from cortex_cli.project import Target
from cortex_spec import Spec, SpecError
from cortex_spec.component_usage import uses
from cortex_spec.loader import locate_problem
from offline.diff import GraphDiff
from offline.upgrade import Upgrade, plan_upgrade, render_markdown, render_text, step_problem

FIELD = ("cluster", "kubernetes_version")


def upgrade_of(diff: GraphDiff, head: Spec, target: Target) -> Upgrade | None:
    """The diff's Kubernetes upgrade; SpecError at the head's `kubernetes_version` when EKS
    cannot take it in one update (the base being a spec or the deployed state). `target`
    locates it as the head was loaded (its environment, else the stack's name)."""
    upgrade = plan_upgrade(diff, uses(head.cluster, head.apis))
    if upgrade is None:
        return None
    problem = step_problem(upgrade.before, upgrade.after)
    if problem is not None:
        raise SpecError(
            [
                locate_problem(
                    target.spec,
                    FIELD,
                    problem,
                    f'set kubernetes_version to "{_next_step(upgrade)}" and deploy it first',
                    cluster_config=target.cluster_config,
                    environment=target.environment or target.stack_name,
                )
            ]
        )
    return upgrade


def _next_step(upgrade: Upgrade) -> str:
    before = int(upgrade.before.split(".")[1])
    after = int(upgrade.after.split(".")[1])
    return f"1.{before + (1 if after > before else -1)}"


def attach_text(text: str, upgrade: Upgrade | None) -> str:
    """The upgrade right under the diff's title and counts."""
    if upgrade is None:
        return text
    head, _, rest = text.partition("\n\n")
    return (
        f"{head}\n\n{render_text(upgrade)}\n{rest}" if rest else f"{head}\n\n{render_text(upgrade)}"
    )


def attach_markdown(text: str, upgrade: Upgrade | None) -> str:
    """The upgrade under the comment's heading (the caller leaves room for it)."""
    if upgrade is None:
        return text
    heading, _, rest = text.partition("\n\n")
    return f"{heading}\n\n{render_markdown(upgrade)}\n{rest}"


def markdown_size(upgrade: Upgrade | None) -> int:
    return len(render_markdown(upgrade)) + 2 if upgrade is not None else 0


def attach_json(document: dict[str, Any], upgrade: Upgrade | None) -> dict[str, Any]:
    return {**document, "upgrade": upgrade.to_dict() if upgrade is not None else None}
