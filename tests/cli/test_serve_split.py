"""`cortex-infra serve` of a TrafficSplitter: each API it splits to runs locally behind a
proxy that strips the splitter's endpoint, splits by weight and copies to the shadow."""

from __future__ import annotations

import contextlib
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cortex_cli.split_proxy import Split, Target, strip
from tests.conftest import _free_port

SPEC = """
cluster:
  name: demo
  region: us-west-2
  node_groups:
    - name: cpu
      instance_type: m5.large
apis:
  - name: ranker
    kind: TrafficSplitter
    networking: {endpoint: /rank}
    apis:
      - {name: blue, weight: 50}
      - {name: green, weight: 50}
      - {name: next, weight: 100, shadow: true}
  - name: blue
    kind: RealtimeAPI
    predictor: {type: python, path: predictor.py, config: {me: blue}}
  - name: green
    kind: RealtimeAPI
    predictor: {type: python, path: predictor.py, config: {me: green}}
  - name: next
    kind: RealtimeAPI
    predictor: {type: python, path: predictor.py, config: {me: next}}
"""
PREDICTOR = """

class PythonPredictor:
    def __init__(self, config):
        self.me = config["me"]

    def predict(self, payload):
        if self.me == "next":
            with open(payload["log"], "a") as log:
                log.write(str(payload["n"]) + "\\n")
        return {"me": self.me, "n": payload["n"]}
"""


def test_strip_is_the_routers_rewrite() -> None:
    """`/rank`, `/rank/`, `/rank/x?q` → `/`, `/`, `/x?q`; `/ranked` is left alone."""
    assert [strip("/rank", p) for p in ("/rank", "/rank/", "/rank/x?q=1", "/ranked")] == [
        "/",
        "/",
        "/x?q=1",
        "/ranked",
    ]


def test_weights_and_the_shadow_percent_are_kept() -> None:
    """A weight of 0 is never chosen; a shadow at 25 percent copies about a quarter."""
    split = Split(
        "/s",
        [Target("a", 1, 0), Target("b", 2, 100)],
        Target("c", 3, 25),
        rng=random.Random(7),
    )
    assert {split.choose().name for _ in range(200)} == {"b"}
    copies = sum(split.mirrors() for _ in range(2000))
    assert 400 < copies < 600


@pytest.mark.slow
def test_serve_splits_and_mirrors_a_splitter_locally(tmp_path: Path) -> None:
    """Requests at the splitter's endpoint reach both APIs; the shadow sees every one."""
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "predictor.py").write_text(PREDICTOR)
    log = tmp_path / "shadow.log"
    port = _free_port()
    command = [
        *(sys.executable, "-c", "from cortex_cli.main import run; run()"),
        *("serve", str(tmp_path / "cortex.yaml"), "--api", "ranker", "--port", str(port)),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ready = False
    try:
        url = f"http://127.0.0.1:{port}"
        # Generous and separate deadlines: four Python processes start on a busy 2-core CI
        # machine, and the shadow's copies arrive after the answers (fire and forget).
        deadline = time.monotonic() + 180
        while not ready and time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.TransportError):
                ready = httpx.get(url + "/rank/healthz").status_code == 200
            time.sleep(0 if ready else 0.1)
        assert ready, "the split (shadow included) never became ready"
        answers = [
            httpx.post(url + "/rank", json={"n": n, "log": str(log)}, timeout=30).json()
            for n in range(30)
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_lines(log)) < 30:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert {a["me"] for a in answers} == {"blue", "green"}
    assert [a["n"] for a in answers] == list(range(30))
    assert sorted(int(n) for n in _lines(log)) == list(range(30)), err.decode()
    assert process.returncode == 0, err.decode()


def _lines(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []
