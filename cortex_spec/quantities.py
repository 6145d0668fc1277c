"""Kubernetes quantities (`500m`, `2Gi`, `4G`) and Go durations (`60s`, `5m`, `1h30m`).

Cortex read both with the Kubernetes and Go parsers; these follow the same
grammars so that every Cortex v0.42 value still parses, and nothing else does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Final

_BINARY: Final = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL: Final = {
    "m": Decimal("0.001"),
    "": Decimal(1),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
}
# ASCII digits only: Python's `\d` and Decimal() also read other scripts' digits, which
# Kubernetes and Go do not.
_QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|(?P<exp>[eE][+-]?[0-9]+))?"
)
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
_DURATION_UNITS: Final = {
    "ns": Decimal("1e-9"),
    "us": Decimal("1e-6"),
    "µs": Decimal("1e-6"),
    "μs": Decimal("1e-6"),
    "ms": Decimal("0.001"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
}
_MAX_EXPONENT: Final = 30
# Larger amounts are typing mistakes (a CPU or memory request beyond any machine), and
# bounding them keeps every derived integer printable.
_MAX_QUANTITY: Final = Decimal(10) ** _MAX_EXPONENT
# Go's time.Duration is int64 nanoseconds; time.ParseDuration rejects anything longer.
_MAX_DURATION: Final = Decimal("9223372036.854775807")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


class QuantityError(ValueError):
    """A value is not a Kubernetes quantity or Go duration."""


@dataclass(frozen=True, order=True)
class Quantity:
    """A non-negative amount in base units (cores or bytes), with the text the user wrote."""

    value: Decimal
    text: str

    @property
    def millis(self) -> int:
        """In thousandths, rounded up as Kubernetes rounds requests (CPU millicores)."""
        return int((self.value * 1000).to_integral_value(rounding=ROUND_CEILING))

    @property
    def whole(self) -> int:
        """In whole base units, rounded up (bytes)."""
        return int(self.value.to_integral_value(rounding=ROUND_CEILING))

    def __str__(self) -> str:
        return self.text


def parse_quantity(raw: object) -> Quantity:
    """Parse a Kubernetes quantity given as YAML text or number; negatives are rejected."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise QuantityError("must be a quantity such as 500m, 1, 2Gi or 4G")
    text = raw.strip() if isinstance(raw, str) else _number_text(raw)
    match = _QUANTITY.fullmatch(text)
    if match is None:
        raise QuantityError(f"{_shown(text)} is not a quantity (write it like 500m, 1, 2Gi or 4G)")
    try:
        number = Decimal(match["number"])
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        raise QuantityError(f"{_shown(text)} is not a quantity") from None
    if match["exp"]:
        exponent = int(match["exp"][1:])
        if abs(exponent) > _MAX_EXPONENT:
            raise QuantityError(f"{_shown(text)} is out of range")
        value = number * Decimal(10) ** exponent
    elif match["suffix"] in _BINARY:
        value = number * _BINARY[match["suffix"]]
    else:
        value = number * _DECIMAL[match["suffix"] or ""]
    if value < 0:
        raise QuantityError(f"{_shown(text)} must not be negative")
    if value >= _MAX_QUANTITY:
        raise QuantityError(f"{_shown(text)} is out of range")
    return Quantity(value, text)


def _number_text(number: float) -> str:
    if isinstance(number, int):
        return str(number)
    if math.isnan(number) or math.isinf(number):
        return str(number)
    return format(Decimal(repr(number)).normalize(), "f")


def cpu_text(millis: int) -> str:
    """Canonical Kubernetes text for a CPU amount in millicores."""
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def memory_text(num_bytes: int) -> str:
    """Canonical Kubernetes text for bytes: the largest exact binary unit."""
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if num_bytes and num_bytes % unit == 0:
            return f"{num_bytes // unit}{suffix}"
    return str(num_bytes)


def memory_display(num_bytes: int) -> str:
    """Text for people: exact in whole MiB or larger units, else rounded up to MiB (`~`).

    `4G` plus a 100Mi sidecar is 4104857600 bytes, exactly `4008650Ki`; `~3915Mi` reads
    better in a summary and rounds the way a fit check should, up.
    """
    if num_bytes % 2**20 == 0:
        return memory_text(num_bytes)
    return f"~{-(-num_bytes // 2**20)}Mi"


@dataclass(frozen=True, order=True)
class Duration:
    """A Go duration, kept as seconds and as written."""

    seconds: Decimal
    text: str

    @property
    def whole_seconds(self) -> int:
        return int(self.seconds.to_integral_value(rounding=ROUND_CEILING))

    def __str__(self) -> str:
        return self.text


def parse_duration(raw: object) -> Duration:
    """Parse `60s`, `5m`, `1h30m`, `0` (Go's time.ParseDuration, non-negative)."""
    if not isinstance(raw, str):
        raise QuantityError("must be a duration such as 60s or 5m (a quoted string)")
    text = raw.strip()
    if text == "0":
        return Duration(Decimal(0), text)
    position, total = 0, Decimal(0)
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            break
        total += Decimal(match[1]) * _DURATION_UNITS[match[2]]
        position = match.end()
    if position != len(text) or not text:
        raise QuantityError(f"{_shown(text)} is not a duration (write it like 60s, 5m or 1h30m)")
    if total > _MAX_DURATION:
        raise QuantityError(f"{_shown(text)} is out of range (durations end at about 292 years)")
    return Duration(total, text)


def duration_text(seconds: int) -> str:
    """Shortest exact Go text for whole seconds (`300` → `5m`)."""
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"
