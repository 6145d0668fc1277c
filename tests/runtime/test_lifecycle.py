"""`cortex-runtime serve` over real HTTP: overload, SIGTERM drain, bundles from S3, processes."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import httpx

from runtime import contract
from runtime.bundle import build_bundle
from tests.conftest import MotoServer
from tests.runtime.conftest import STARTUP_SECONDS, Runtime, make_project, serving_env

Launch = Callable[..., Runtime]
REGION: Any = {"LocationConstraint": "us-west-2"}

SLOW = """
import time


class PythonPredictor:
    def __init__(self, config):
        pass

    def predict(self, payload):
        time.sleep(1)
        return "done"
"""

GATED = """
import os
import pathlib
import time


class PythonPredictor:
    def __init__(self, config):
        self.gate = pathlib.Path(config["gate"])

    def predict(self, payload):
        while not self.gate.exists():
            time.sleep(0.01)
        return {"pid": os.getpid()}
"""


def in_flight(runtime: Runtime) -> int:
    text = httpx.get(runtime.url + contract.METRICS_PATH).text
    match = re.search(rf"^{contract.IN_FLIGHT_METRIC} (\d+)$", text, re.MULTILINE)
    assert match, text
    return int(match[1])


def wait_in_flight(runtime: Runtime, count: int) -> None:
    for _ in range(int(STARTUP_SECONDS / 0.02)):
        if in_flight(runtime) == count:
            return
        threading.Event().wait(0.02)
    raise AssertionError(f"{contract.IN_FLIGHT_METRIC} never reached {count}")


def test_beyond_concurrency_plus_queue_requests_get_503_at_once(
    tmp_path: Path, launch: Launch
) -> None:
    """max_concurrency 1 + max_queue_length 1: of 8 parallel 1 s requests, >= 4 get 503 first."""
    project = make_project(tmp_path, SLOW)
    env = serving_env(
        project, tmp_path, **{contract.ENV_MAX_CONCURRENCY: "1", contract.ENV_MAX_QUEUE_LENGTH: "1"}
    )
    runtime = launch(env)
    runtime.wait_until(200)
    finished: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def post(_: int) -> None:
        reply = httpx.post(runtime.url, json={}, timeout=30)
        with lock:
            finished.append((reply.status_code, reply.json() if reply.status_code == 503 else None))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(post, range(8)))
    statuses = [status for status, _ in finished]
    assert statuses.count(503) >= 4
    assert statuses.count(200) == 8 - statuses.count(503)
    # "at once": every refusal was answered before the first admitted request finished
    assert statuses.index(200) >= statuses.count(503)
    assert all(body == {"error": contract.OVERLOADED_ERROR} for s, body in finished if s == 503)


def test_sigterm_finishes_running_and_queued_requests_then_exits_0(
    tmp_path: Path, launch: Launch
) -> None:
    """SIGTERM: stop accepting, answer the running and the queued request, exit 0."""
    gate = tmp_path / "gate"
    project = make_project(tmp_path, GATED, {"gate": str(gate)})
    runtime = launch(serving_env(project, tmp_path, **{contract.ENV_MAX_CONCURRENCY: "1"}))
    runtime.wait_until(200)
    with ThreadPoolExecutor(2) as pool:
        replies = [pool.submit(httpx.post, runtime.url, json={}, timeout=30) for _ in range(2)]
        wait_in_flight(runtime, 2)
        runtime.process.terminate()
        for _ in range(int(STARTUP_SECONDS / 0.02)):
            if runtime.health() is None:  # the listening socket is closed
                break
            threading.Event().wait(0.02)
        assert runtime.health() is None
        assert runtime.process.poll() is None, "exited with requests still in flight"
        gate.touch()
        assert [r.result().status_code for r in replies] == [200, 200]
    assert runtime.process.wait(timeout=STARTUP_SECONDS) == 0
    events = runtime.events()
    assert events.index("draining") < events.index("stopped")


def test_the_bundle_comes_from_s3_and_its_hash_is_checked(
    tmp_path: Path, launch: Launch, aws: MotoServer
) -> None:
    """An s3:// bundle is downloaded with the standard credential chain and served."""
    project = make_project(tmp_path, config={"from": "s3"})
    bundle = build_bundle(project.root)
    s3 = boto3.client("s3", region_name="us-west-2")
    s3.create_bucket(Bucket="bundles", CreateBucketConfiguration=REGION)
    key = f"apis/echo/{bundle.sha256}.zip"
    s3.put_object(Bucket="bundles", Key=key, Body=bundle.data)
    env = serving_env(project, tmp_path, **{contract.ENV_PROJECT_BUNDLE: f"s3://bundles/{key}"})
    runtime = launch(env)
    runtime.wait_until(200)
    assert httpx.post(runtime.url, json=1).json()["config"] == {"from": "s3"}
    assert (tmp_path / "unpacked" / "predictor.py").read_bytes() == (
        project.root / "predictor.py"
    ).read_bytes()


def test_a_bundle_whose_hash_differs_is_fatal(
    tmp_path: Path, launch: Launch, aws: MotoServer
) -> None:
    """A SHA-256 mismatch is never served: the runtime logs it and exits 1."""
    project = make_project(tmp_path)
    s3 = boto3.client("s3", region_name="us-west-2")
    s3.create_bucket(Bucket="bundles", CreateBucketConfiguration=REGION)
    s3.put_object(Bucket="bundles", Key="apis/echo/x.zip", Body=build_bundle(project.root).data)
    env = serving_env(
        project,
        tmp_path,
        **{
            contract.ENV_PROJECT_BUNDLE: "s3://bundles/apis/echo/x.zip",
            contract.ENV_PROJECT_SHA256: "0" * 64,
        },
    )
    runtime = launch(env)
    assert runtime.process.wait(timeout=STARTUP_SECONDS) == 1
    failure = runtime.wait_for_log(lambda e: e.get("event") == "load_failed")
    assert "SHA-256 mismatch" in failure["message"]
    assert not (tmp_path / "unpacked" / "predictor.py").exists()


def test_a_predictor_that_fails_to_import_is_fatal_with_its_traceback(
    tmp_path: Path, launch: Launch
) -> None:
    """An import error in predictor.py ends the runtime with exit 1 and the traceback logged."""
    project = make_project(tmp_path, "import not_a_module_anywhere\n")
    runtime = launch(serving_env(project, tmp_path))
    assert runtime.process.wait(timeout=STARTUP_SECONDS) == 1
    failure = runtime.wait_for_log(lambda e: e.get("event") == "load_failed")
    assert "not_a_module_anywhere" in failure["traceback"]


def test_processes_per_replica_spreads_requests_over_worker_processes(
    tmp_path: Path, launch: Launch
) -> None:
    """processes_per_replica 2: two requests in flight run in two different worker processes."""
    gate = tmp_path / "gate"
    project = make_project(tmp_path, GATED, {"gate": str(gate)})
    env = serving_env(
        project, tmp_path, **{contract.ENV_PROCESSES: "2", contract.ENV_MAX_CONCURRENCY: "2"}
    )
    runtime = launch(env)
    runtime.wait_until(200)
    with ThreadPoolExecutor(2) as pool:
        replies = [pool.submit(httpx.post, runtime.url, json={}, timeout=30) for _ in range(2)]
        wait_in_flight(runtime, 2)
        gate.touch()
        pids = {r.result().json()["pid"] for r in replies}
    assert len(pids) == 2
    assert runtime.process.pid not in pids
