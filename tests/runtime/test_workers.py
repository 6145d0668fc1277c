"""Worker processes (processes_per_replica > 1): one that dies or wedges is replaced."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from runtime import contract
from tests.runtime.conftest import STARTUP_SECONDS, Runtime, make_project, serving_env

Launch = Callable[..., Runtime]
BOUND = STARTUP_SECONDS

WORKER = """
import os
import pathlib
import time


class PythonPredictor:
    def __init__(self, config):
        self.folder = pathlib.Path(config["folder"])
        if (self.folder / "broken").exists():
            raise RuntimeError("cannot load any more")

    def predict(self, payload):
        if payload.get("hang"):
            (self.folder / f"hanging-{os.getpid()}").touch()
            time.sleep(60)
        return {"pid": os.getpid()}
"""


def workers(tmp_path: Path, launch: Launch, **env: str) -> Runtime:
    project = make_project(tmp_path, WORKER, {"folder": str(tmp_path)})
    settings = {contract.ENV_PROCESSES: "2", contract.ENV_MAX_CONCURRENCY: "2", **env}
    runtime = launch(serving_env(project, tmp_path, **settings))
    runtime.wait_until(200)
    return runtime


def hanging_pid(folder: Path) -> int:
    deadline = time.monotonic() + BOUND
    while not (found := sorted(folder.glob("hanging-*"))):
        assert time.monotonic() < deadline, "no worker took the request"
        time.sleep(0.02)
    return int(found[0].name.split("-")[1])


def pids(runtime: Runtime, count: int) -> set[int]:
    with httpx.Client(base_url=runtime.url, timeout=BOUND) as client:
        return {client.post("/", json={}).json()["pid"] for _ in range(count)}


def test_a_killed_worker_is_replaced_and_its_requests_get_503(
    tmp_path: Path, launch: Launch
) -> None:
    """SIGKILL on a worker: its request is answered 503, the replica keeps answering."""
    runtime = workers(tmp_path, launch)
    with ThreadPoolExecutor(1) as pool:
        hung = pool.submit(httpx.post, runtime.url, json={"hang": True}, timeout=BOUND)
        victim = hanging_pid(tmp_path)
        os.kill(victim, signal.SIGKILL)
        reply = hung.result()
    assert reply.status_code == 503
    assert reply.json() == {"error": "the worker process exited"}
    assert victim not in pids(runtime, 4)  # served meanwhile by the other worker
    exited = runtime.wait_for_log(lambda e: e.get("event") == "worker_exited")
    assert (exited["pid"], exited["exit_code"], exited["requests_lost"]) == (victim, -9, 1)
    replaced = runtime.wait_for_log(lambda e: e.get("event") == "worker_replaced")
    assert replaced["pid"] != victim
    assert runtime.process.poll() is None
    assert httpx.get(runtime.url + contract.LIVENESS_PATH, timeout=5).status_code == 200


def test_a_wedged_worker_is_killed_and_replaced(tmp_path: Path, launch: Launch) -> None:
    """Every thread of a worker past the request timeout: 504, the worker is replaced."""
    runtime = workers(tmp_path, launch, **{contract.ENV_REQUEST_TIMEOUT_SECONDS: "1"})
    reply = httpx.post(runtime.url, json={"hang": True}, timeout=BOUND)
    assert reply.status_code == 504
    wedged = hanging_pid(tmp_path)
    killed = runtime.wait_for_log(lambda e: e.get("event") == "worker_killed")
    assert killed["pid"] == wedged
    runtime.wait_for_log(lambda e: e.get("event") == "worker_replaced")
    assert wedged not in pids(runtime, 4)


def test_a_worker_that_cannot_be_replaced_fails_liveness(tmp_path: Path, launch: Launch) -> None:
    """A replacement that cannot load leaves the replica short: /livez 503, others serve."""
    runtime = workers(tmp_path, launch)
    (tmp_path / "broken").touch()
    victim = next(iter(pids(runtime, 1)))
    os.kill(victim, signal.SIGKILL)
    failed = runtime.wait_for_log(lambda e: e.get("event") == "worker_failed")
    assert "cannot load any more" in failed["message"]
    live = httpx.get(runtime.url + contract.LIVENESS_PATH, timeout=5)
    assert live.status_code == 503
    assert "replacement worker" in live.json()["reason"]
    assert victim not in pids(runtime, 2)
