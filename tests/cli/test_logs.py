"""`cortex-infra logs` through the official Kubernetes client against the local fake API
server: every replica's lines, prefixed with its pod, merged or followed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from tests.conftest import EXAMPLES
from tests.kube import documents
from tests.kube.fake_api import Cluster, serving

MIXED = EXAMPLES / "mixed" / "cortex.yaml"
A, B = "api-sentiment-7d9f8c6b5-aaaaa", "api-sentiment-7d9f8c6b5-bbbbb"


def _cluster() -> Cluster:
    return Cluster(
        pods=[
            documents.pod(A, "sentiment", created="2026-12-03T10:00:00Z"),
            documents.pod(B, "sentiment", created="2026-12-03T10:00:05Z"),
            documents.pod("api-embedder-1-zzzzz", "embedder"),
        ],
        logs={
            (A, "api"): [
                ("2026-12-03T10:01:00.000000001Z", "a first"),
                ("2026-12-03T10:01:02.000000000Z", "a second"),
            ],
            (B, "api"): [
                ("2026-12-03T10:01:01.000000000Z", "b first"),
                ("2026-12-03T10:01:03.000000000Z", "b second"),
            ],
            ("api-embedder-1-zzzzz", "api"): [("2026-12-03T10:01:00Z", "not this API")],
        },
    )


def _logs(kubeconfig: Path, *args: str) -> Result:
    command = ["logs", str(MIXED), "sentiment", "--kubeconfig", str(kubeconfig), *args]
    return CliRunner().invoke(app, command)


def test_two_replicas_interleave_in_time_order_with_prefixes(tmp_path: Path) -> None:
    """Without --follow, the lines of both replicas merge by time, each prefixed by its pod;
    other APIs' pods are not read."""
    with serving(_cluster(), tmp_path) as kubeconfig:
        result = _logs(kubeconfig, "--since", "15m", "--log-format", "json")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines() == [
        f"{A} | a first",
        f"{B} | b first",
        f"{A} | a second",
        f"{B} | b second",
    ]


def test_since_and_timestamps_reach_the_api_server(tmp_path: Path) -> None:
    """--since 15m asks the API for sinceSeconds=900, with timestamps to merge by."""
    state = _cluster()
    with serving(state, tmp_path) as kubeconfig:
        _logs(kubeconfig, "--since", "15m")
    reads = [r for r in state.requests if "/log?" in r]
    assert len(reads) == 2
    assert all("sinceSeconds=900" in r and "timestamps=true" in r for r in reads)


def test_follow_streams_both_replicas_as_lines_arrive(tmp_path: Path) -> None:
    """--follow reads both replicas at once: every line arrives, prefixed, each replica's
    own lines in their order."""
    state = _cluster()
    state.delay = 0.05
    with serving(state, tmp_path) as kubeconfig:
        result = _logs(kubeconfig, "--follow", "--log-format", "json")
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.stdout.splitlines()
    assert sorted(lines) == sorted(
        [f"{A} | a first", f"{A} | a second", f"{B} | b first", f"{B} | b second"]
    )
    assert lines.index(f"{A} | a first") < lines.index(f"{A} | a second")
    assert all("follow=true" in r for r in state.requests if "/log?" in r)


def test_runtime_json_lines_read_as_text_when_asked(tmp_path: Path) -> None:
    """--log-format human rewrites the runtime's JSON lines, after the pod prefix."""
    state = _cluster()
    record = (
        '{"ts":"2026-12-03T10:01:00.000+00:00","level":"INFO","api":"sentiment","event":"ready"}'
    )
    state.logs[(A, "api")] = [("2026-12-03T10:01:00Z", record)]
    state.logs[(B, "api")] = []
    with serving(state, tmp_path) as kubeconfig:
        result = _logs(kubeconfig, "--log-format", "human")
    assert result.stdout.splitlines() == [f"{A} | 10:01:00.000 INFO    ready"]


@pytest.mark.parametrize("since", ["10", "5d", "m"])
def test_a_malformed_since_is_a_usage_error(tmp_path: Path, since: str) -> None:
    """--since that is not <n>s, <n>m or <n>h exits 2 before reaching the cluster."""
    assert _logs(tmp_path / "absent.yaml", "--since", since).exit_code == ExitCode.USAGE


def test_an_unknown_api_is_bad_input(tmp_path: Path) -> None:
    """An API the spec does not have: exit 1 listing the known ones."""
    result = CliRunner().invoke(
        app, ["logs", str(MIXED), "sentimnet", "--kubeconfig", str(tmp_path / "k.yaml")]
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "known: sentiment, image-classifier, embedder" in result.stderr


def test_json_is_one_object_per_line_with_pod_time_and_text(tmp_path: Path) -> None:
    """--json: JSON Lines for machines, the pod, the API server's time and the raw line."""
    with serving(_cluster(), tmp_path) as kubeconfig:
        result = _logs(kubeconfig, "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0] == {
        "pod": A,
        "container": None,
        "time": "2026-12-03T10:01:00.000000001Z",
        "line": "a first",
    }
    assert [r["pod"] for r in records] == [A, B, A, B]
