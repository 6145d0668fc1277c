"""`cortex-infra get` shows an AsyncAPI's queue depth when it reaches AWS (the stack's own
kubeconfig): waiting, in progress and dead letters from SQS, as `status` reads them
(cortex_aws/async_queues.py); with --kubeconfig it says the depth is not read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner, Result

from cortex_aws.async_queues import QueueDepth
from cortex_cli.commands import get
from cortex_cli.exit_codes import ExitCode
from cortex_cli.loading import load
from cortex_cli.main import app
from cortex_spec import naming
from tests.conftest import MotoServer
from tests.kube import kinds

# The provider's 26-character unique suffix (terraform-plugin-sdk PrefixedUniqueId).
SUFFIX = "20261203101500123400000007"


def _get(kinds_fake: kinds.Served, *args: str) -> Result:
    _, kubeconfig, spec = kinds_fake
    return CliRunner().invoke(app, ["get", str(spec), "--kubeconfig", str(kubeconfig), *args])


def _summarizer_queues() -> None:
    """The kinds project's AsyncAPI queues in moto: 2 waiting, 1 in progress, 1 dead."""
    sqs = boto3.client("sqs", region_name="us-west-2")
    queue = sqs.create_queue(QueueName=naming.async_queue_prefix("kinds", "summarizer") + SUFFIX)
    dead = sqs.create_queue(
        QueueName=naming.async_queue_prefix("kinds", "summarizer", dead_letter=True) + SUFFIX
    )
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=queue["QueueUrl"], MessageBody=body)
    sqs.receive_message(QueueUrl=queue["QueueUrl"], MaxNumberOfMessages=1)
    sqs.send_message(QueueUrl=dead["QueueUrl"], MessageBody="d")


def test_live_get_reads_each_async_queue(aws: MotoServer, tmp_path: Path) -> None:
    """Reaching AWS, `get` reads the AsyncAPI's queue and dead-letter queue from SQS; for
    one API of another kind, or with --kubeconfig, it reads none."""
    _summarizer_queues()
    spec = load(kinds.project(tmp_path), None, None, None)
    found = get._queues(spec, None, live=True)
    assert found == {"summarizer": QueueDepth(waiting=2, in_progress=1, dead_letters=1)}
    assert get._queues(spec, "summarizer", live=True) == found
    assert get._queues(spec, "labeler", live=True) is None
    assert get._queues(spec, None, live=False) is None


def test_a_missing_queue_is_said_not_counted(aws: MotoServer, tmp_path: Path) -> None:
    """No queue in the account (not deployed yet): the depth says so instead of a count."""
    spec = load(kinds.project(tmp_path), None, None, None)
    found = get._queues(spec, None, live=True)
    assert found == {"summarizer": QueueDepth(problem="queue: not found")}


@pytest.fixture
def read_queues(monkeypatch: pytest.MonkeyPatch) -> dict[str, QueueDepth]:
    """`get` reads these depths (as a live `get` would from SQS) even with --kubeconfig."""
    depths = {"summarizer": QueueDepth(waiting=2, in_progress=1, dead_letters=0)}

    def queues(spec: Any, only: str | None, *, live: bool) -> dict[str, QueueDepth]:
        return {name: depth for name, depth in depths.items() if only in (None, name)}

    monkeypatch.setattr(get, "_queues", queues)
    return depths


@pytest.mark.usefixtures("read_queues")
def test_queue_depth_is_in_the_document_and_the_table(kinds_fake: kinds.Served) -> None:
    """The AsyncAPI's entry has its queue; the table its QUEUED and DEAD columns; no note
    says the depth is unread."""
    result = _get(kinds_fake, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    summarizer = next(a for a in document["apis"] if a["api"] == "summarizer")
    assert summarizer["queue"] == {
        "waiting": 2,
        "in_progress": 1,
        "dead_letters": 0,
        "problem": None,
    }
    assert not any("queue depth" in note for note in document["notes"])
    text = _get(kinds_fake).stdout.splitlines()
    header = next(line for line in text if line.startswith("ASYNC API"))
    row = next(line for line in text if line.startswith("summarizer"))
    queued, dead, url = (header.index(column) for column in ("QUEUED", "DEAD", "URL"))
    assert (row[queued:dead].strip(), row[dead:url].strip()) == ("2", "0")


@pytest.mark.usefixtures("read_queues")
def test_one_async_api_in_detail_says_its_queue(kinds_fake: kinds.Served) -> None:
    """`get SPEC API` of an AsyncAPI starts with its queue, in `status`'s words."""
    result = _get(kinds_fake, "summarizer")
    assert result.exit_code == ExitCode.OK, result.output
    assert "queue: 2 waiting, 1 in progress; dead letters: 0" in result.stdout.splitlines()


def test_with_a_kubeconfig_the_queue_is_not_read(kinds_fake: kinds.Served) -> None:
    """With --kubeconfig `get` does not reach AWS: the queue is null, `-` in the table, and
    a note says where the depth is."""
    document = json.loads(_get(kinds_fake, "--json").stdout)
    summarizer = next(a for a in document["apis"] if a["api"] == "summarizer")
    assert summarizer["queue"] is None
    assert any("cortex-infra status` shows it" in note for note in document["notes"])
    detail = _get(kinds_fake, "summarizer")
    assert "queue: not read" in detail.stdout.splitlines()
