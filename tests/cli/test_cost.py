"""`cortex-infra cost`: every figure labelled with its source and date, offline or live."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cortex_aws import prices
from cortex_aws.session import AwsSession
from cortex_cli import loading
from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from cortex_spec import Spec
from tests.aws.test_live_prices import stub_gpu_spot_prices
from tests.conftest import EXAMPLES, MotoServer

MIXED = EXAMPLES / "mixed" / "cortex.yaml"


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private, empty price cache for each test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_offline_table_labels_every_row() -> None:
    """--offline: each row points at a legend entry; the legend gives source and date."""
    result = CliRunner().invoke(app, ["cost", str(MIXED), "--env", "prod", "--offline"])
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("ITEM"))
    rows = [r for r in lines[header + 1 : lines.index("", header)] if not r.startswith("    ")]
    assert rows
    assert all(row.rstrip().endswith("]") for row in rows)
    assert "  [1] AWS list price as of 2022-04-24, from Cortex v0.42.1" in lines
    assert any(
        "unknown: the 2022-04-24 table has no Application Load Balancer price" in x for x in lines
    )
    assert "estimated cost in us-west-2:" in lines
    assert all(len(line) <= 100 for line in lines)


def test_offline_json_carries_source_and_date_per_price() -> None:
    """--json: every price has a source, a date (or a reason when unknown) and a label."""
    result = CliRunner().invoke(app, ["cost", str(MIXED), "--env", "prod", "--offline", "--json"])
    document = json.loads(result.output)
    prices = [p for line in document["lines"] for p in line["prices"]]
    assert prices
    for price in prices:
        if price["source"] == "table":
            assert price["date"] == "2022-04-24"
        else:
            assert price["source"] == "unknown"
            assert price["usd"] is None
            assert price["label"].startswith("unknown: ")
    assert document["total"]["excluded"] == ["gpu-spot", "inf2", "load balancer"]
    assert document["hours_per_month"] == 730


def test_live_cost_labels_prices_with_the_fetch_date(
    aws: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Live: Price List figures say "fetched <today>", spot ones "EC2 spot price history"."""

    def session_for(loaded: Spec) -> AwsSession:
        session = AwsSession(loaded.cluster.region)
        stub_gpu_spot_prices(session)
        return session

    monkeypatch.setattr(prices, "WORKERS", 1)  # the Stubber answers in call order
    monkeypatch.setattr(loading, "session_for", session_for)
    spec = EXAMPLES / "gpu-spot" / "cortex.yaml"
    result = CliRunner().invoke(app, ["cost", str(spec), "--json"])
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.output)
    today = date.today().isoformat()
    assert set(document["sources"]) == {
        f"AWS Price List API, fetched {today}",
        f"EC2 spot price history, {today}",
    }
    assert document["total"]["excluded"] == []


def test_live_table_with_spot_ranges_fits_100_columns(
    aws: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With live prices (spot as a low - high range, the widest cells), no line of the
    text output is longer than 100 columns, and each item's detail is on its own line."""

    def session_for(loaded: Spec) -> AwsSession:
        session = AwsSession(loaded.cluster.region)
        stub_gpu_spot_prices(session)
        return session

    monkeypatch.setattr(prices, "WORKERS", 1)  # the Stubber answers in call order
    monkeypatch.setattr(loading, "session_for", session_for)
    result = CliRunner().invoke(app, ["cost", str(EXAMPLES / "gpu-spot" / "cortex.yaml")])
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any(" - $" in line for line in lines if line.endswith("]"))  # a spot range
    assert "    on-demand t3.medium" in lines
