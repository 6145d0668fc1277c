"""The version matrix and the EKS calendar: data that loads only when it keeps its own
rules, covers every minor EKS still runs, and is what docs/cluster.md shows."""

from __future__ import annotations

import os

import pydantic
import pytest

from cortex_spec.kubernetes_versions import DEFAULT_VERSION, calendar, minor
from cortex_spec.version_matrix import Usage, load, matrix, packaged_text
from cortex_spec.version_table import BEGIN, END, markdown
from tests.conftest import REPO

DOCS = REPO / "docs" / "cluster.md"


def _edited(old: str, new: str) -> str:
    text = packaged_text()
    assert old in text
    return text.replace(old, new, 1)


def test_docs_show_the_data() -> None:
    """docs/cluster.md "Versions" is the rendering of the data, byte for byte."""
    text = DOCS.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END) + 1
    if os.environ.get("CORTEX_UPDATE_DOCS") == "1":
        DOCS.write_text(text[:start] + markdown() + text[end:], encoding="utf-8")
        text = DOCS.read_text(encoding="utf-8")
    assert text[start : text.index(END) + len(END) + 1] == markdown()


def test_every_minor_eks_still_runs_has_a_row() -> None:
    """A minor not past extended support has a matrix row (else every spec on it fails)."""
    data = calendar()
    running = [v for v in data.versions if not data.past_extended_support(v)]
    assert sorted(running, key=minor) == sorted(matrix().rows, key=minor)


def test_the_default_minor_has_no_gap() -> None:
    """The default Kubernetes version runs every component: no gap in its row."""
    everything: frozenset[Usage] = frozenset({"always", "nvidia", "neuron", "scale-to-zero"})
    assert matrix().gaps(DEFAULT_VERSION, everything) == []


def test_cluster_autoscaler_is_built_for_its_row() -> None:
    """Every cited cluster-autoscaler image is of its row's minor."""
    for version, row in matrix().rows.items():
        cell = row["cluster-autoscaler"]
        assert cell.version is not None
        assert cell.version.startswith(f"v{version}."), (version, cell.version)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        # cluster-autoscaler of another minor in the 1.35 row
        ("version: v1.35.1", "version: v1.34.4", "cluster-autoscaler v1.34.4 is 1 minor"),
        # a kube-scheduler two minors behind its control plane
        ("version: v1.35.6-eks-1-35-13", "version: v1.33.13-eks-1-33-31", "2 minor(s)"),
        # a row without one of the components
        ("    aws-load-balancer-controller: *lb-controller\n", "", "missing"),
    ],
)
def test_a_refresh_that_breaks_a_rule_does_not_load(old: str, new: str, says: str) -> None:
    """Loading checks the matrix: image minors, scheduler skew, complete rows."""
    with pytest.raises(ValueError, match=r".*") as caught:
        load(_edited(old, new))
    assert says in str(caught.value)


def test_a_cell_is_a_cited_version_or_a_gap() -> None:
    """A version without its source, or a cell with both a version and a gap, is refused."""
    without_source = _edited(
        "      source: aws/eks-distro docs/contents/releases/1-35/13/index.md", "      note: x"
    )
    with pytest.raises(pydantic.ValidationError):
        load(without_source)


def test_calendar_dates_are_ordered() -> None:
    """Release, then end of standard support, then end of extended support."""
    for row in calendar().versions.values():
        assert row.released < row.standard_support_ends < row.extended_support_ends


def test_changes_name_the_components_that_move() -> None:
    """Between 1.34 and 1.35 the autoscaler image and the Neuron scheduler change, and the
    chart that did not change is not listed; unused components are left out."""
    uses: frozenset[Usage] = frozenset({"always", "neuron"})
    moved = {c.component: (c.before, c.after) for c in matrix().changes("1.34", "1.35", uses)}
    assert moved["cluster-autoscaler"] == ("v1.34.4", "v1.35.1")
    assert "neuron-scheduler" in moved
    assert "cluster-autoscaler-chart" not in moved
    assert "nvidia-device-plugin" not in moved
