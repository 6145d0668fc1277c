"""The EKS Kubernetes version calendar, as data: `cortex_spec/data/eks_calendar.yaml`.

Each row is a minor with its EKS release date and the end of its standard and extended
support, from the cited AWS calendar. No clock is consulted: "past" means on or before the
calendar's `read_on` date (`TABLE_READ_ON`), which `validate` and `plan` print, so the same
spec validates the same way on every day. Refresh the data file, not this module.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DEFAULT_VERSION: Final = "1.35"
DATA_FILE: Final = "eks_calendar.yaml"

IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Minor = Annotated[str, StringConstraints(pattern=r"^1\.\d+$")]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class VersionSupport(_Data):
    """One minor's EKS dates (ISO strings compare as dates)."""

    version: Minor
    released: IsoDate
    standard_support_ends: IsoDate
    extended_support_ends: IsoDate


class Pricing(_Data):
    text: str
    as_of: str
    source: str


class Calendar(_Data):
    read_on: IsoDate
    source: str
    lifecycle_source: str
    upgrade_policy_source: str
    extended_support_pricing: Pricing
    versions: dict[Minor, VersionSupport] = Field(min_length=1)

    def newest(self) -> str:
        return max(self.versions, key=minor)

    def oldest(self) -> str:
        return min(self.versions, key=minor)

    def past_extended_support(self, version: str) -> bool:
        row = self.versions.get(version)
        return row is not None and row.extended_support_ends <= self.read_on

    def past_standard_support(self, version: str) -> bool:
        row = self.versions.get(version)
        return row is not None and row.standard_support_ends <= self.read_on


def minor(version: str) -> int:
    return int(version.split(".", 1)[1])


@cache
def calendar() -> Calendar:
    """The packaged calendar, validated once per process."""
    text = resources.files("cortex_spec").joinpath("data", DATA_FILE).read_text("utf-8")
    raw = yaml.safe_load(text)
    rows = raw.get("versions", {}) if isinstance(raw, dict) else {}
    for name, row in rows.items():
        if isinstance(row, dict):
            row["version"] = name
    return Calendar.model_validate(raw)


CALENDAR: Final = calendar()
TABLE_READ_ON: Final = CALENDAR.read_on
SUPPORT: Final = dict(CALENDAR.versions)
