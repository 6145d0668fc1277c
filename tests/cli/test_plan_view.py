"""`plan` for a person: the first screen at 80 columns, the folded tree, colour, and the
summary in `plan --json`."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from cortex_cli import output
from cortex_cli.main import app
from cortex_cli.plan_view import RISK
from tests.conftest import EXAMPLES, REPO

MIXED = EXAMPLES / "mixed" / "cortex.yaml"
COLUMNS, ROWS = 80, 24


def _plan(*args: str, columns: int = COLUMNS, rows: int = ROWS) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        patch.setenv("COLUMNS", str(columns))
        patch.setenv("LINES", str(rows))
        result = CliRunner().invoke(app, ["plan", str(MIXED), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def dev_text() -> str:
    return _plan()


def _first_screen(text: str) -> list[str]:
    """What an 80x24 terminal shows first: lines wrap at 80 columns, 24 rows in all."""
    shown: list[str] = []
    for line in text.splitlines():
        shown.append(line)
        if sum(max(1, math.ceil(len(s) / COLUMNS)) for s in shown) >= ROWS:
            break
    return shown


@pytest.mark.slow
def test_first_screen_at_80_columns_has_summary_endpoints_costs_and_risks(
    dev_text: str,
) -> None:
    """At 80x24 the mixed example's plan shows, before anything scrolls: what it creates,
    each API's endpoint, the cost at min and max, and its risks (a public Kubernetes API
    endpoint, plain HTTP) with its warning."""
    screen = "\n".join(_first_screen(dev_text))
    assert "summary\n  creates " in screen
    for api in ("sentiment", "image-classifier", "embedder"):
        assert f"http://<load balancer DNS name>/{api}" in screen
    assert "at min size  at max size" in screen
    assert "  per hour " in screen
    assert "  per month " in screen
    assert "risks and warnings (3) (why and the fix: below)" in screen
    assert "! risk cluster.endpoint_public_access_cidrs: the Kubernetes API endpoint" in screen
    assert "! risk cluster.ssl_certificate_arn: the API load balancer serves plain HTTP" in screen


@pytest.mark.slow
def test_summary_lines_fit_80_columns_and_the_tree_is_folded(dev_text: str) -> None:
    """Everything above the tree is wrapped to 80 columns; a tree longer than the screen
    shows its components, each with how many resources it holds."""
    lines = dev_text.splitlines()
    tree_at = next(i for i, line in enumerate(lines) if line.startswith("resources ("))
    assert all(len(line) <= COLUMNS for line in lines[:tree_at])
    assert "folded by component" in lines[tree_at]
    assert any(
        line.startswith("  platform  [cortex:infra:Platform]  ") and line.endswith(" resources")
        for line in lines
    )
    assert not any("[aws:eks/cluster:Cluster]" in line for line in lines)


@pytest.mark.slow
def test_tree_full_lists_every_resource() -> None:
    """`--tree full` prints every resource, however short the screen."""
    text = _plan("--tree", "full")
    assert "      platform-eks-cluster  [aws:eks/cluster:Cluster]" in text.splitlines()


@pytest.mark.slow
def test_json_carries_costs_risks_and_endpoints() -> None:
    """`plan --json` has the summary under `summary`: cost at min and max, risks with the
    program's warnings, and each API's URL."""
    document = json.loads(_plan("--json"))
    summary = document["summary"]
    assert summary["cost"]["total"]["monthly"]["at_min"]["low"] > 0
    assert [r["code"] for r in summary["risks"]] == [
        "public-api-endpoint",
        "plain-http-to-internet",
    ]
    assert summary["warnings"] == document["warnings"]
    assert [a["name"] for a in summary["endpoints"]["apis"]] == [
        "sentiment",
        "image-classifier",
        "embedder",
    ]
    assert summary["changes"]["create"] == len(document["resources"])


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_colour_on_a_terminal_unless_no_color(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_color: str | None,
    coloured: bool,
) -> None:
    """On a terminal risks are coloured; `NO_COLOR` (https://no-color.org) turns colour off."""
    from rich.text import Text

    monkeypatch.setenv("FORCE_COLOR", "1")  # rich: behave as on a terminal
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    output.console().print(Text("! risk", style=RISK))
    printed = capsys.readouterr().out
    assert ("\x1b[33m" in printed) is coloured
    assert "! risk" in printed
