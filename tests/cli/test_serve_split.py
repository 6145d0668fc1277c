"""`cortex-infra serve` of a TrafficSplitter: each API it splits to runs locally behind a
proxy that strips the splitter's endpoint, splits by weight and copies to the shadow."""

from __future__ import annotations

import random
from pathlib import Path

import httpx
import pytest

from cortex_cli.split_proxy import Split, Target, strip
from tests.cli.projects import CLUSTER
from tests.serving_processes import COPY_SECONDS, cortex_serve, wait_until

SPEC = (
    CLUSTER
    + """
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
)
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
def test_serve_splits_and_mirrors_a_splitter_locally(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Requests at the splitter's endpoint reach both APIs; the shadow sees every one."""
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "predictor.py").write_text(PREDICTOR)
    log = tmp_path / "shadow.log"
    logs = tmp_path_factory.mktemp("serve-logs")
    # Ready once the split, shadow included, answers at the splitter's endpoint.
    with cortex_serve(
        tmp_path / "cortex.yaml", "ranker", logs, ready_path="/rank/healthz"
    ) as served:
        answers = [
            httpx.post(served.url + "/rank", json={"n": n, "log": str(log)}, timeout=30).json()
            for n in range(30)
        ]
        # The shadow's copies arrive after the answers (fire and forget).
        wait_until(lambda: len(_lines(log)) >= 30, COPY_SECONDS)
    assert {a["me"] for a in answers} == {"blue", "green"}
    assert [a["n"] for a in answers] == list(range(30))
    assert sorted(int(n) for n in _lines(log)) == list(range(30)), served.report()
    assert served.process.returncode == 0, served.report()


def _lines(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []
