"""Price tables captured from the AWS Price List API by `scripts/capture_prices.py`, shipped
as package data (`data/aws-prices-captured-<date>.json`) with the day they were fetched.

They are read after the live API and its cache, and before the 2022 table Cortex v0.42.1
embedded: a maintainer with AWS credentials refreshes the offline prices by running the
script and committing its file, never by typing a number. A file is used only when its
`captured` date is the one in its name and it says where its prices came from; the newest
file that has a price wins. None is shipped yet (no capture could be run where this was
written, and no installable package ships a dated table), so offline the families the 2022
table lacks stay "unknown".
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final

PATTERN: Final = re.compile(r"aws-prices-captured-(\d{4}-\d{2}-\d{2})\.json")
SOURCE: Final = "AWS Price List Query API (pricing:GetProducts)"


def label(captured: str) -> str:
    return f"AWS Price List API, captured {captured} (packaged table)"


def _valid(name: str, document: Any) -> bool:
    found = PATTERN.fullmatch(name)
    return (
        found is not None
        and isinstance(document, dict)
        and document.get("captured") == found.group(1)
        and str(document.get("source", "")).startswith(SOURCE)
        and isinstance(document.get("prices"), dict)
    )


def read(folder: Traversable) -> list[dict[str, Any]]:
    """The valid captured tables in `folder`, newest first."""
    tables = []
    for entry in folder.iterdir():
        if not PATTERN.fullmatch(entry.name):
            continue
        document = json.loads(entry.read_text(encoding="utf-8"))
        if _valid(entry.name, document):
            tables.append(document)
    return sorted(tables, key=lambda t: str(t["captured"]), reverse=True)


@cache
def _packaged() -> tuple[dict[str, Any], ...]:
    return tuple(read(resources.files("cortex_aws").joinpath("data")))


def lookup(
    region: str, key_id: str, tables: tuple[dict[str, Any], ...] | None = None
) -> tuple[float, str] | None:
    """(USD, capture date) from the newest table that prices `key_id` in `region`."""
    for table in _packaged() if tables is None else tables:
        usd = table["prices"].get(region, {}).get(key_id)
        if isinstance(usd, int | float):
            return float(usd), str(table["captured"])
    return None


def document(captured: str, prices: dict[str, dict[str, float]], detail: str) -> dict[str, Any]:
    """A table as the capture script writes it (sorted, so that diffs review well)."""
    return {
        "source": f"{SOURCE}: {detail}",
        "captured": captured,
        "currency": "USD",
        "prices": {r: dict(sorted(p.items())) for r, p in sorted(prices.items())},
    }
