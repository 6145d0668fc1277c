"""`cortex-infra schema`: a valid JSON Schema that every example and valid case satisfies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from cortex_cli.main import app
from tests.conftest import EXAMPLES, REPO

VALID = REPO / "tests" / "spec" / "cases" / "valid"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The schema exactly as the command prints it."""
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _check(schema: dict[str, Any], definition: dict[str, Any], document: Any) -> None:
    """Validate `document` against one part of the schema, resolving its $defs."""
    jsonschema.Draft202012Validator({**definition, "$defs": schema["$defs"]}).validate(document)


def _specs() -> list[Path]:
    examples = sorted(EXAMPLES.glob("*/cortex.yaml"))
    cases = sorted(p for p in VALID.glob("*.yaml") if p.name.count(".") == 1)
    return examples + cases


def _cluster_file(spec: Path) -> Path | None:
    for candidate in (spec.parent / "cluster.yaml", spec.with_suffix(".cluster.yaml")):
        if candidate.exists() and candidate != spec:
            return candidate
    return None


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    """The printed document is itself a valid JSON Schema (draft 2020-12) with an $id."""
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["$id"]


@pytest.mark.parametrize("spec", _specs(), ids=lambda p: str(p).split("/")[-2] + "/" + p.name)
def test_spec_satisfies_the_schema(spec: Path, schema: dict[str, Any]) -> None:
    """Every example and valid case validates: a mapping against the whole schema, a Cortex
    pair's API list item by item and its cluster.yaml against the ClusterConfig part."""
    data = yaml.safe_load(spec.read_text())
    cluster = _cluster_file(spec)
    if cluster is None:
        jsonschema.Draft202012Validator(schema).validate(data)
        return
    _check(schema, {"type": "array", "items": {"$ref": "#/$defs/AnyAPI"}}, data)
    _check(schema, {"$ref": "#/$defs/ClusterConfig"}, yaml.safe_load(cluster.read_text()))


def test_schema_rejects_what_the_loader_rejects(schema: dict[str, Any]) -> None:
    """Editors flag the common mistakes too: unknown keys, wrong kinds, bad quantities."""
    validator = jsonschema.Draft202012Validator(schema)
    base = {"cluster": {"region": "us-west-2"}}
    assert validator.is_valid(base)
    assert not validator.is_valid({**base, "api": []})
    assert not validator.is_valid({"cluster": {"region": "us-west-2", "instanse_type": "x"}})
    api = {"name": "a", "kind": "RealtimeAPI", "predictor": {"type": "python", "path": "p.py"}}
    assert validator.is_valid({**base, "apis": [api]})
    assert validator.is_valid({**base, "apis": [{**api, "kind": "AsyncAPI"}]})
    assert validator.is_valid({**base, "apis": [{**api, "kind": "BatchAPI"}]})
    assert not validator.is_valid({**base, "apis": [{**api, "kind": "BatchJob"}]})
    task = {"name": "t", "kind": "TaskAPI", "definition": {"path": "task.py"}}
    assert validator.is_valid({**base, "apis": [task]})
    assert not validator.is_valid({**base, "apis": [{**task, "pod": {"port": 9000}}]})
    queued = {**api, "kind": "AsyncAPI", "pod": {"max_concurrency": 101}}
    assert not validator.is_valid({**base, "apis": [queued]})
    split = {"name": "s", "kind": "TrafficSplitter", "apis": [{"name": "a", "weight": 100}]}
    assert validator.is_valid({**base, "apis": [api, split]})
    assert not validator.is_valid({**base, "apis": [{**split, "apis": []}]})
    assert not validator.is_valid({**base, "apis": [{**split, "predictor": api["predictor"]}]})
    assert not validator.is_valid({**base, "apis": [{**api, "compute": {"mem": "lots"}}]})


def test_environment_overrides_are_partial(schema: dict[str, Any]) -> None:
    """An override needs no required fields except the names that match items by name."""
    validator = jsonschema.Draft202012Validator(schema)
    override = {"cluster": {"node_groups": [{"name": "cpu", "max_instances": 3}]}}
    doc = {"cluster": {"region": "us-west-2"}, "environments": {"dev": override}}
    assert validator.is_valid(doc)
    nameless = {"cluster": {"node_groups": [{"max_instances": 3}]}}
    assert not validator.is_valid({**doc, "environments": {"dev": nameless}})


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """`cortex-infra schema | head -c 0`: the reader is gone before the first write; exit 0
    and nothing on stderr, not an internal error."""
    command = [sys.executable, "-c", "from cortex_cli.main import run; run()", "schema"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()  # long before the interpreter has started
    assert process.stderr is not None
    errors = process.stderr.read()
    process.wait(timeout=120)
    assert process.returncode == 0, errors
    assert errors == b""


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (REPO / "tests/spec/cortex_files").glob("*.yaml"))
)
def test_cortex_files_satisfy_the_schema(name: str, schema: dict[str, Any]) -> None:
    """Cortex's own API files of every supported kind validate at the root (an API list)."""
    data = yaml.safe_load((REPO / "tests/spec/cortex_files" / name).read_text())
    jsonschema.Draft202012Validator(schema).validate(data)


@pytest.mark.parametrize("spec", _specs(), ids=lambda p: str(p).split("/")[-2] + "/" + p.name)
def test_each_file_satisfies_the_root_schema(spec: Path, schema: dict[str, Any]) -> None:
    """An editor applies the whole schema to every file: a cortex.yaml, and both files of a
    Cortex v0.42 pair (the API list, and cluster.yaml), validate at the root."""
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(yaml.safe_load(spec.read_text()))
    cluster = _cluster_file(spec)
    if cluster is not None:
        validator.validate(yaml.safe_load(cluster.read_text()))


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (
            {
                "cluster": {
                    "region": "us-west-2",
                    "node_groups": [{"name": "a", "instance_type": "m5.large", "typo": 1}],
                }
            },
            ["cluster", "node_groups", 0],
        ),
        (
            {
                "cluster": {"region": "us-west-2"},
                "apis": [{"name": "a", "kind": "RealtimeAPI", "autoscaling": {"max_replicaz": 3}}],
            },
            ["apis", 0, "autoscaling"],
        ),
        ([{"name": "a", "kind": "RealtimeAPI", "pod": {"portt": 80}}], [0, "pod"]),
        (
            {
                "region": "us-west-2",
                "node_groups": [{"name": "a", "instance_type": "m5.large", "spott": True}],
            },
            ["node_groups", 0],
        ),
    ],
)
def test_errors_land_on_the_offending_key(
    schema: dict[str, Any], document: Any, where: list[Any]
) -> None:
    """A typo inside an optional field is reported where it is (an unknown key of that very
    mapping), not as "not valid under any of the given schemas" on the list holding it."""
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert [(list(e.absolute_path), e.validator) for e in errors] == [
        (where, "additionalProperties")
    ]


OVERRIDES = """
cluster: {region: us-west-2, node_groups: [{name: cpu, instance_type: m5.large}]}
apis:
  - name: ranker
    kind: RealtimeAPI
    pod: {containers: [{name: api, image: "x:1"}]}
environments:
  prod:
    cluster:
      node_groups:
        - {name: cpu, max_instances: 4, spot_config: {on_demand_base_capacity: 1}}
        - {name: batch, add: true, instance_type: c5.xlarge}
    apis:
      - name: ranker
        pod: {containers: [{name: api, env: {MODE: safe}}]}
        autoscaling: {max_replicas: 4}
"""


def test_overrides_are_partial_at_every_depth(schema: dict[str, Any]) -> None:
    """An override names only what it changes, down to a container found by name; an item
    marked `add: true` is new and complete."""
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(OVERRIDES))


def test_an_added_item_must_be_complete(schema: dict[str, Any]) -> None:
    """`add: true` without a field its definition requires is flagged on that item."""
    document = yaml.safe_load(OVERRIDES.replace(", instance_type: c5.xlarge", ""))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert [(list(e.absolute_path), e.message) for e in errors] == [
        (
            ["environments", "prod", "cluster", "node_groups", 1],
            "'instance_type' is a required property",
        )
    ]


def test_an_empty_environment_is_the_base(schema: dict[str, Any]) -> None:
    """`prod:` with nothing under it loads as the base spec, and the schema accepts it."""
    document = {"cluster": {"region": "us-west-2"}, "environments": {"prod": None}}
    jsonschema.Draft202012Validator(schema).validate(document)
