"""`cortex-infra logs` for every API kind against the fake API server: an AsyncAPI's
workers or gateway, a job API's gateway or one job's workers, and the errors (unknown job
id, no pods yet, a TrafficSplitter, a choice that does not fit the kind)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from tests.kube import kind_documents, kinds
from tests.kube.fake_api import Cluster

NEWEST_WORKER = kind_documents.job_pod("labeler", kinds.NEWEST, 0)["metadata"]["name"]


def _logs(kinds_fake: kinds.Served, *args: str) -> Result:
    _, kubeconfig, spec = kinds_fake
    command = ["logs", str(spec), *args, "--kubeconfig", str(kubeconfig), "--log-format", "json"]
    return CliRunner().invoke(app, command)


def _pods_listed(state: Cluster) -> list[str]:
    """The pod lists asked for, their queries decoded."""
    lists = [r for r in state.requests if r.startswith("/api/v1/namespaces/cortex/pods?")]
    return [unquote(r) for r in lists]


def test_async_api_reads_its_workers_by_default(kinds_fake: kinds.Served) -> None:
    """An AsyncAPI's logs are its workers' (both containers of a worker, api and dequeuer;
    a crash-looping worker's last run; not a worker still waiting for a node, which has no
    log), not the gateway's."""
    result = _logs(kinds_fake, "summarizer")
    assert result.exit_code == ExitCode.OK, result.output
    width = len(f"{kinds.WORKER}/dequeuer")
    assert result.stdout.splitlines() == [
        f"{kinds.WORKER + '/api':<{width}} | worker predicted",
        f"{kinds.WORKER}/dequeuer | dequeuer took 1",
        f"{kinds.CRASHING:<{width}} | ImportError: no module named x",
    ]


def test_async_gateway_is_selectable(kinds_fake: kinds.Served) -> None:
    """--gateway reads the AsyncAPI's gateway pods, selected by cortex.dev/gateway."""
    result = _logs(kinds_fake, "summarizer", "--gateway")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines()[0] == f"{kinds.ASYNC_GATEWAY} | gateway accepted"
    assert "labelSelector=cortex.dev/gateway=summarizer" in _pods_listed(kinds_fake[0])[0]


def test_a_job_id_reads_that_jobs_workers(kinds_fake: kinds.Served) -> None:
    """`logs SPEC BATCH_API JOB_ID` reads the pods the gateway labelled with that job id; its
    worker still waiting for a node (no log yet) is skipped, not an error."""
    result = _logs(kinds_fake, "labeler", kinds.NEWEST)
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines() == [f"{NEWEST_WORKER} | batch 0 done"]
    selector = _pods_listed(kinds_fake[0])[0]
    assert f"labelSelector=cortex.dev/api=labeler,cortex.dev/job-id={kinds.NEWEST}" in selector


def test_without_a_job_id_a_job_api_reads_its_gateway(kinds_fake: kinds.Served) -> None:
    """`logs SPEC BATCH_API` reads the job gateway's pods, not any job's workers."""
    result = _logs(kinds_fake, "labeler")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines() == [f"{kinds.GATEWAY_A} | job submitted"]
    assert (
        "labelSelector=cortex.dev/api=labeler,cortex.dev/component=job-gateway"
        in _pods_listed(kinds_fake[0])[0]
    )


def test_an_unknown_job_id_is_bad_input(kinds_fake: kinds.Served) -> None:
    """A job id the cluster has no Job for exits 1, listing the API's job ids newest first."""
    result = _logs(kinds_fake, "labeler", "ffffffffffffffff")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert 'labeler has no job "ffffffffffffffff" in the cluster' in result.stderr
    assert f"{kinds.NEWEST}, {kinds.MIDDLE}, {kinds.OLDEST}" in result.stderr
    assert "Traceback" not in result.output


def test_a_job_without_pods_yet_is_a_state_error(kinds_fake: kinds.Served) -> None:
    """A Job whose pods do not exist (yet) exits 5 saying so, not 0 with nothing."""
    result = _logs(kinds_fake, "labeler", kinds.MIDDLE)
    assert result.exit_code == ExitCode.STATE_ERROR
    assert f"no pods of job {kinds.MIDDLE} of labeler have started yet" in result.stderr


def test_an_api_without_replicas_is_a_state_error(kinds_fake: kinds.Served) -> None:
    """A TaskAPI whose gateway runs no pod: exit 5 with what to do."""
    result = _logs(kinds_fake, "trainer")
    assert result.exit_code == ExitCode.STATE_ERROR
    assert "no pods of the job gateway of trainer have started yet" in result.stderr


def test_a_traffic_splitter_names_its_apis(kinds_fake: kinds.Served) -> None:
    """A TrafficSplitter runs no pods: exit 1 naming its APIs, before reaching the cluster."""
    result = _logs(kinds_fake, "ranker")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "read the logs of its APIs: ranker-v1, ranker-v2" in result.stderr
    assert kinds_fake[0].requests == []


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (("ranker-v1", kinds.NEWEST), "only BatchAPIs and TaskAPIs take a job id"),
        (("ranker-v1", "--gateway"), "only an AsyncAPI has a gateway to choose"),
        (("labeler", "--gateway"), "its logs are already its job gateway's (drop --gateway)"),
    ],
)
def test_a_choice_that_does_not_fit_the_kind_is_a_usage_error(
    kinds_fake: kinds.Served, args: tuple[str, ...], why: str
) -> None:
    """A job id for a RealtimeAPI, --gateway for one or for a job API: exit 2 saying why,
    before reaching the cluster."""
    result = _logs(kinds_fake, *args)
    assert result.exit_code == ExitCode.USAGE
    assert why in result.stderr
    assert kinds_fake[0].requests == []


def test_native_sidecars_of_a_container_form_worker_are_read(
    kinds_fake: kinds.Served,
) -> None:
    """A container-form BatchAPI worker's own server runs as a native sidecar (an init
    container with restartPolicy Always): its lines are read beside the dequeuer's."""
    state = kinds_fake[0]
    worker = next(p for p in state.pods if p["metadata"]["name"] == NEWEST_WORKER)
    worker["spec"]["initContainers"] = [
        {"name": "setup", "image": "busybox@sha256:0"},
        {"name": "server", "image": "server@sha256:0", "restartPolicy": "Always"},
    ]
    running = {"running": {"startedAt": "2026-12-03T10:30:58Z"}}
    worker["status"]["initContainerStatuses"] = [
        {"name": "setup", "state": {"terminated": {"exitCode": 0}}},
        {"name": "server", "state": running},
    ]
    state.logs[(NEWEST_WORKER, "server")] = [("2026-12-03T10:30:59Z", "server up")]
    result = _logs(kinds_fake, "labeler", kinds.NEWEST)
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines() == [
        f"{NEWEST_WORKER}/server | server up",
        f"{NEWEST_WORKER}/api    | batch 0 done",
    ]
