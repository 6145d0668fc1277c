"""`cortex-runtime serve` over real HTTP: prediction, content types, errors, health, metrics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runtime import contract
from tests.runtime.conftest import Runtime, make_project, serving_env, start, stop_runtime


@pytest.fixture(scope="module")
def echo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    base = tmp_path_factory.mktemp("echo")
    project = make_project(base, config={"greeting": "hello", "labels": ["a", "b"]})
    runtime = start(serving_env(project, base), base / "runtime.log")
    try:
        runtime.wait_until(200)
        yield runtime
    finally:
        stop_runtime(runtime)


def test_prediction_gets_the_json_payload_and_the_config(echo: Runtime) -> None:
    """POST / passes the parsed JSON to predict() and predictor.config to the constructor."""
    reply = httpx.post(echo.url + "/", json={"text": "hi"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert body["payload"] == {"text": "hi"}
    assert body["config"] == {"greeting": "hello", "labels": ["a", "b"]}


@pytest.mark.parametrize("path", ["/echo", "/echo/"])
def test_the_endpoint_is_an_alias_of_the_root(echo: Runtime, path: str) -> None:
    """POST $CORTEX_ENDPOINT (with or without a slash) predicts like POST /."""
    reply = httpx.post(echo.url + path, json=[1, 2])
    assert reply.status_code == 200
    assert reply.json()["payload"] == [1, 2]


def test_text_payloads_arrive_as_str_and_others_as_bytes(echo: Runtime) -> None:
    """text/* becomes str; any other content type reaches predict() as bytes."""
    text = httpx.post(echo.url, content="héllo", headers={"content-type": "text/plain"})
    assert text.json()["payload"] == "héllo"
    raw = httpx.post(echo.url, content=b"\x00\x01", headers={"content-type": "image/png"})
    # bytes are not JSON-serialisable: the echo predictor's own error proves they were bytes
    assert raw.status_code == 500
    assert raw.json() == {"error": "TypeError: Object of type bytes is not JSON serializable"}


def test_a_predictor_error_is_a_short_500_and_the_server_stays_up(echo: Runtime) -> None:
    """An exception in predict() answers 500 {"error": "Type: message"}; the traceback is logged."""
    reply = httpx.post(echo.url, json={"fail": True})
    assert reply.status_code == 500
    assert reply.json() == {"error": "ValueError: the payload asked for it"}
    assert "Traceback" not in reply.text
    assert httpx.post(echo.url, json={"fail": False}).status_code == 200
    failures = [e for e in echo.logs() if e.get("event") == "predict_failed"]
    assert any("Traceback" in e["traceback"] and "ValueError" in e["traceback"] for e in failures)


def test_malformed_json_is_a_400(echo: Runtime) -> None:
    """A body that is not the JSON its content type claims is the client's error, not a 500."""
    reply = httpx.post(echo.url, content=b"{nope", headers={"content-type": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["error"].startswith("cannot read the payload")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[" * 50_000 + b"]" * 50_000, b"application/json"),
        (b'{"text": "\xc3\x28"}', b"application/json"),
        (b'{"score": NaN}', b"application/json"),
        (b"caf\xe9", b"text/plain; charset=utf-8"),
    ],
)
def test_unparseable_payloads_are_400s(echo: Runtime, body: bytes, content_type: bytes) -> None:
    """Deep nesting, invalid UTF-8 and NaN are the client's error (400), never a 500."""
    headers = {b"content-type": content_type}
    reply = httpx.post(echo.url, content=body, headers=headers, timeout=10)
    assert reply.status_code == 400
    assert reply.json()["error"].startswith("cannot read the payload")


def test_a_nan_result_is_a_500_never_an_invalid_200(echo: Runtime) -> None:
    """predict() returning NaN answers 500 with the reason, and logs it; the body is JSON."""
    reply = httpx.post(echo.url, json={"nan": True}, timeout=10)
    assert reply.status_code == 500
    assert "JSON cannot represent" in reply.json()["error"]
    echo.wait_for_log(
        lambda e: e.get("event") == "predict_failed" and "JSON cannot" in e["message"]
    )


def test_liveness_answers_while_the_replica_can_serve(echo: Runtime) -> None:
    """/livez is 200 with {"status": "ok"} on a healthy replica."""
    reply = httpx.get(echo.url + contract.LIVENESS_PATH, timeout=5)
    assert (reply.status_code, reply.json()) == (200, {"status": "ok"})


def test_other_paths_and_methods_are_refused(echo: Runtime) -> None:
    """GET / is 405 and unknown paths are 404: only POST predicts."""
    assert httpx.get(echo.url + "/").status_code == 405
    assert httpx.post(echo.url + "/elsewhere", json={}).status_code == 404


def test_metrics_count_requests_by_status_with_the_in_flight_gauge(echo: Runtime) -> None:
    """/metrics is Prometheus text with cortex_in_flight_requests and counters by status."""
    httpx.post(echo.url, json={"fail": True})
    text = httpx.get(echo.url + contract.METRICS_PATH).text
    assert f"# TYPE {contract.IN_FLIGHT_METRIC} gauge" in text
    assert re.search(rf"^{contract.IN_FLIGHT_METRIC} 0$", text, re.MULTILINE)
    assert re.search(rf'^{contract.REQUESTS_METRIC}{{status="500"}} [1-9]\d*$', text, re.M)
    assert f'{contract.LATENCY_METRIC}_bucket{{status="500",le="+Inf"}}' in text


def test_one_json_log_line_per_request(echo: Runtime) -> None:
    """Every request leaves a JSON line with ts, level, api, method, path, status, duration."""
    httpx.post(echo.url + "/echo", json={"line": 1})
    line = echo.wait_for_log(lambda e: e.get("path") == "/echo" and "status" in e)
    assert set(line) == {"ts", "level", "api", "method", "path", "status", "duration_ms"}
    assert (line["api"], line["method"], line["status"]) == ("echo", "POST", 200)


GATED = """
import pathlib
import time


class PythonPredictor:
    def __init__(self, config):
        gate = pathlib.Path(config["gate"])
        while not gate.exists():
            time.sleep(0.01)

    def predict(self, payload):
        return "loaded"
"""


def test_healthz_is_503_until_the_predictor_has_loaded(tmp_path: Path, launch: object) -> None:
    """/healthz answers 503 while PythonPredictor(config) runs, and 200 once it returned."""
    gate = tmp_path / "gate"
    project = make_project(tmp_path, GATED, {"gate": str(gate)})
    runtime: Runtime = launch(serving_env(project, tmp_path))  # type: ignore[operator]
    runtime.wait_until(503)
    assert httpx.post(runtime.url, json={}).status_code == 503
    gate.touch()
    runtime.wait_until(200)
    assert httpx.post(runtime.url, json={}).text == "loaded"
    assert runtime.events()[-2:] == ["loading", "ready"]
