"""USD ranges where either end may be unknown, and how they read.

A range's low end is what the cluster costs if every price is at its lowest (spot at its
current price), the high end with every price at its highest (spot at on-demand, which EC2
never exceeds). None means unknown: it is carried, never replaced by a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

# The AWS Pricing Calculator's month: 24 x 365 / 12 hours.
HOURS_PER_MONTH: Final = 730


@dataclass(frozen=True)
class Range:
    low: float | None
    high: float | None

    @classmethod
    def exact(cls, usd: float | None) -> Range:
        return cls(usd, usd)

    def times(self, factor: float) -> Range:
        return Range(
            None if self.low is None else self.low * factor,
            None if self.high is None else self.high * factor,
        )

    def plus(self, other: Range) -> Range:
        return Range(_add(self.low, other.low), _add(self.high, other.high))

    @property
    def known(self) -> bool:
        return self.low is not None and self.high is not None

    def monthly(self) -> Range:
        return self.times(HOURS_PER_MONTH)

    def to_dict(self) -> dict[str, Any]:
        return {"low": _round(self.low), "high": _round(self.high)}


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def _round(value: float | None) -> float | None:
    # Sub-cent per-hour prices (EBS per hour) need the digits; 6 hide float noise.
    return None if value is None else round(value, 6)


def usd(value: float | None, *, digits: int = 2) -> str:
    return "unknown" if value is None else f"${value:,.{digits}f}"


def text(span: Range, *, digits: int = 2) -> str:
    """`$1.00`, `$0.30 - $1.00`, `unknown - $1.00`, or `unknown`."""
    if span.low is None and span.high is None:
        return "unknown"
    if (
        span.low is not None
        and span.high is not None
        and round(span.low, digits) == round(span.high, digits)
    ):
        return usd(span.low, digits=digits)
    return f"{usd(span.low, digits=digits)} - {usd(span.high, digits=digits)}"
