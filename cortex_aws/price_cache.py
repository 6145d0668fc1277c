"""Live prices kept on disk with the day they were fetched, so that `plan` and `cost
--offline` can show a recent Price List figure without a network call.

Location: `$XDG_CACHE_HOME/cortex-infra/prices/<region>.json` (default `~/.cache`). A file
that cannot be read is ignored (the table or "unknown" take over); writes replace the file
atomically so that a concurrent reader never sees half of it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

VERSION: Final = 1


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cortex-infra" / "prices"


@dataclass(frozen=True)
class PriceCache:
    root: Path

    @classmethod
    def default(cls) -> PriceCache:
        return cls(cache_root())

    def path(self, region: str) -> Path:
        return self.root / f"{region}.json"

    def load(self, region: str) -> dict[str, tuple[float, str]]:
        """key id -> (USD, fetch date)."""
        try:
            document = json.loads(self.path(region).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("version") != VERSION:
            return {}
        out: dict[str, tuple[float, str]] = {}
        for key, row in (document.get("prices") or {}).items():
            if isinstance(row, dict) and isinstance(row.get("usd"), int | float):
                out[str(key)] = (float(row["usd"]), str(row.get("fetched", "")))
        return out

    def store(self, region: str, prices: dict[str, float], fetched: str) -> None:
        """Merge `prices` into the region's file. A read-only cache only loses the cache."""
        merged = {k: {"usd": v, "fetched": d} for k, (v, d) in self.load(region).items()}
        merged.update({k: {"usd": v, "fetched": fetched} for k, v in prices.items()})
        document = {"version": VERSION, "region": region, "prices": dict(sorted(merged.items()))}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, indent=1)
            os.replace(temporary, self.path(region))
        except OSError:
            Path(temporary).unlink(missing_ok=True)


@dataclass(frozen=True)
class NoCache(PriceCache):
    """No cache at all: `plan` prices from the packaged table only, so that the same spec
    gives the same plan on every machine, whatever `cost` fetched there before."""

    root: Path = Path()

    def load(self, region: str) -> dict[str, tuple[float, str]]:
        return {}

    def store(self, region: str, prices: dict[str, float], fetched: str) -> None:
        return None
