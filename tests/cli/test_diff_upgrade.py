"""`cortex-infra diff` on a Kubernetes version bump: the ordered upgrade, the components that
move with it, and the refusal of a step EKS cannot take (from a spec or deployed state)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from offline import engine
from tests.cli.projects import write_project
from tests.conftest import MotoServer
from tests.offline.checkpoints import checkpoint

pytestmark = pytest.mark.slow

STAND_IN = Path(__file__).resolve().parents[1] / "offline" / "diff_program.py"
SPEC = """\
cluster:
  name: upgrade
  region: us-west-2
{version}  upgrade_policy: extended
  availability_zones: [us-west-2a, us-west-2b]
  node_groups:
    - {{name: inf2, instance_type: inf2.xlarge, min_instances: 0, max_instances: 2}}
apis: []
"""


def _write(path: Path, version: str | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f'  kubernetes_version: "{version}"\n' if version else ""
    path.write_text(SPEC.format(version=line), encoding="utf-8")
    return path


def _diff(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["diff", *map(str, args)])


def _step(lines: list[str], words: str) -> int:
    return next(i for i, line in enumerate(lines) if words in line)


def test_a_bump_to_the_default_shows_the_ordered_upgrade(tmp_path: Path) -> None:
    """1.34 → 1.35 (the default): control plane, then the add-ons nodes need, then the node
    groups in place, then the add-ons and controllers on them; the autoscaler and the Neuron
    scheduler move with it."""
    result = _diff(
        _write(tmp_path / "a/cortex.yaml", "1.34"), _write(tmp_path / "b/cortex.yaml", None)
    )
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.stdout.splitlines()
    assert "Kubernetes upgrade 1.34 → 1.35, in this order:" in lines
    control = _step(lines, "1. control plane: EKS cluster upgrade")
    bootstrap = _step(lines, "EKS add-ons: kube-proxy, vpc-cni")
    nodes = _step(lines, "node groups (in place")
    controllers = _step(
        lines, "Helm releases: cluster-autoscaler (values.image.tag v1.34.4 → v1.35.1)"
    )
    assert control < bootstrap < nodes < controllers
    assert "inf2, system" in lines[nodes]
    moved = lines[_step(lines, "versions that follow the cluster:")]
    assert "cluster-autoscaler image v1.34.4 → v1.35.1" in moved
    assert "v1.34.9-eks-1-34-21 → v1.35.6-eks-1-35-13" in moved


def test_json_and_markdown_carry_the_upgrade(tmp_path: Path) -> None:
    """--format json has an `upgrade` object; markdown a section under the heading."""
    base, head = (
        _write(tmp_path / "a/cortex.yaml", "1.34"),
        _write(tmp_path / "b/cortex.yaml", "1.35"),
    )
    document = json.loads(_diff(base, head, "--format", "json").stdout)
    assert document["upgrade"]["from"] == "1.34"
    assert document["upgrade"]["steps"][0]["title"] == "control plane"
    markdown = _diff(base, head, "--format", "markdown").stdout
    assert markdown.splitlines()[2] == "#### Kubernetes upgrade 1.34 → 1.35, in this order:"


def test_no_version_change_has_no_upgrade(tmp_path: Path) -> None:
    """Same version on both sides: no upgrade section, `upgrade: null` in JSON."""
    base, head = (
        _write(tmp_path / "a/cortex.yaml", "1.35"),
        _write(tmp_path / "b/cortex.yaml", None),
    )
    document = json.loads(_diff(base, head, "--format", "json").stdout)
    assert document["upgrade"] is None


def test_a_two_minor_jump_is_refused_at_the_version_line(tmp_path: Path) -> None:
    """1.33 → 1.35: exit 1, located at the head's kubernetes_version, with the next step."""
    head = _write(tmp_path / "b/cortex.yaml", "1.35")
    result = _diff(_write(tmp_path / "a/cortex.yaml", "1.33"), head)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert f"{head}:4:3: cluster.kubernetes_version: cannot upgrade Kubernetes 1.33 to 1.35" in (
        result.stderr
    )
    assert 'fix: set kubernetes_version to "1.34"' in result.stderr
    assert "Traceback" not in result.output


def test_a_jump_from_the_deployed_version_is_refused(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--against-state: the deployed cluster runs 1.33; a head at 1.35 is refused at its line."""
    monkeypatch.setattr(engine, "PROGRAM", STAND_IN)
    deployed = engine.evaluate(
        engine.stack_config(_write(tmp_path / "old/cortex.yaml", "1.33")),
        stack="prod",
        region="us-west-2",
        program=STAND_IN,
        project="acme-serving",
    )
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="state", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.put_object(
        Bucket="state",
        Key=".pulumi/stacks/acme-serving/prod.json",
        Body=json.dumps(checkpoint(deployed)),
    )
    write_project(tmp_path / "new", stacks={"prod": {"cortex:spec": "cortex.yaml"}})
    head = _write(tmp_path / "new/cortex.yaml", "1.35")
    result = _diff("--against-state", "s3://state", head, "--stack", "prod")
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert f"{head}:4:3: cluster.kubernetes_version: cannot upgrade Kubernetes 1.33 to 1.35" in (
        result.stderr
    )
