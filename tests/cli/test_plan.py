"""`cortex-infra plan`: the offline plan's tree and summary, its JSON document, the stack
option and its errors (spec errors exit 1 without a traceback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cortex_cli.main import app
from tests.conftest import EXAMPLES, REPO
from tests.infra.conftest import ONE_ZONE_SPEC

MIXED = EXAMPLES / "mixed" / "cortex.yaml"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # Plans name the spec as given on the command line: run from the repository root.
    monkeypatch.chdir(REPO)


def _plan(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["plan", *map(str, args)])


@pytest.fixture(scope="module")
def prod_text() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        patch.setenv("COLUMNS", "100")
        patch.setenv("LINES", "1000")  # taller than the tree: printed in full
        result = CliRunner().invoke(app, ["plan", str(MIXED), "--env", "prod"])
        assert result.exit_code == 0, result.output
        yield result.stdout


def test_human_plan_is_summary_then_a_tree_then_counts(prod_text: str) -> None:
    """The text plan opens with the summary, endpoints, cost and risks, nests resources under
    components, and ends with counts per type and the Helm releases."""
    lines = prod_text.splitlines()
    assert lines[0] == "plan of stack prod (mixed-prod, us-west-2)"
    order = [
        "summary",
        "endpoints",
        "cost, USD (offline)",
        "risks and warnings: none found",
        "node groups (nodes min-max)",
        "resources (",
        "helm releases",
    ]
    found = [next(i for i, line in enumerate(lines) if line.startswith(h)) for h in order]
    assert found == sorted(found)
    platform = lines.index("  platform  [cortex:infra:Platform]")
    assert lines[platform + 1].startswith("    platform-")
    assert "      platform-eks-cluster  [aws:eks/cluster:Cluster]" in lines
    assert any(line.startswith("  accelerators: AWS Neuron (inf2.xlarge)") for line in lines)
    assert "     3  aws:ec2/natGateway:NatGateway" in lines


def test_human_plan_lists_node_group_ranges_types_and_versions(prod_text: str) -> None:
    """Node groups show their capacity, size range, instance types, AMI type and taints;
    no version warning for the default minor, and the dates the version data were read."""
    lines = prod_text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  gpu-spot  "))
    assert lines[at].split()[:6] == [
        "gpu-spot",
        "g5.2xlarge,",
        "g6.2xlarge",
        "spot",
        "0-7",
        "AL2023_x86_64_NVIDIA",
    ]
    assert "taints nvidia.com/gpu=true:NO_SCHEDULE" in lines[at + 1]
    assert "no cited release" not in prod_text
    assert (
        "Kubernetes 1.35, upgrade policy standard (EKS calendar and version matrix read on "
        "2026-12-03)"
    ) in lines


def test_json_plan_document(tmp_path: Path) -> None:
    """--json prints {stack, resources, outputs, warnings}, resources sorted by URN, wire names."""
    result = _plan("examples/cpu/cortex.yaml", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert sorted(document) == ["outputs", "resources", "stack", "summary", "warnings"]
    assert document["stack"] == "dev"
    urns = [r["urn"] for r in document["resources"]]
    assert urns == sorted(urns)
    for resource in document["resources"]:
        assert {"urn", "type", "name", "parent", "dependencies", "inputs"} <= set(resource)
    [group] = [r for r in document["resources"] if r["name"] == "platform-nodes-cpu-group"]
    assert group["inputs"]["amiType"] == "AL2023_x86_64_STANDARD"
    assert group["inputs"]["scalingConfig"]["maxSize"] == 5
    assert document["outputs"]["kubeconfig"] == "[secret]"


def test_json_plan_is_byte_identical_across_runs() -> None:
    """Two runs of `plan --json` print the same bytes."""
    first = _plan("examples/inferentia/cortex.yaml", "--json")
    second = _plan("examples/inferentia/cortex.yaml", "--json")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


def test_stack_defaults_to_env_then_dev() -> None:
    """--stack defaults to the --env value, else dev; an explicit --stack wins (and its
    stack file must exist in the spec's project)."""
    assert json.loads(_plan(MIXED, "--env", "staging", "--json").stdout)["stack"] == "staging"
    named = json.loads(_plan(MIXED, "--env", "staging", "--stack", "dev", "--json").stdout)
    assert named["stack"] == "dev"
    assert named["outputs"]["cluster_name"] == "mixed-staging"
    dev = json.loads(_plan(MIXED, "--json").stdout)
    assert dev["stack"] == "dev"
    assert dev["outputs"]["cluster_name"] == "mixed-dev"


def test_spec_error_exits_1_without_traceback(tmp_path: Path) -> None:
    """A spec error is reported by the CLI boundary: exit 1, located message, no traceback."""
    spec = tmp_path / "cortex.yaml"
    spec.write_text("cluster:\n  region: us-west-2\n  nmae: typo\napis: []\n", encoding="utf-8")
    result = _plan(spec)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nmae" in result.output


def test_unknown_environment_exits_1() -> None:
    """--env naming no environment of the spec is a spec error."""
    result = _plan(MIXED, "--env", "qa")
    assert result.exit_code == 1
    assert "qa" in result.output


def test_too_few_zones_found_during_evaluation_exits_1(tmp_path: Path) -> None:
    """A SpecError raised by the program (too few AZs offer the types) also exits 1."""
    spec = tmp_path / "cortex.yaml"
    spec.write_text(ONE_ZONE_SPEC, encoding="utf-8")
    result = _plan(spec, "--json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert "availability zone" in document["problems"][0]["message"]


def test_human_plan_shows_each_async_apis_queue_results_gateway_workers_and_scaler() -> None:
    """An AsyncAPI's plan names its queue, DLQ, results prefix and expiry, gateway, workers
    and its SQS-scaled ScaledObject; a spec without AsyncAPI has no such section."""
    result = _plan(EXAMPLES / "async" / "cortex.yaml")
    assert result.exit_code == 0, result.output
    text = result.stdout
    section = text[text.index("async APIs (queue → workers, results by id):") :]
    for expected in (
        "    queue          summaries_summarizer-<unique suffix>",
        "    dead letters   summaries_summarizer_dlq-<unique suffix> (after 3 receipts)",
        "    results        s3://summaries-async-<unique suffix>/apis/summarizer/ "
        "(expire after 7 days)",
        "    gateway        gateway-summarizer (2 replicas)",
        "    workers        api-summarizer (api, dequeuer; 2 messages at once per replica)",
        "    scaler         aws-sqs-queue, 4 messages per replica, 0-5 replicas",
    ):
        assert expected in section.splitlines()
    assert "/summarize               → gateway-summarizer" in text
    plain = _plan(EXAMPLES / "cpu" / "cortex.yaml")
    assert "async APIs" not in plain.stdout
