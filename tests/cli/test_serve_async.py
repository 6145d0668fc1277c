"""`cortex-infra serve` of an AsyncAPI: the whole round trip over HTTP, locally."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import _free_port

SPEC = """
cluster:
  name: demo
  region: us-west-2
  node_groups:
    - name: cpu
      instance_type: m5.large
apis:
  - name: summarizer
    kind: AsyncAPI
    networking: {endpoint: /summarize}
    predictor: {type: python, path: predictor.py}
    pod: {max_concurrency: 1}
"""
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
def test_serve_queues_works_off_and_answers_an_async_api(tmp_path: Path) -> None:
    """POST answers an id; GET shows in_progress for the running request and in_queue for
    the one behind it (one worker), then completed with the predictor's result."""
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "predictor.py").write_text(PREDICTOR)
    gate = tmp_path / "gate"
    port = _free_port()
    command = [
        *(sys.executable, "-c", "from cortex_cli.main import run; run()"),
        *("serve", str(tmp_path / "cortex.yaml"), "--api", "summarizer", "--port", str(port)),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        ready = False
        deadline = time.monotonic() + 180
        while not ready and time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.TransportError):
                ready = httpx.get(url + "/summarize/healthz").status_code == 200
            time.sleep(0 if ready else 0.1)
        assert ready, "the gateway never answered"
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
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=90)
    for answer, request_id in zip(done, (first_id, second_id), strict=True):
        assert answer["id"] == request_id
        assert answer["status"] == "completed", err.decode()
        assert answer["result"] == {"summary": "a lon"}
    assert process.returncode == 0, err.decode()
