"""Kubernetes quantities and Go durations: round trips, ordering, and rejection of garbage."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cortex_spec.quantities import (
    QuantityError,
    cpu_text,
    duration_text,
    memory_display,
    memory_text,
    parse_duration,
    parse_quantity,
)

BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
DECIMAL = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
UNITS = {
    "ns": Decimal("1e-9"),
    "ms": Decimal("0.001"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
}
QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$")
DURATION = re.compile(r"^(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$")


@given(st.integers(0, 2**62))
def test_memory_text_round_trips(num_bytes: int) -> None:
    """memory_text gives exact Kubernetes text: parsing it returns the same byte count."""
    assert parse_quantity(memory_text(num_bytes)).value == num_bytes


@given(st.integers(0, 10**9))
def test_cpu_text_round_trips(millis: int) -> None:
    """cpu_text gives exact Kubernetes text: parsing it returns the same millicores."""
    assert parse_quantity(cpu_text(millis)).millis == millis


@given(st.integers(0, 10**6), st.sampled_from(sorted({**BINARY, **DECIMAL})))
def test_suffixes_scale_the_number(number: int, suffix: str) -> None:
    """`<n><suffix>` is n times the suffix's binary or decimal factor."""
    factor = {**BINARY, **DECIMAL}[suffix]
    assert parse_quantity(f"{number}{suffix}").value == number * factor


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(sorted(BINARY)))
def test_quantities_order_like_their_numbers(a: int, b: int, suffix: str) -> None:
    """Parsed quantities compare as the amounts they denote, whatever the unit."""
    left, right = parse_quantity(f"{a}{suffix}"), parse_quantity(f"{b * 1024}{suffix}")
    assert (left.value < right.value) == (a < b * 1024)
    assert parse_quantity(f"{a}Gi").value >= parse_quantity(f"{a}G").value


@given(st.integers(0, 10**6))
def test_millicores_equal_fractions(millis: int) -> None:
    """`500m` and `0.5` are the same CPU amount."""
    as_fraction = str(Decimal(millis) / 1000)
    assert parse_quantity(f"{millis}m").value == parse_quantity(as_fraction).value


@given(st.integers(0, 2**40))
def test_memory_display_never_understates(num_bytes: int) -> None:
    """The human text rounds up: what it shows is at least the exact amount."""
    shown = memory_display(num_bytes)
    assert parse_quantity(shown.lstrip("~")).value >= num_bytes
    assert shown.startswith("~") == (num_bytes % 2**20 != 0)


@given(st.text(max_size=30))
def test_garbage_quantities_are_rejected(text: str) -> None:
    """Text outside the Kubernetes quantity grammar raises QuantityError, nothing else."""
    assume(QUANTITY.match(text.strip()) is None)
    with pytest.raises(QuantityError):
        parse_quantity(text)


@given(st.one_of(st.none(), st.booleans(), st.lists(st.integers()), st.floats()))
def test_non_text_quantities_fail_cleanly(raw: object) -> None:
    """Any YAML value either parses or raises QuantityError (NaN, inf, lists, null, bools)."""
    try:
        quantity = parse_quantity(raw)
    except QuantityError:
        return
    assert quantity.value >= 0


@pytest.mark.parametrize("text", ["-1", "-500m", "1e31", "9" * 40, "9" * 5000])
def test_negative_and_huge_quantities_are_rejected(text: str) -> None:
    """Negative amounts and amounts beyond any machine are mistakes, not requests."""
    with pytest.raises(QuantityError):
        parse_quantity(text)


@given(st.integers(0, 10**8))
def test_duration_text_round_trips(seconds: int) -> None:
    """duration_text gives Go text that parses back to the same seconds."""
    assert parse_duration(duration_text(seconds)).seconds == seconds


@given(st.lists(st.tuples(st.integers(0, 1000), st.sampled_from(sorted(UNITS))), min_size=1))
def test_duration_parts_add_up(parts: list[tuple[int, str]]) -> None:
    """`1h30m10s` is the sum of its parts, as Go's time.ParseDuration reads it."""
    text = "".join(f"{n}{unit}" for n, unit in parts)
    expected = sum(Decimal(n) * UNITS[unit] for n, unit in parts)
    assert parse_duration(text).seconds == expected


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_durations_order_like_their_seconds(a: int, b: int) -> None:
    """Minutes and seconds compare by the time they denote."""
    assert (parse_duration(f"{a}m").seconds < parse_duration(f"{b}s").seconds) == (a * 60 < b)


@given(st.text(max_size=20))
def test_garbage_durations_are_rejected(text: str) -> None:
    """Text outside Go's duration grammar raises QuantityError, nothing else."""
    assume(DURATION.match(text.strip()) is None)
    with pytest.raises(QuantityError):
        parse_duration(text)


@pytest.mark.parametrize("raw", [60, 1.5, None, "60", "-5s", "2562048h"])
def test_unitless_negative_and_overlong_durations_are_rejected(raw: object) -> None:
    """Durations are quoted text with units, non-negative and within Go's int64 nanoseconds."""
    with pytest.raises(QuantityError):
        parse_duration(raw)
