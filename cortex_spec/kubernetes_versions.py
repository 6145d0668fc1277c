"""EKS Kubernetes versions we know of, with their support dates.

Source: endoflife.date/amazon-eks, read 2026-02-11 (dates as EKS publishes them); the
14-month standard plus 12-month extended support rule is from the EKS user guide page
"Understand the Kubernetes version lifecycle on EKS". No clock is consulted: the same spec
validates the same way on every day, and the dates are printed so the reader can judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

TABLE_READ_ON: Final = "2026-02-11"
DEFAULT_VERSION: Final = "1.35"
OLDEST_MINOR: Final = 29


@dataclass(frozen=True)
class VersionSupport:
    version: str
    released: str
    standard_support_ends: str
    extended_support_ends: str


SUPPORT: Final = {
    row.version: row
    for row in (
        VersionSupport("1.35", "2026-01-28", "2027-03-27", "2028-03-27"),
        VersionSupport("1.34", "2025-10-06", "2026-12-02", "2027-12-02"),
        VersionSupport("1.33", "2025-05-28", "2026-07-29", "2027-07-29"),
        VersionSupport("1.32", "2025-01-25", "2026-03-23", "2027-03-23"),
        VersionSupport("1.31", "2024-09-26", "2025-11-26", "2026-11-26"),
        VersionSupport("1.30", "2024-05-23", "2025-07-23", "2026-07-23"),
        VersionSupport("1.29", "2024-01-23", "2025-03-23", "2026-03-23"),
    )
}


def minor(version: str) -> int:
    return int(version.split(".", 1)[1])
