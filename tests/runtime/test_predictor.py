"""The predictor interface, in process: optional arguments, content types, load errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.predictor import JSON, OCTETS, TEXT, Predictor, Request, load_predictor
from runtime.settings import PredictorSettings
from runtime.user_code import LoadError


def request(body: bytes, content_type: bytes = JSON, query: bytes = b"") -> Request:
    return Request(body, content_type, query, [(b"X-Trace", b"1"), (b"x-trace", b"2")])


class Both:
    def predict(
        self, payload: object, query_params: dict[str, str], headers: dict[str, str]
    ) -> dict[str, object]:
        return {"payload": payload, "query": query_params, "trace": headers["x-trace"]}


class Anything:
    def predict(self, payload: object, **extra: object) -> list[str]:
        return sorted(extra)


class PayloadOnly:
    def predict(self, payload: object) -> object:
        return payload


def test_query_params_and_headers_are_passed_only_when_declared() -> None:
    """predict() gets query_params and headers by keyword when it declares them (or **kwargs)."""
    outcome = Predictor(Both())(request(b"[1]", query=b"a=1&b=&a=3"))
    assert json.loads(outcome.body) == {
        "payload": [1],
        "query": {"a": "3", "b": ""},
        "trace": "1, 2",
    }
    assert json.loads(Predictor(Anything())(request(b"0")).body) == ["headers", "query_params"]
    assert Predictor(PayloadOnly())(request(b"0")).status == 200


@pytest.mark.parametrize(
    ("content_type", "body", "result_type"),
    [
        (b"application/json; charset=utf-8", b'{"a": 1}', JSON),
        (b"application/vnd.api+json", b"[]", JSON),
        (b"text/plain; charset=latin-1", "é".encode("latin-1"), TEXT),
        (b"image/png", b"\x89PNG", OCTETS),
        (b"", b"raw", OCTETS),
    ],
)
def test_the_content_type_decides_the_payload_and_the_result_type(
    content_type: bytes, body: bytes, result_type: bytes
) -> None:
    """JSON types parse, text/* decodes with its charset, anything else stays bytes; the
    result's type picks the response content type."""
    outcome = Predictor(PayloadOnly())(request(body, content_type))
    assert (outcome.status, outcome.content_type) == (200, result_type)


def test_an_unknown_charset_is_the_clients_error() -> None:
    """A text payload in a charset Python does not know is a 400, not a predictor error."""
    outcome = Predictor(PayloadOnly())(request(b"x", b"text/plain; charset=klingon"))
    assert outcome.status == 400


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\n", "does not define a class PythonPredictor"),
        ("class PythonPredictor:\n    pass\n", r"PythonPredictor\(config\) failed"),
        (
            "class PythonPredictor:\n    def __init__(self, config):\n        pass\n",
            "has no predict",
        ),
        ("raise RuntimeError('at import')\n", "importing predictor.py failed: RuntimeError"),
    ],
)
def test_broken_predictors_fail_to_load_with_a_reason(
    tmp_path: Path, source: str, message: str
) -> None:
    """Each way a predictor.py can be unusable is a LoadError that names the problem."""
    (tmp_path / "predictor.py").write_text(source)
    with pytest.raises(LoadError, match=message):
        load_predictor(tmp_path, PredictorSettings(path="predictor.py"))
