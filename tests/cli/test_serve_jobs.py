"""`cortex-infra serve` runs a BatchAPI's and a TaskAPI's job gateway with an in-process
queue and runner: jobs are submitted, polled and finish as in the cluster."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.cli.projects import CLUSTER
from tests.serving_processes import ServedProcess, cortex_serve

SPEC = (
    CLUSTER
    + """
apis:
  - name: summer
    kind: BatchAPI
    networking: {endpoint: /batch/summer}
    predictor:
      type: python
      path: batch.py
      config: {scale: 1}
  - name: trainer
    kind: TaskAPI
    definition:
      path: task.py
      config: {epochs: 1}
"""
)
BATCH = """
import json, os


class PythonPredictor:
    def __init__(self, config, job_spec):
        self.scale = config["scale"]
        self.out = config["out"]
        self.job_id = job_spec["job_id"]

    def predict(self, payload, batch_id):
        with open(os.path.join(self.out, f"{self.job_id}-{batch_id}.json"), "w") as f:
            json.dump([x * self.scale for x in payload], f)
"""
TASK = """
import json


class Task:
    def __call__(self, config):
        with open(config["out"], "w") as f:
            json.dump(config, f)
"""


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "batch.py").write_text(BATCH)
    (tmp_path / "task.py").write_text(TASK)
    return tmp_path / "cortex.yaml"


Serving = Callable[[str], AbstractContextManager[ServedProcess]]


@pytest.fixture
def serve(spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Serving:
    """`cortex-infra serve` of one API of the spec; ended (and checked ended) on exit."""

    @contextmanager
    def serving(api: str) -> Iterator[ServedProcess]:
        with cortex_serve(spec_path, api, tmp_path_factory.mktemp("serve-logs")) as served:
            yield served
        assert served.process.poll() is not None, served.report()

    return serving


def _until_done(url: str, job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while True:
        reply = httpx.get(url, params={"jobID": job_id})
        assert reply.status_code == 200, reply.text
        status = reply.json()
        if status["job_status"]["status"] not in ("enqueuing", "running"):
            return dict(status)
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


def test_a_batch_job_over_ten_items_completes_with_ten_processed(
    serve: Serving, tmp_path: Path
) -> None:
    """POST 10 items in batches of 3 with 2 workers: 4 batches, all succeeded, each item seen."""
    out = tmp_path / "out"
    out.mkdir()
    with serve("summer") as served:
        url = served.url
        submission = {
            "workers": 2,
            "item_list": {"items": list(range(10)), "batch_size": 3},
            "config": {"out": str(out)},
        }
        reply = httpx.post(url + "/batch/summer", json=submission)
        assert reply.status_code == 200, reply.text
        job = reply.json()
        assert job["kind"] == "BatchAPI"
        assert job["workers"] == 2
        status = _until_done(url + "/batch/summer", job["job_id"])
        assert status["job_status"]["status"] == "succeeded"  # type: ignore[index]
        assert status["metrics"] == {"succeeded": 4, "failed": 0}
        assert status["job_status"]["batches_in_queue"] == 0  # type: ignore[index]
    processed = sorted(x for f in out.iterdir() for x in __import__("json").loads(f.read_text()))
    assert processed == list(range(10))


def test_a_task_job_runs_once_with_the_merged_config(serve: Serving, tmp_path: Path) -> None:
    """The task runs once with the API's config under the job's, and the job succeeds."""
    out = tmp_path / "task.json"
    with serve("trainer") as served:
        url = served.url
        reply = httpx.post(url + "/trainer", json={"config": {"out": str(out)}})
        assert reply.status_code == 200, reply.text
        status = _until_done(url, reply.json()["job_id"])
        assert status["job_status"]["status"] == "succeeded"  # type: ignore[index]
        assert "metrics" not in status
    assert __import__("json").loads(out.read_text()) == {"epochs": 1, "out": str(out)}


def test_a_bad_submission_is_a_400_naming_the_field(serve: Serving) -> None:
    """A submission without workers, or with an unknown key, is refused with a reason."""
    with serve("summer") as served:
        url = served.url
        reply = httpx.post(url, json={"item_list": {"items": [1], "batch_size": 1}})
        assert reply.status_code == 400
        assert "workers" in reply.json()["error"]
        reply = httpx.post(url, json={"workers": 1, "items": []})
        assert reply.status_code == 400
        assert "items" in reply.json()["error"]
        assert httpx.get(url, params={"jobID": "0" * 16}).status_code == 404


SLOW = """
import time


class PythonPredictor:
    def __init__(self, config):
        pass

    def predict(self, payload, batch_id):
        time.sleep(0.5)
"""


def test_a_timeout_and_a_stop_end_a_local_job(spec_path: Path, serve: Serving) -> None:
    """A job past its timeout reads timed out; DELETE stops another, which reads stopped."""
    (spec_path.parent / "batch.py").write_text(SLOW)
    with serve("summer") as served:
        url = served.url
        items = {"items": list(range(20)), "batch_size": 1}
        timed = httpx.post(url, json={"workers": 1, "timeout": 1, "item_list": items}).json()
        status = _until_done(url, timed["job_id"])
        assert status["job_status"]["status"] == "timed out"  # type: ignore[index]
        stopped = httpx.post(url, json={"workers": 1, "item_list": items}).json()
        reply = httpx.delete(url, params={"jobID": stopped["job_id"]})
        assert reply.json() == {"message": f"stopped job {stopped['job_id']}"}
        status = _until_done(url, stopped["job_id"])
        assert status["job_status"]["status"] == "stopped"  # type: ignore[index]
