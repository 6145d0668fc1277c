"""`cortex-infra validate`: exit codes, the human summary, the JSON document, and errors
reported without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from cortex_cli.main import app
from tests.conftest import EXAMPLES, REPO

INVALID = REPO / "tests" / "spec" / "cases" / "invalid"
PAIR = EXAMPLES / "cortex-v0.42"


def _validate(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["validate", *map(str, args)])


def _example_runs() -> list[list[str]]:
    runs = []
    for spec in sorted(EXAMPLES.glob("*/cortex.yaml")):
        base = [str(spec)]
        cluster = spec.parent / "cluster.yaml"
        if cluster.exists():
            base += ["--cluster-config", str(cluster)]
        data = yaml.safe_load(spec.read_text())
        envs = list(data.get("environments") or {}) if isinstance(data, dict) else []
        runs += [base] + [[*base, "--env", env] for env in envs]
    return runs


@pytest.mark.parametrize("args", _example_runs(), ids=lambda a: " ".join(a).split("examples/")[-1])
def test_examples_validate(args: list[str]) -> None:
    """Every example, in every environment, exits 0 and says it is valid."""
    result = _validate(*args)
    assert result.exit_code == 0, result.stderr
    assert ": valid" in result.stdout.splitlines()[0]


def test_summary_shows_node_groups_and_placements() -> None:
    """The summary lists each group's accelerator and AMI type, and where each API runs."""
    result = _validate(EXAMPLES / "mixed" / "cortex.yaml", "--env", "prod")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("mixed-prod: valid (environment prod)")
    rows = {line.split()[0]: line for line in lines if line.startswith("  ")}
    assert "cpu" in rows["system"]
    assert "AL2023_x86_64_STANDARD" in rows["system"]
    assert "nvidia (A10G)" in rows["gpu-spot"]
    assert "AL2023_x86_64_NVIDIA" in rows["gpu-spot"]
    assert "spot 0-7, on-demand 2-5" in rows["gpu-spot"]
    assert "neuron" in rows["inf2"]
    assert "AL2023_x86_64_NEURON" in rows["inf2"]
    assert rows["sentiment"].endswith("runs on: cpu")
    assert rows["image-classifier"].endswith("runs on: gpu-spot")
    assert rows["embedder"].endswith("runs on: inf2")


def _json(*args: str | Path) -> tuple[int, Any]:
    result = _validate(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def test_json_document_shape() -> None:
    """--json prints one document: ok, cluster, environment, versions, node_groups, apis,
    warnings; versions name the read dates and the component versions of the minor."""
    code, doc = _json(EXAMPLES / "mixed" / "cortex.yaml", "--env", "dev")
    assert code == 0
    assert set(doc) == {
        "ok",
        "cluster",
        "environment",
        "versions",
        "node_groups",
        "apis",
        "warnings",
    }
    assert doc["versions"]["eks_calendar_read_on"] == "2026-12-03"
    assert doc["versions"]["components"]["cluster-autoscaler"] == "v1.35.1"
    assert doc["cluster"]["upgrade_policy"] == "standard"
    assert (doc["ok"], doc["environment"], doc["cluster"]["name"]) == (True, "dev", "mixed-dev")
    groups = {g["name"]: g for g in doc["node_groups"]}
    assert groups["system"]["system"] is True
    assert groups["inf2"]["ami_type"] == "AL2023_x86_64_NEURON"
    assert groups["inf2"]["taints"] == ["aws.amazon.com/neuron=true:NoSchedule"]
    assert groups["gpu-spot"]["allocatable"]["gpu"] == 1
    assert {g["capacity_type"] for g in groups["gpu-spot"]["managed_groups"]} == {"SPOT"}
    apis = {a["name"]: a for a in doc["apis"]}
    assert apis["embedder"]["replicas"] == {"min": 0, "init": 0, "max": 1}
    assert apis["image-classifier"]["runs_on"] == ["gpu-spot"]


def test_json_lists_warnings_of_the_cortex_pair() -> None:
    """Warnings are part of the JSON document, each located in the file that sets its field
    (cluster fields in cluster.yaml, API fields in cortex.yaml)."""
    code, doc = _json(PAIR / "cortex.yaml", "--cluster-config", PAIR / "cluster.yaml")
    assert code == 0
    paths = {w["path"] for w in doc["warnings"]}
    assert {"cluster.telemetry", "cluster.prometheus_instance_type"} <= paths
    for warning in doc["warnings"]:
        wanted = "cluster.yaml" if warning["path"].startswith("cluster") else "cortex.yaml"
        assert warning["file"].endswith(wanted), warning
        assert warning["line"]


def test_text_mode_prints_warnings_to_stderr() -> None:
    """Human mode keeps stdout for the summary and prints each warning on stderr."""
    result = _validate(PAIR / "cortex.yaml", "--cluster-config", PAIR / "cluster.yaml")
    assert result.exit_code == 0
    assert "warning:" not in result.stdout
    assert "warning: " in result.stderr
    assert "cluster.image_operator" in result.stderr


def test_bad_spec_exits_1_without_traceback() -> None:
    """A SpecError exits 1, prints every located problem and a count, and no traceback."""
    result = _validate(INVALID / "replicas_order.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("replicas_order.yaml:") == 3
    assert result.stderr.rstrip().endswith("3 problems found; nothing was deployed.")


def test_bad_spec_json_lists_located_problems() -> None:
    """With --json a SpecError is a document with ok false and one entry per problem."""
    code, doc = _json(INVALID / "unknown_key.yaml")
    assert code == 1
    assert doc["ok"] is False
    assert [(p["line"], p["col"]) for p in doc["problems"]] == [(5, 7), (10, 5)]
    assert doc["problems"][0]["message"].endswith("did you mean 'instance_type'?")


def test_undefined_environment_exits_1() -> None:
    """--env naming an environment the spec lacks is a located error."""
    result = _validate(EXAMPLES / "mixed" / "cortex.yaml", "--env", "qa")
    assert result.exit_code == 1
    assert 'environment "qa" is not defined (defined: dev, staging, prod)' in result.stderr


def test_cortex_list_needs_its_cluster_config() -> None:
    """A Cortex API list alone is refused with the flag that fixes it."""
    result = _validate(PAIR / "cortex.yaml")
    assert result.exit_code == 1
    assert "--cluster-config" in result.stderr


def test_missing_file_exits_1(tmp_path: Path) -> None:
    """A path that does not exist is bad input (exit 1), not an internal error."""
    result = _validate(tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr
