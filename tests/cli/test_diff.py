"""`cortex-infra diff`: two files, a git base revision, and deployed state on S3 (moto)."""

from __future__ import annotations

import json
import subprocess
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

STAND_IN = Path(__file__).resolve().parents[1] / "offline" / "diff_program.py"
SPEC = """\
cluster:
  name: demo
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b]
  node_groups:
    - {{name: cpu, instance_type: m6i.large, min_instances: 1, max_instances: 3}}
apis:
  - name: sentiment
    kind: RealtimeAPI
    pod:
      containers:
        - name: api
          image: "public.ecr.aws/docker/library/nginx:1.27"
          compute: {{cpu: 1, mem: 1Gi}}
    autoscaling: {{min_replicas: 1, max_replicas: {max_replicas}}}
"""


@pytest.fixture(autouse=True)
def _stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    # The diff tests pin the diff, not the platform: they evaluate the stand-in program.
    monkeypatch.setattr(engine, "PROGRAM", STAND_IN)


def _write(path: Path, max_replicas: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SPEC.format(max_replicas=max_replicas), encoding="utf-8")
    return path


def _diff(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["diff", *map(str, args)])


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
def test_two_files_print_the_api_summary(tmp_path: Path) -> None:
    """BASE HEAD in text: the API's one-line summary, exit 0 although things changed."""
    result = _diff(_write(tmp_path / "a/cortex.yaml", 10), _write(tmp_path / "b/cortex.yaml", 25))
    assert result.exit_code == ExitCode.OK, result.output
    assert "sentiment: autoscaling max 10 → 25" in result.stdout.splitlines()


@pytest.mark.slow
def test_json_lists_only_the_changed_autoscaler(tmp_path: Path) -> None:
    """--format json: one change, the sentiment autoscaler, with its before and after."""
    result = _diff(
        _write(tmp_path / "a/cortex.yaml", 10),
        _write(tmp_path / "b/cortex.yaml", 25),
        "--format",
        "json",
    )
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert [(c["name"], c["op"]) for c in document["changes"]] == [
        ("serving-sentiment-hpa", "update")
    ]
    assert document["changes"][0]["fields"] == [
        {"path": "spec.maxReplicas", "before": 10, "after": 25, "replaces": False}
    ]
    # More replicas at max on the same node group: the nodes, not the cost, bound them.
    assert document["cost"]["change"] == {"at_min": 0, "at_max": 0}


@pytest.mark.slow
def test_markdown_stays_within_max_chars(tmp_path: Path) -> None:
    """--format markdown --max-chars N: a GitHub-ready body no longer than N."""
    result = _diff(
        _write(tmp_path / "a/cortex.yaml", 10),
        _write(tmp_path / "b/cortex.yaml", 25),
        "--format",
        "markdown",
        "--max-chars",
        "3000",
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.startswith("### cortex-infra diff:")
    assert "**Cost per month** (USD, offline prices)" in result.stdout
    assert len(result.stdout) <= 3001


UNSAFE = Path(__file__).resolve().parents[1] / "offline" / "unsafe_program.py"


@pytest.mark.slow
@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_a_violation_exits_4_and_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """A raised minimum sent with the ignored desired size: exit 4, the violation shown first."""
    monkeypatch.setattr(engine, "PROGRAM", UNSAFE)
    base = _write(tmp_path / "a/cortex.yaml", 10)
    head = tmp_path / "b/cortex.yaml"
    head.parent.mkdir()
    head.write_text(base.read_text().replace("min_instances: 1", "min_instances: 2"))
    result = _diff(base, head, "--format", output_format)
    assert result.exit_code == ExitCode.CHECKS_FAILED, result.output
    if output_format == "json":
        violations = json.loads(result.stdout)["violations"]
        assert [v["code"] for v in violations] == ["desired-size-out-of-range"]
        assert set(violations[0]) == {"code", "urn", "step", "message"}
    else:
        marker = "ERROR: [desired-size" if output_format == "text" else "> [!CAUTION]"
        assert result.stdout.index(marker) < result.stdout.index("node group cpu:")


@pytest.mark.parametrize(
    "args",
    [
        ["one.yaml"],
        ["a.yaml", "b.yaml", "--base-ref", "main"],
        ["--against-state", "s3://b", "h.yaml"],
    ],
)
def test_wrong_arguments_are_usage_errors(args: list[str]) -> None:
    """Wrong path counts, or --against-state without --stack, exit 2 before any work."""
    assert _diff(*args).exit_code == ExitCode.USAGE


@pytest.mark.slow
def test_base_ref_compares_with_the_committed_spec(tmp_path: Path) -> None:
    """--base-ref HEAD: the committed folder is the base, the working tree the head."""
    repo = tmp_path / "repo"
    spec = _write(repo / "specs" / "cortex.yaml", 10)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    _write(spec, 25)
    result = _diff("--base-ref", "HEAD", spec)
    assert result.exit_code == ExitCode.OK, result.output
    title = "cortex-infra diff: specs/cortex.yaml@HEAD → specs/cortex.yaml (working tree)"
    assert result.stdout.splitlines()[0] == title
    assert "sentiment: autoscaling max 10 → 25" in result.stdout


@pytest.mark.slow
def test_base_ref_without_the_spec_creates_everything(tmp_path: Path) -> None:
    """A spec that did not exist at the base revision diffs as all creates."""
    repo = tmp_path / "repo"
    (repo / "README").parent.mkdir(parents=True)
    (repo / "README").write_text("x")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "empty")
    spec = _write(repo / "specs" / "cortex.yaml", 10)
    document = json.loads(_diff("--base-ref", "HEAD", spec, "--format", "json").stdout)
    assert {c["op"] for c in document["changes"]} == {"create"}


def test_a_base_revision_with_a_link_out_is_refused(tmp_path: Path) -> None:
    """A committed link to /proc/self/environ is never extracted: exit 1 naming it."""
    repo = tmp_path / "repo"
    spec = _write(repo / "specs" / "cortex.yaml", 10)
    (repo / "specs" / "environ").symlink_to("/proc/self/environ")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base with a link out")
    (repo / "specs" / "environ").unlink()
    result = _diff("--base-ref", "HEAD", spec)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert "specs/environ at " in result.stderr
    assert "leads out of the spec's folder" in result.stderr


def test_base_ref_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    """Not a git repository: exit 1 and a message saying so, no traceback."""
    result = _diff("--base-ref", "main", _write(tmp_path / "cortex.yaml", 3))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "not inside a git repository" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_base_ref_is_a_clear_error(tmp_path: Path) -> None:
    """An unknown ref: exit 1, naming the ref and how to fetch it."""
    repo = tmp_path / "repo"
    spec = _write(repo / "cortex.yaml", 3)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "c")
    result = _diff("--base-ref", "no-such-branch", spec)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "unknown git revision 'no-such-branch'" in result.stderr


@pytest.mark.slow
def test_against_state_reads_the_deployed_stack_from_s3(aws: MotoServer, tmp_path: Path) -> None:
    """--against-state: a checkpoint written to moto is the base, found under the project's
    own name (its Pulumi.yaml), its URNs compared with the head's; secrets never printed."""
    deployed = engine.evaluate(
        engine.stack_config(_write(tmp_path / "old/cortex.yaml", 10)),
        stack="prod",
        region="us-west-2",
        program=STAND_IN,
        project="acme-serving",
    )
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="state", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    key = ".pulumi/stacks/acme-serving/prod.json"
    s3.put_object(Bucket="state", Key=key, Body=json.dumps(checkpoint(deployed)))
    write_project(tmp_path / "new", stacks={"prod": {"cortex:spec": "cortex.yaml"}})
    head = _write(tmp_path / "new/cortex.yaml", 25)
    result = _diff("--against-state", "s3://state", head, "--stack", "prod")
    assert result.exit_code == ExitCode.OK, result.output
    title = f"cortex-infra diff: deployed stack prod → {head} (stack prod)"
    assert result.stdout.splitlines()[0] == title
    assert "0 to create" in result.stdout.splitlines()[1]
    assert "sentiment: autoscaling max 10 → 25" in result.stdout
    assert "ciphertext" not in result.stdout


def test_against_state_of_a_missing_stack_exits_with_the_state_code(
    aws: MotoServer, tmp_path: Path
) -> None:
    """No such stack in the backend: a StateError, exit 5."""
    boto3.client("s3").create_bucket(
        Bucket="state", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    write_project(tmp_path, stacks={"prod": {}})
    result = _diff(
        "--against-state", "s3://state", _write(tmp_path / "c.yaml", 3), "--stack", "prod"
    )
    assert result.exit_code == ExitCode.STATE_ERROR, result.output
    assert "no deployed state for stack 'prod'" in result.stderr
