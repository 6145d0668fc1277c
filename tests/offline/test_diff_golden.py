"""Golden diff cases: `diff_cases/<case>/` holds base.yaml, head.yaml and case.yaml (which
program, which environments); the JSON and markdown renderings must equal expected.json and
expected.md exactly. Regenerate with CORTEX_UPDATE_GOLDEN=1, then review the diff.

Beside the byte comparison, each acceptance rule of the diff is pinned on its case.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest
import yaml

from cortex_spec import Spec, load_spec
from offline import engine
from offline.diff import diff_graphs
from offline.diff_groups import Group, Names
from offline.diff_markdown import render_markdown
from offline.diff_report import DiffReport, build_report, to_json

CASES = Path(__file__).resolve().parent / "diff_cases"
# `real` is the Pulumi program itself; cases move to it once infra/serving evaluates offline.
PROGRAMS = {"stand-in": Path(__file__).resolve().parent / "diff_program.py", "real": engine.PROGRAM}
UPDATE = os.environ.get("CORTEX_UPDATE_GOLDEN") == "1"


def _load(path: Path, env: str | None, stack: str) -> Spec:
    return load_spec(path, environment=env or stack, environment_required=env is not None)


@functools.cache
def run(case: str) -> DiffReport:
    folder = CASES / case
    settings = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8")) or {}
    program = PROGRAMS[settings.get("program", "stand-in")]
    base_env, head_env = settings.get("base_env"), settings.get("head_env")
    stack = settings.get("stack", "dev")
    sides = []
    for name, env in (("base.yaml", base_env), ("head.yaml", head_env)):
        spec = _load(folder / name, env, stack)
        config = engine.stack_config(folder / name, environment=env)
        sides.append(
            (
                spec,
                engine.evaluate(config, stack=stack, region=spec.cluster.region, program=program),
            )
        )
    title = "base.yaml → head.yaml"
    if base_env or head_env:
        title += f" (environment {base_env or '-'} → {head_env or '-'})"
    names = Names.from_specs([sides[0][0], sides[1][0]])
    return build_report(diff_graphs(sides[0][1], sides[1][1]), names, title=title)


def _renderings(report: DiffReport) -> dict[str, str]:
    document = json.dumps(to_json(report), indent=2, sort_keys=True, ensure_ascii=False)
    return {"expected.json": document + "\n", "expected.md": render_markdown(report)}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_diff(case: str) -> None:
    """The diff of each case renders exactly as its reviewed golden files."""
    for name, text in _renderings(run(case)).items():
        path = CASES / case / name
        if UPDATE:
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{case}/{name} differs"


# The same acceptance rules on the stand-in program and on the program itself.
BOTH = pytest.mark.parametrize("prefix", ["", "real-"], ids=["stand-in", "real"])
# The stand-in program scales with an HPA; the real one with a KEDA ScaledObject.
AUTOSCALER_KINDS = {"HorizontalPodAutoscaler", "ScaledObject"}


@pytest.mark.slow
@BOTH
def test_max_replicas_change_updates_only_that_apis_autoscaler(prefix: str) -> None:
    """Raising one API's max_replicas updates its autoscaler and nothing else."""
    report = run(f"{prefix}api-max-replicas")
    assert [c.op for c in report.diff.changes] == ["update"]
    assert report.diff.changes[0].type.rsplit(":", 1)[-1] in AUTOSCALER_KINDS
    assert [s.line for s in report.sections] == ["text-embedder: autoscaling max 20 → 25"]


@pytest.mark.slow
def test_node_group_instance_type_change_is_a_replace_with_a_warning() -> None:
    """Where a group lists its types itself (the stand-in program), a new instance type
    replaces the node group, with a warning above it."""
    report = run("node-group-instance-type")
    replaced = [c for c in report.diff.changes if c.op == "replace"]
    assert [c.type for c in replaced] == ["aws:eks/nodeGroup:NodeGroup"]
    assert [f.path for f in replaced[0].fields if f.replaces] == ["instanceTypes"]
    assert report.warnings[replaced[0].urn].startswith("node group cpu will be replaced")
    markdown = render_markdown(report)
    assert markdown.index("> [!WARNING]") < markdown.index("**`+-` replace**")


@pytest.mark.slow
def test_on_demand_instance_type_change_is_a_launch_template_update() -> None:
    """The program keeps an on-demand group's type in its launch template: a new type is a
    new template version (EKS rolls the nodes), never a replacement."""
    report = run("real-node-group-instance-type")
    assert [(c.op, c.type) for c in report.diff.changes] == [
        ("update", "aws:ec2/launchTemplate:LaunchTemplate")
    ]
    assert [s.line for s in report.sections] == [
        "node group cpu: instance type m6i.xlarge → m6i.2xlarge"
    ]
    assert report.warnings == {}


@pytest.mark.slow
def test_spot_types_change_replaces_the_group_without_downtime() -> None:
    """A spot group's distribution is on the group: it is replaced, created first (the
    name comes from a prefix), and the warning says so instead of announcing downtime."""
    report = run("real-node-group-spot-types")
    [replaced] = [c for c in report.diff.changes if c.op == "replace"]
    assert replaced.type == "aws:eks/nodeGroup:NodeGroup"
    assert not replaced.delete_before_replace
    warning = report.warnings[replaced.urn]
    assert warning.startswith("node group gpu will be replaced (because of instanceTypes)")
    assert warning.endswith("Pulumi creates the new one before deleting the old.")


@pytest.mark.slow
def test_node_group_max_change_updates_only_its_scaling_owner() -> None:
    """max_instances 4 → 6 updates NodeGroupScaling alone; the node group is untouched."""
    report = run("real-node-group-max")
    assert [(c.op, c.type) for c in report.diff.changes] == [
        ("update", "pulumi-python:dynamic/cortex:NodeGroupScaling")
    ]
    assert [s.line for s in report.sections] == ["node group cpu: nodes max 4 → 6"]


@pytest.mark.slow
@BOTH
def test_adding_an_api_creates_exactly_its_resources(prefix: str) -> None:
    """A new API creates resources that all belong to it; besides, the real program only
    updates the router's routes and clusters (its two ConfigMaps, in place)."""
    report = run(f"{prefix}add-api")
    created = [c for c in report.diff.changes if c.op == "create"]
    others = sorted((c.op, c.name) for c in report.diff.changes if c.op != "create")
    router = [("update", "serving-router-clusters"), ("update", "serving-router-routes")]
    assert others == (router if prefix else [])
    groups = [s.group for s in report.sections]
    assert groups == [Group("api", "summarizer"), *([Group("cluster", "")] if prefix else [])]
    types = {c.type for c in created}
    assert {"kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service"} <= types


@pytest.mark.slow
@BOTH
def test_environment_override_diff_between_dev_and_prod(prefix: str) -> None:
    """dev → prod of one spec: the renamed cluster is replaced, overrides show per group."""
    report = run(f"{prefix}environment-dev-prod")
    line = next(s.line for s in report.sections if s.group == Group("api", "text-embedder"))
    assert "autoscaling max 4 → 40; autoscaling min 1 → 2" in line
    cluster = next(c for c in report.diff.changes if c.type == "aws:eks/cluster:Cluster")
    assert cluster.op == "replace"
    assert report.warnings[cluster.urn].startswith("EKS cluster golden-prod will be replaced")
