"""One bundle per API: a change to one API's code changes that API's resources alone, and the
diff names the files that changed in its bundle."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cortex_cli.main import app
from offline import engine
from offline.diff import diff_graphs
from offline.graph import PlanGraph
from runtime import contract

pytestmark = pytest.mark.slow

SPEC = """\
cluster:
  name: two-apis
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b]
  node_groups:
    - {name: cpu, instance_type: m6i.large, min_instances: 1, max_instances: 3}
apis:
  - name: alpha
    kind: RealtimeAPI
    predictor: {type: python, path: apis/alpha/predictor.py}
    compute: {cpu: 500m, mem: 512Mi}
  - name: beta
    kind: RealtimeAPI
    predictor: {type: python, path: apis/beta/predictor.py}
    compute: {cpu: 500m, mem: 512Mi}
"""
PREDICTOR = """\
class PythonPredictor:
    def __init__(self, config):
        self.greeting = {greeting!r}

    def predict(self, payload):
        return {{"greeting": self.greeting, "payload": payload}}
"""


def _project(root: Path) -> Path:
    for api in ("alpha", "beta"):
        folder = root / "apis" / api
        folder.mkdir(parents=True)
        (folder / "predictor.py").write_text(PREDICTOR.format(greeting=api), encoding="utf-8")
    (root / "cortex.yaml").write_text(SPEC, encoding="utf-8")
    return root / "cortex.yaml"


def _plan(spec: Path) -> PlanGraph:
    return engine.evaluate(engine.stack_config(spec), stack="dev", region="us-west-2")


def test_a_change_to_one_apis_code_changes_only_that_apis_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editing apis/alpha/predictor.py replaces alpha's bundle object and spec ConfigMap
    and rolls alpha's Deployment; nothing of beta, nothing shared, changes."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    spec = _project(tmp_path / "project")
    before = _plan(spec)
    (spec.parent / "apis" / "alpha" / "predictor.py").write_text(
        PREDICTOR.format(greeting="hello"), encoding="utf-8"
    )
    after = _plan(spec)
    changes = diff_graphs(before, after).changes
    changed = {(c.type.rsplit(":", 1)[-1], c.op) for c in changes}
    assert changed == {
        ("BucketObjectv2", "replace"),
        ("ConfigMap", "replace"),
        ("Deployment", "update"),
    }
    assert all("alpha" in c.name for c in changes), [c.name for c in changes]
    [deployment] = [c for c in changes if c.type.endswith("Deployment")]
    env = deployment.resource.inputs["spec"]["template"]["spec"]["containers"][0]["env"]
    touched = set()
    for field in deployment.fields:
        found = re.fullmatch(
            r"spec\.template\.spec\.containers\[0\]\.env\[(\d+)\]\.value", field.path
        )
        touched.add(env[int(found[1])]["name"] if found else re.sub(r"\[\d+\]", "[]", field.path))
    assert touched == {
        'spec.template.metadata.annotations["cortex.dev/spec-hash"]',
        "spec.template.spec.volumes[].configMap.name",
        contract.ENV_PROJECT_BUNDLE,
        contract.ENV_PROJECT_SHA256,
    }


def test_diff_names_the_files_that_changed_in_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`diff BASE HEAD`: alpha's line says which of its files changed or were added."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    base = _project(tmp_path / "base")
    shutil.copytree(base.parent, tmp_path / "head")
    head = tmp_path / "head" / "cortex.yaml"
    alpha = head.parent / "apis" / "alpha"
    (alpha / "predictor.py").write_text(PREDICTOR.format(greeting="hi"), encoding="utf-8")
    (alpha / "utils.py").write_text("WORDS = 3\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(base), str(head)])
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.stdout.splitlines() if x.startswith("alpha: ")]
    assert "bundle (apis/alpha/): predictor.py changed, utils.py added" in line
    assert not [x for x in result.stdout.splitlines() if x.startswith("beta: ")]
