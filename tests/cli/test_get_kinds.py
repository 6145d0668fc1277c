"""`cortex-infra get` for every API kind, through the official client against the fake API
server: AsyncAPI gateway and workers, BatchAPI/TaskAPI gateways and Jobs, TrafficSplitter
targets, and `get SPEC API` for one API (tests/kube/kinds.py has the project and cluster)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from tests.conftest import EXAMPLES
from tests.kube import kinds
from tests.kube.fake_api import Cluster, serving


def _get(kinds_fake: kinds.Served, *args: str) -> Result:
    _, kubeconfig, spec = kinds_fake
    return CliRunner().invoke(app, ["get", str(spec), "--kubeconfig", str(kubeconfig), *args])


def _apis(kinds_fake: kinds.Served) -> dict[str, Any]:
    result = _get(kinds_fake, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    return {api["api"]: api for api in json.loads(result.stdout)["apis"]}


def test_every_kind_is_listed_in_the_files_order(kinds_fake: kinds.Served) -> None:
    """Every API of the spec is listed, whatever its kind, in the file's order, with its kind."""
    apis = _apis(kinds_fake)
    assert [(name, api["kind"]) for name, api in apis.items()] == [
        ("ranker", "TrafficSplitter"),
        ("ranker-v1", "RealtimeAPI"),
        ("ranker-v2", "RealtimeAPI"),
        ("summarizer", "AsyncAPI"),
        ("labeler", "BatchAPI"),
        ("trainer", "TaskAPI"),
    ]
    assert all(api["url"] for api in apis.values())


def test_async_api_shows_gateway_and_workers(kinds_fake: kinds.Served) -> None:
    """An AsyncAPI has its workers (api-<name>) and its gateway (gateway-<name>, pods labelled
    cortex.dev/gateway), each up to date out of requested; the queue depth is said unread."""
    result = _get(kinds_fake, "--json")
    document = json.loads(result.stdout)
    summarizer = next(a for a in document["apis"] if a["api"] == "summarizer")
    assert (summarizer["desired"], summarizer["up_to_date"], summarizer["ready"]) == (3, 1, 1)
    assert summarizer["failed"] == 1
    assert summarizer["in_flight"] == 4.0
    gateway = summarizer["gateway"]
    assert gateway["deployment"] == "gateway-summarizer"
    assert (gateway["desired"], gateway["up_to_date"], gateway["ready"]) == (2, 2, 2)
    assert any(note.startswith("AsyncAPI queue depth: not read") for note in document["notes"])


def test_batch_api_lists_its_jobs_newest_first(kinds_fake: kinds.Served) -> None:
    """A BatchAPI has its job gateway's readiness and its Jobs, newest first, by the job ids
    the gateway labels them with, counted per state."""
    labeler = _apis(kinds_fake)["labeler"]
    assert (labeler["gateway"]["deployment"], labeler["gateway"]["ready"]) == ("jobs-labeler", 1)
    assert labeler["gateway"]["desired"] == 2
    ids = [job["job_id"] for job in labeler["jobs"]]
    assert ids == [kinds.NEWEST, kinds.MIDDLE, kinds.OLDEST]
    assert [job["state"] for job in labeler["jobs"]] == ["running", "failed", "succeeded"]
    assert labeler["job_counts"] == {"running": 1, "succeeded": 1, "failed": 1}
    assert labeler["latest_job_id"] == kinds.NEWEST


def test_a_job_says_why_it_failed_or_waits(kinds_fake: kinds.Served) -> None:
    """A failed Job has the Job controller's reason (a timeout is DeadlineExceeded); a running
    one the reasons its workers wait (no node with the GPU)."""
    jobs = {job["job_id"]: job for job in _apis(kinds_fake)["labeler"]["jobs"]}
    assert jobs[kinds.MIDDLE]["reason"].startswith("DeadlineExceeded: ")
    assert jobs[kinds.MIDDLE]["finished"] == "2026-12-03T10:25:00Z"
    running = jobs[kinds.NEWEST]
    assert (running["workers"], running["active"]) == (2, 2)
    assert running["pod_reasons"][0].startswith("1 pending: unschedulable: insufficient nvidia")


def test_task_api_without_gateway_is_not_deployed(kinds_fake: kinds.Served) -> None:
    """A TaskAPI whose gateway Deployment is absent is not deployed; its Jobs still show, and
    no other API's Jobs are counted as its own."""
    trainer = _apis(kinds_fake)["trainer"]
    assert trainer["gateway"]["deployed"] is False
    assert [job["job_id"] for job in trainer["jobs"]] == [kinds.TASK_JOB]


def test_splitter_shows_weights_and_each_targets_state(kinds_fake: kinds.Served) -> None:
    """A TrafficSplitter has its targets' weights from the spec and each target's replicas."""
    ranker = _apis(kinds_fake)["ranker"]
    assert ranker["targets"] == [
        {
            "api": "ranker-v1",
            "weight": 90,
            "shadow": False,
            "deployed": True,
            "desired": 2,
            "up_to_date": 2,
            "ready": 2,
        },
        {
            "api": "ranker-v2",
            "weight": 10,
            "shadow": False,
            "deployed": True,
            "desired": 1,
            "up_to_date": 0,
            "ready": 0,
        },
    ]


def test_text_has_one_table_per_kind(kinds_fake: kinds.Served) -> None:
    """The text shows a table per kind present (realtime, async, jobs, splitters), then the
    node groups, with gateways' and workers' reasons under their table."""
    result = _get(kinds_fake)
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.stdout.splitlines()
    heads = [line.split()[0] + " " + line.split()[1] for line in lines if line[:1].isupper()]
    assert [h for h in heads if not h.startswith(("ranker", "summarizer", "labeler"))] == [
        "API DESIRED",
        "ASYNC API",
        "JOB API",
        "TRAFFIC SPLITTER",
        "NODE GROUP",
    ]
    row = next(line for line in lines if line.startswith("summarizer "))
    assert row.split()[1:7] == ["2/2", "2", "1/3", "1", "1", "1"]
    job_row = next(line for line in lines if line.startswith("labeler "))
    assert job_row.split()[1:7] == ["BatchAPI", "1/2", "1", "1", "1", kinds.NEWEST]
    assert any(line.startswith("  summarizer: workers: 1 failed: crash loop") for line in lines)
    assert "  trainer: gateway: not deployed (no Deployment jobs-trainer)" in lines
    split = next(line for line in lines if line.startswith("ranker "))
    assert "ranker-v1 90% (2/2 ready), ranker-v2 10% (0/1 ready)" in split


def test_one_job_api_in_detail(kinds_fake: kinds.Served) -> None:
    """`get SPEC API` shows that API alone: JSON under `api`, without node groups; the text
    lists the gateway's pods and the Jobs newest first."""
    result = _get(kinds_fake, "labeler", "--json")
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"cluster", "api", "notes"}
    assert document["api"]["latest_job_id"] == kinds.NEWEST
    state, _, _ = kinds_fake
    assert not any(r.startswith("/api/v1/nodes") for r in state.requests)
    lines = _get(kinds_fake, "labeler").stdout.splitlines()
    assert lines[0] == "BatchAPI labeler"
    ids = [line.split()[0] for line in lines if line.startswith("  ") and "  " in line[2:]]
    assert [i for i in ids if i in (kinds.NEWEST, kinds.MIDDLE, kinds.OLDEST)] == [
        kinds.NEWEST,
        kinds.MIDDLE,
        kinds.OLDEST,
    ]
    assert any(kinds.GATEWAY_B in line and "pending" in line for line in lines)


def test_one_async_api_in_detail_shows_both_parts(kinds_fake: kinds.Served) -> None:
    """`get SPEC ASYNC_API` lists the gateway's pods and the workers' pods apart."""
    result = _get(kinds_fake, "summarizer")
    assert result.exit_code == ExitCode.OK, result.output
    text = result.stdout
    assert "gateway: 2 requested, 2 up to date, 2 ready" in text
    assert "workers: 3 requested, 1 up to date, 1 ready, 1 pending, 1 failed" in text
    assert text.index(kinds.ASYNC_GATEWAY) < text.index(kinds.WORKER)


def test_an_unknown_api_name_is_bad_input(kinds_fake: kinds.Served) -> None:
    """`get SPEC NAME` with a name the spec lacks exits 1 listing the known APIs, before any
    cluster read."""
    state, _, _ = kinds_fake
    result = _get(kinds_fake, "labeller")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "known: ranker, ranker-v1, ranker-v2, summarizer, labeler, trainer" in result.stderr
    assert state.requests == []


def test_jobs_and_gateways_are_listed_once_and_only_when_needed(
    kinds_fake: kinds.Served, tmp_path: Path
) -> None:
    """Jobs and AsyncAPI gateway pods are listed once for all APIs; a spec of RealtimeAPIs
    alone lists neither."""
    state = kinds_fake[0]
    assert _get(kinds_fake).exit_code == ExitCode.OK
    decoded = [unquote(r) for r in state.requests]
    assert len([r for r in decoded if r.startswith("/apis/batch/v1/namespaces/cortex/jobs")]) == 1
    assert len([r for r in decoded if "labelSelector=cortex.dev/gateway" in r]) == 1
    realtime = Cluster()
    (tmp_path / "realtime").mkdir()
    with serving(realtime, tmp_path / "realtime") as kubeconfig:
        spec = EXAMPLES / "mixed" / "cortex.yaml"
        command = ["get", str(spec), "--env", "prod", "--kubeconfig", str(kubeconfig)]
        result = CliRunner().invoke(app, command)
    assert result.exit_code == ExitCode.OK, result.output
    assert not any("/jobs" in r or "cortex.dev/gateway" in unquote(r) for r in realtime.requests)
