"""The diff's cost change: before, after and change per month at min and max size, priced
offline on both sides alike, in text, markdown (the PR comment) and JSON."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cortex_cli.diff_cost import attach_markdown, cost_change, render_markdown, render_text
from cortex_spec import Spec, load_spec
from tests.conftest import EXAMPLES

MIXED = EXAMPLES / "mixed" / "cortex.yaml"
# cpu: m6i.xlarge at $0.192/hour and a 50 GB gp3 volume per node in the 2022 table.
CPU_NODE_MONTH = (0.192 + 0.08 * 50 / 730) * 730


@pytest.fixture(scope="module")
def base() -> Spec:
    return load_spec(MIXED, environment="prod")


def _head(tmp_path: Path, old: str, new: str) -> Spec:
    shutil.copytree(MIXED.parent, tmp_path / "mixed")
    spec = tmp_path / "mixed" / "cortex.yaml"
    spec.write_text(MIXED.read_text().replace(old, new))
    return load_spec(spec, environment="prod")


def test_more_nodes_at_max_cost_more_at_max_only(base: Spec, tmp_path: Path) -> None:
    """Raising cpu's max from 20 to 30 changes the cost at max by ten nodes, not at min."""
    head = _head(tmp_path, "max_instances: 20", "max_instances: 30")
    found = cost_change(base, head, base_exists=True)
    assert found["change"]["at_min"] == 0
    assert found["change"]["at_max"] == pytest.approx(10 * CPU_NODE_MONTH, abs=0.05)
    assert found["after"]["at_max"] > found["before"]["at_max"]


def test_unpriced_items_are_left_out_of_both_sides_and_named(base: Spec) -> None:
    """Items without a price (inf2, the ALB in the 2022 table) count on neither side."""
    found = cost_change(base, base, base_exists=True)
    assert found["change"] == {"at_min": 0, "at_max": 0}
    assert {"inf2", "load balancer"} <= set(found["left_out"])
    assert found["prices"] == ["AWS list price as of 2022-04-24, from Cortex v0.42.1"]


def test_a_new_stack_starts_from_zero_and_deployed_state_is_unknown(base: Spec) -> None:
    """An empty base (a new stack) costs $0; a deployed base has no spec, so no figure."""
    new = cost_change(None, base, base_exists=False)
    assert new["before"] == {"at_min": 0, "at_max": 0}
    assert new["change"] == new["after"]
    deployed = cost_change(None, base, base_exists=True)
    assert deployed["known"] is False
    assert "cost change: unknown" in render_text(deployed)


def test_text_and_markdown_show_min_and_max(base: Spec, tmp_path: Path) -> None:
    """Text has before/after/change rows at min and max; the PR comment a table with the
    change in bold, under the counts line."""
    head = _head(tmp_path, "max_instances: 20", "max_instances: 30")
    found = cost_change(base, head, base_exists=True)
    text = render_text(found).splitlines()
    assert text[0].split()[-6:] == ["at", "min", "size", "at", "max", "size"]
    assert text[3].split() == ["change", "±$0", "+$1,442"]
    markdown = render_markdown(found)
    assert "| change | **±$0** | **+$1,442** |" in markdown
    comment = attach_markdown("### title\n\n**counts**\n\n- line\n", found)
    assert comment.index("**counts**") < comment.index("**Cost per month**")
    assert comment.index("**Cost per month**") < comment.index("- line")
