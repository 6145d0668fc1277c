"""Payloads the runtime parses, in process: any input is a 200 or a 400, never an invalid 200."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.predictor import JSON, OCTETS, TEXT, Predictor, Request


def strict(body: bytes) -> Any:
    """RFC 8259 JSON only: NaN and Infinity are refused."""

    def refuse(name: str) -> None:
        raise ValueError(name)

    return json.loads(body, parse_constant=refuse)


class Wrap:
    """Returns what it was given inside a JSON object (bytes by their length)."""

    def predict(self, payload: object) -> dict[str, object]:
        if isinstance(payload, bytes):
            return {"bytes": len(payload)}
        return {"payload": payload}


class Returns:
    def __init__(self, value: object) -> None:
        self.value = value

    def predict(self, payload: object) -> object:
        return self.value


def call(predictor: object, body: bytes, content_type: bytes = JSON) -> tuple[int, bytes, bytes]:
    outcome = Predictor(predictor)(Request(body, content_type, b"", []))
    return outcome.status, outcome.content_type, outcome.body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": "\xff\xfe"}', "codec can't decode"),
        (b'"\xed\xa0\x80"', "codec can't decode"),  # an encoded surrogate is not UTF-8
        (b"NaN", "NaN is not JSON"),
        (b'{"x": -Infinity}', "-Infinity is not JSON"),
        (b"\x89PNG\r\n", "cannot read the payload"),
    ],
)
def test_unparseable_json_is_a_400(body: bytes, reason: str) -> None:
    """Deep nesting, invalid UTF-8, NaN/Infinity, not JSON at all: the client's error."""
    status, content_type, answer = call(Wrap(), body)
    assert (status, content_type) == (400, JSON)
    assert reason in json.loads(answer)["error"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, [1.0, {"x": math.nan}]])
def test_a_result_json_cannot_represent_is_a_500_with_the_reason(value: object) -> None:
    """NaN or Infinity in a result: 500 naming the problem, never a 200 with invalid JSON."""
    status, _, answer = call(Returns(value), b"{}")
    assert status == 500
    assert json.loads(answer)["error"].startswith(
        "ValueError: predict() returned something JSON cannot represent"
    )


def test_a_text_payload_in_the_wrong_charset_is_a_400() -> None:
    """text/* bodies are decoded with their charset; bytes that are not in it are a 400."""
    status, _, answer = call(Wrap(), b"\xff", b"text/plain; charset=utf-8")
    assert status == 400
    assert "not utf-8" in json.loads(answer)["error"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)
content_types = st.sampled_from(
    [
        b"application/json",
        b"application/json; charset=utf-8",
        b"application/problem+json",
        b"text/plain",
        b"text/csv; charset=latin-1",
        b"text/plain; charset=utf-16",
        b"text/plain; charset=klingon",
        b"text/plain; charset=base64",
        b"text/plain; charset=idna",
        b"image/png",
        b"",
    ]
)


@given(body=st.binary(max_size=200), content_type=content_types)
def test_any_body_is_a_200_or_a_400(body: bytes, content_type: bytes) -> None:
    """Whatever the bytes and the content type, the runtime answers 200 or 400, and a JSON
    answer parses as strict JSON."""
    status, answer_type, answer = call(Wrap(), body, content_type)
    assert status in {200, 400}
    if answer_type == JSON:
        strict(answer)


@given(value=json_values)
def test_json_round_trips_or_is_refused(value: object) -> None:
    """Any JSON a client may send (Python's encoder writes NaN for it, so the runtime must
    refuse those): 400 when it holds NaN or Infinity, else 200 with the same value back."""
    body = json.dumps(value).encode()
    status, content_type, answer = call(Wrap(), body)
    if any(constant in body for constant in (b"NaN", b"Infinity")) and status == 400:
        return  # a NaN or Infinity, possibly only inside a string, which is fine too
    assert (status, content_type) == (200, JSON)
    assert strict(answer) == json.loads(json.dumps({"payload": value}))


@given(value=json_values)
def test_a_result_is_strict_json_or_a_500(value: object) -> None:
    """Whatever a predictor returns, a 200 carries strict JSON; anything else is a 500."""
    status, content_type, answer = call(Returns(value), b"null")
    if status == 200:
        assert content_type in {JSON, TEXT, OCTETS}
        if content_type == JSON:
            strict(answer)
    else:
        assert status == 500
        assert "JSON cannot represent" in json.loads(answer)["error"]


@given(depth=st.integers(min_value=1, max_value=50_000))
def test_nesting_is_served_or_refused_never_a_crash(depth: int) -> None:
    """Arrays nested to any depth: 200 while Python can decode them, 400 beyond."""
    status, _, answer = call(Returns("decoded"), b"[" * depth + b"]" * depth)
    assert status in {200, 400}
    if status == 400:
        assert "nested too deeply" in json.loads(answer)["error"]


def test_a_result_too_deep_to_encode_is_a_500_with_the_reason() -> None:
    """A result nested deeper than the encoder goes is the predictor's error: 500, said so."""
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    status, _, answer = call(Returns(deep), b"null")
    assert status == 500
    assert json.loads(answer)["error"].endswith("JSON cannot represent: it is nested too deeply")
