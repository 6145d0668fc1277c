"""Captured price tables: read after live and cache, before the 2022 table, labelled with
their capture date; only files whose name and content agree; the capture script writes
only what the Price List answered."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cortex_aws import captured_prices
from cortex_aws.price_cache import NoCache
from cortex_aws.price_capture import FAMILIES, capture, keys_for
from cortex_aws.prices import PriceBook, PriceKey

INF2 = PriceKey("instance", "inf2.xlarge")


def _table(captured: str, prices: dict[str, dict[str, float]]) -> dict[str, Any]:
    return captured_prices.document(captured, prices, "regions us-west-2; test")


def _book(monkeypatch: pytest.MonkeyPatch, *tables: dict[str, Any]) -> PriceBook:
    monkeypatch.setattr(captured_prices, "_packaged", lambda: tuple(tables))
    return PriceBook("us-west-2", live=False, cache=NoCache(), today=date(2026, 12, 3))


def test_a_captured_price_comes_before_the_2022_table_with_its_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """inf2 (absent in 2022) and m6i (present) both come from the captured table, labelled
    with its capture date, not from the older table."""
    table = _table("2026-11-30", {"us-west-2": {INF2.id: 0.75, "instance:m6i.xlarge": 0.19}})
    book = _book(monkeypatch, table)
    price = book.get(INF2)
    assert (price.usd, price.source, price.date) == (0.75, "captured", "2026-11-30")
    assert price.label == "AWS Price List API, captured 2026-11-30 (packaged table)"
    assert book.get(PriceKey("instance", "m6i.xlarge")).source == "captured"


def test_without_a_captured_price_the_2022_table_then_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A key no captured table has falls through to the 2022 table, then to unknown."""
    book = _book(monkeypatch, _table("2026-11-30", {"us-east-1": {INF2.id: 0.7}}))
    assert book.get(PriceKey("instance", "m6i.xlarge")).source == "table"
    assert book.get(INF2).source == "unknown"


def test_the_newest_table_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two tables: the newer capture's price."""
    older = _table("2026-01-01", {"us-west-2": {INF2.id: 0.8}})
    newer = _table("2026-11-30", {"us-west-2": {INF2.id: 0.75}})
    folder_tables = sorted([older, newer], key=lambda t: t["captured"], reverse=True)
    assert _book(monkeypatch, *folder_tables).get(INF2).usd == 0.75


def test_only_files_whose_name_and_content_agree_are_read(tmp_path: Path) -> None:
    """A file whose `captured` differs from its name's date, or that names no Price List
    source, is ignored; a good one is read."""
    good = _table("2026-11-30", {"us-west-2": {INF2.id: 0.75}})
    (tmp_path / "aws-prices-captured-2026-11-30.json").write_text(json.dumps(good))
    (tmp_path / "aws-prices-captured-2026-12-01.json").write_text(json.dumps(good))
    (tmp_path / "aws-prices-captured-2026-12-02.json").write_text(
        json.dumps({**good, "captured": "2026-12-02", "source": "typed by hand"})
    )
    tables = captured_prices.read(tmp_path)
    assert [t["captured"] for t in tables] == ["2026-11-30"]


def test_no_captured_table_is_shipped_yet() -> None:
    """The package holds no captured table (none could be captured where this was built):
    offline, inf2 is unknown rather than a guess. Capturing one changes this on purpose."""
    assert captured_prices.lookup("us-west-2", INF2.id) is None


def test_the_script_writes_only_what_the_price_list_answered() -> None:
    """capture() keeps every answered price by region and key, and lists the rest."""
    keys = keys_for(list(FAMILIES))
    assert INF2 in keys
    assert PriceKey("alb") in keys
    assert all(k.name.split(".")[0] in FAMILIES for k in keys if k.kind == "instance")

    def fetch(region: str, key: PriceKey) -> float | None:
        return 0.75 if key == INF2 else None

    prices, missing = capture(["us-west-2"], [INF2, PriceKey("alb")], fetch)
    assert prices == {"us-west-2": {INF2.id: 0.75}}
    assert missing == ["us-west-2 alb"]
