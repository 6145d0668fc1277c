"""`cortex-infra serve` of an AsyncAPI: the whole round trip over HTTP, locally."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.projects import CLUSTER
from tests.serving_processes import cortex_serve

SPEC = (
    CLUSTER
    + """
apis:
  - name: summarizer
    kind: AsyncAPI
    networking: {endpoint: /summarize}
    predictor: {type: python, path: predictor.py}
    pod: {max_concurrency: 1}
"""
)
# Holds each request until the test opens the gate, so the states can be seen in turn.
PREDICTOR = """
import os
import time


class PythonPredictor:
    def __init__(self, config):
        pass

    def predict(self, payload):
        while not os.path.exists(payload["gate"]):
            time.sleep(0.05)
        return {"summary": payload["text"][:5]}
"""


def _status(url: str, request_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{url}/summarize/{request_id}", timeout=10)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _wait_for(url: str, request_id: str, status: str, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    answer = _status(url, request_id)
    while answer["status"] != status and time.monotonic() < deadline:
        time.sleep(0.1)
        answer = _status(url, request_id)
    return answer


@pytest.mark.slow
def test_serve_queues_works_off_and_answers_an_async_api(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """POST answers an id; GET shows in_progress for the running request and in_queue for
    the one behind it (one worker), then completed with the predictor's result."""
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "predictor.py").write_text(PREDICTOR)
    gate = tmp_path / "gate"
    logs = tmp_path_factory.mktemp("serve-logs")
    # Ready once the gateway answers at the API's endpoint.
    with cortex_serve(
        tmp_path / "cortex.yaml", "summarizer", logs, ready_path="/summarize/healthz"
    ) as served:
        url = served.url
        payload = {"text": "a long document", "gate": str(gate)}
        first = httpx.post(url + "/summarize", json=payload, timeout=10)
        assert first.status_code == 200
        first_id = first.json()["id"]
        # The predictor loads in its own process; the worker takes the request once it is up.
        assert _wait_for(url, first_id, "in_progress", 120)["status"] == "in_progress"
        second_id = httpx.post(url + "/summarize", json=payload, timeout=10).json()["id"]
        assert _status(url, second_id) == {"id": second_id, "status": "in_queue"}
        gate.touch()
        done = [_wait_for(url, i, "completed", 60) for i in (first_id, second_id)]
        assert httpx.get(f"{url}/summarize/{'f' * 32}").status_code == 404
    for answer, request_id in zip(done, (first_id, second_id), strict=True):
        assert answer["id"] == request_id
        assert answer["status"] == "completed", served.report()
        assert answer["result"] == {"summary": "a lon"}
    assert served.process.returncode == 0, served.report()
