"""Cortex's own files, v0.20.0 to v0.42.1, validate as they ran on Cortex, or say exactly why not.

The corpus (`cases/cortex_corpus/`, gathered by `scripts/gather_cortex_corpus.py` from
github.com/cortexlabs/cortex; `manifest.json` gives each file's path, tag and commit) holds the
API files of Cortex's examples and test APIs, the cluster configurations of its CI, and the
whole configurations of its docs. Each API file is paired with the cluster of Cortex's nightly
CI (`.circleci/config.yml`, v0.37.0 to v0.42.1: cpu, gpu, inferentia, arm and spot groups).

`outcomes.json` pins what each file gives (accepted, or its errors); regenerate it with
`CORTEX_UPDATE_GOLDEN=1` and review the diff. Whatever the outcome, a refusal is never an
"unknown field" (a Cortex field is always known) and never a "did you mean".
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from cortex_spec import SpecError, load_spec
from cortex_spec.models.node_group import NodeGroup
from offline import engine
from tests.infra.conftest import PLAN_PROGRAM

CORPUS = Path(__file__).parent / "cases" / "cortex_corpus"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text())
OUTCOMES = CORPUS / "outcomes.json"
NIGHTLY = "v0.37.0/.circleci/config.yml.heredoc1.yaml"
# Kinds another part of cortex-infra serves (or will): their refusal is theirs to lift.
OTHER_KINDS = ("BatchAPI", "TaskAPI", "AsyncAPI", "TrafficSplitter")
# One accepted API file per schema era, planned under the mock engine (a plan takes seconds).
PLANNED = (
    "v0.20.0/examples/pytorch/iris-classifier/cortex.yaml",
    "v0.26.0/test/apis/sklearn/iris-classifier/cortex.yaml",
    "v0.25.0/test/pytorch/image-classifier-resnet50/cortex_gpu.yaml",
    "v0.34.0/test/apis/sleep/cortex.yaml",
    "v0.37.0/test/apis/realtime/multi-container/cortex_cpu.yaml",
)


def _entries(role: str) -> list[str]:
    return [e["file"] for e in MANIFEST if e["role"] == role]


def _outcome(file: str) -> dict[str, Any]:
    try:
        spec = load_spec(CORPUS / file, cluster_config=CORPUS / NIGHTLY)
    except SpecError as exc:
        # Paths in messages are shown relative to the corpus: the record holds on any checkout.
        shown = {p.message.replace(f"{CORPUS.as_posix()}/", "") for p in exc.problems}
        return {"accepted": False, "errors": sorted(shown)}
    return {"accepted": True, "warnings": sorted({w.message for w in spec.warnings})}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict[str, Any]]:
    return {file: _outcome(file) for file in _entries("apis")}


def test_manifest_names_the_origin_of_every_file() -> None:
    """Every corpus file is Cortex's: repository, path, release tag and commit are recorded,
    and the file is where the manifest says."""
    assert len(MANIFEST) > 200
    for entry in MANIFEST:
        assert entry["repo"] == "cortexlabs/cortex"
        assert entry["tag"].startswith("v0.")
        assert len(entry["commit"]) == 40
        assert (CORPUS / entry["file"]).is_file(), entry["file"]


def test_outcomes_match_the_reviewed_record(outcomes: dict[str, dict[str, Any]]) -> None:
    """What every Cortex API file gives is the reviewed record (regenerate with
    CORTEX_UPDATE_GOLDEN=1 and read the diff)."""
    if os.environ.get("CORTEX_UPDATE_GOLDEN") == "1":
        OUTCOMES.write_text(json.dumps(outcomes, indent=1, sort_keys=True) + "\n")
    assert outcomes == json.loads(OUTCOMES.read_text())


def test_no_cortex_field_is_reported_as_unknown(outcomes: dict[str, dict[str, Any]]) -> None:
    """A refusal names the Cortex version and the alternative, or an unserved kind, or a
    docs excerpt's missing code; never an unknown field or a typo."""
    for file, outcome in outcomes.items():
        for message in outcome.get("errors", []):
            assert "unknown field" not in message, (file, message)
            assert "did you mean" not in message, (file, message)
            precise = (
                message.startswith("Cortex v0.")
                or any(message.startswith(f"{kind} is not supported") for kind in OTHER_KINDS)
                or (file.count("/docs/") == 1 and "does not exist" in message)
                # A docs excerpt Cortex refused too: `train_iris` (v0.28 task docs) fails its
                # DNS-1035 name rule (resourceStructValidations, pkg/types/spec/validations.go
                # at v0.28.0).
                or (file.count("/docs/") == 1 and "is not a valid API name" in message)
                or "neuron-rtd" in message
            )
            assert precise, (file, message)


def test_predictor_era_test_apis_are_accepted(outcomes: dict[str, dict[str, Any]]) -> None:
    """Every RealtimeAPI python predictor (v0.20-v0.35) and v0.36+ container API of Cortex's
    test folders using only fields cortex-infra serves is accepted (the count pins it)."""
    accepted = [f for f, o in outcomes.items() if o["accepted"]]
    assert len(accepted) >= 68
    for era in ("v0.20.0/examples/", "v0.26.0/test/apis/", "v0.34.0/test/apis/", "v0.37.0/"):
        assert any(f.startswith(era) for f in accepted), era


def _whole(file: str) -> bool:
    return "region: " in (CORPUS / file).read_text()


@pytest.mark.parametrize("file", [f for f in _entries("cluster") if _whole(f)])
def test_whole_cluster_configurations_load_or_say_why(file: str, tmp_path: Path) -> None:
    """A whole Cortex cluster configuration (CI's, or a docs block with a region) loads
    paired with an empty API list, or is refused with a Cortex-versioned message."""
    apis = tmp_path / "cortex.yaml"
    apis.write_text("[]\n")
    try:
        load_spec(apis, cluster_config=CORPUS / file)
    except SpecError as exc:
        for problem in exc.problems:
            # Cortex refused `bucket` from users too ("cannot be configured by the user").
            assert (
                problem.message.startswith("Cortex v0.")
                or "cannot be configured by the user" in problem.message
            ), (file, problem.message)


@pytest.mark.parametrize("file", [f for f in _entries("cluster") if not _whole(f)])
def test_docs_node_group_excerpts_validate(file: str) -> None:
    """The node groups of Cortex's docs excerpts (no region: only node_groups) validate,
    except those the excerpt cut short (no instance_type) and the docs' typo `inf.xlarge`
    (v0.31-v0.42 multi.md), which Cortex's own `validateInstanceType` refused too."""
    for group in yaml.safe_load((CORPUS / file).read_text())["node_groups"]:
        if group.get("instance_type") not in (None, "inf.xlarge"):
            NodeGroup.model_validate(group)


@pytest.mark.slow
@pytest.mark.parametrize("file", PLANNED)
def test_accepted_files_of_each_era_plan(file: str) -> None:
    """One accepted file per Cortex schema era plans under the mock engine: a Deployment per
    API, scaled by KEDA."""
    config = engine.stack_config(CORPUS / file, cluster_config=CORPUS / NIGHTLY)
    graph = engine.evaluate(config, stack="dev", region="us-east-1", program=PLAN_PROGRAM)
    types = {resource.type for resource in graph.resources}
    assert "kubernetes:apps/v1:Deployment" in types
    assert "kubernetes:keda.sh/v1alpha1:ScaledObject" in types
