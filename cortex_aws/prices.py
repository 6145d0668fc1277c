"""A price with its provenance, and the order in which sources are tried.

Order (never an invented number): 1. live, from the AWS Price List API, written to a disk
cache with the fetch date (a cached price is still a Price List price, labelled with the day
it was fetched); 2. a table captured from the same API and shipped with the package
(`captured_prices.py`), labelled with its capture date; 3. the dated table Cortex v0.42.1
embedded (2022-04-24); 4. "unknown". `live=False` skips step 1's network call but still
reads the cache.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from cortex_aws import captured_prices, price_list, price_table
from cortex_aws.price_cache import PriceCache
from cortex_aws.session import AwsSession

Source = Literal["live", "cache", "captured", "table", "spot", "unknown"]
Kind = Literal[
    "instance", "eks", "eks-extended", "nat", "alb", "ebs-gb", "ebs-iops", "ebs-throughput"
]
UNITS: Final[dict[str, str]] = {
    "instance": "hour",
    "eks": "hour",
    "eks-extended": "hour",
    "nat": "hour",
    "alb": "hour",
    "ebs-gb": "GB-month",
    "ebs-iops": "IOPS-month",
    "ebs-throughput": "MiB/s-month",
}
WORKERS: Final = 6


@dataclass(frozen=True)
class PriceKey:
    kind: Kind
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.name}" if self.name else self.kind


@dataclass(frozen=True)
class Price:
    usd: float | None
    unit: str
    source: Source
    date: str | None = None
    reason: str | None = None

    @property
    def known(self) -> bool:
        return self.usd is not None

    @property
    def label(self) -> str:
        if self.source == "live":
            return f"AWS Price List API, fetched {self.date}"
        if self.source == "cache":
            return f"AWS Price List API, fetched {self.date} (cached)"
        if self.source == "captured":
            return captured_prices.label(str(self.date))
        if self.source == "table":
            return price_table.LABEL
        if self.source == "spot":
            return f"EC2 spot price history, {self.date}"
        return f"unknown: {self.reason}" if self.reason else "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "usd": self.usd,
            "unit": self.unit,
            "source": self.source,
            "date": self.date,
            "label": self.label,
        }


def unknown(unit: str, reason: str) -> Price:
    return Price(None, unit, "unknown", reason=reason)


class PriceBook:
    """Prices for one region, resolved once per key and shared by every cost line."""

    def __init__(
        self,
        region: str,
        *,
        live: bool,
        session: AwsSession | None = None,
        cache: PriceCache | None = None,
        today: date | None = None,
    ) -> None:
        self.region = region
        self.live = live
        self.session = session
        self.cache = cache or PriceCache.default()
        self.today = (today or date.today()).isoformat()
        self.notes: list[str] = []
        self._prices: dict[str, Price] = {}

    def load(self, keys: list[PriceKey]) -> None:
        """Resolve `keys`: live calls in parallel (when asked), then cache, table, unknown."""
        pending = [k for k in dict.fromkeys(keys) if k.id not in self._prices]
        fetched: dict[str, float] = {}
        if self.live and self.session is not None and pending:
            fetched = self._fetch(pending)
            if fetched:
                self.cache.store(self.region, fetched, self.today)
        cached = self.cache.load(self.region)
        for key in pending:
            unit = UNITS[key.kind]
            if key.id in fetched:
                self._prices[key.id] = Price(fetched[key.id], unit, "live", self.today)
            elif key.id in cached:
                usd, day = cached[key.id]
                self._prices[key.id] = Price(usd, unit, "cache", day)
            elif (packaged := captured_prices.lookup(self.region, key.id)) is not None:
                self._prices[key.id] = Price(packaged[0], unit, "captured", packaged[1])
            else:
                self._prices[key.id] = self._table(key, unit)

    def get(self, key: PriceKey) -> Price:
        if key.id not in self._prices:
            self.load([key])
        return self._prices[key.id]

    def _table(self, key: PriceKey, unit: str) -> Price:
        found = price_table.lookup(self.region, key.kind, key.name)
        if isinstance(found, float):
            return Price(found, unit, "table", price_table.CAPTURED)
        return unknown(unit, found)

    def _fetch(self, keys: list[PriceKey]) -> dict[str, float]:
        assert self.session is not None
        pricing, attempts = self.session.pricing(), self.session.max_attempts
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="prices") as pool:
            futures = {
                key.id: pool.submit(
                    price_list.fetch, pricing, self.region, key.kind, key.name, attempts
                )
                for key in keys
            }
            results = {key_id: future.result() for key_id, future in futures.items()}
        out: dict[str, float] = {}
        failures = [r.failure for r in results.values() if r.failure is not None]
        missing = [k for k, r in results.items() if r.failure is None and r.value is None]
        out = {k: r.value for k, r in results.items() if r.value is not None}
        if failures:
            # One line is enough: the failures share a cause (network, permission, throttle).
            self.notes.append(
                f"live prices unavailable for {len(failures)} item(s): {failures[0].message}"
            )
        if missing:
            self.notes.append(f"the Price List has no product for: {', '.join(missing)}")
        return out
