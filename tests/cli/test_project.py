"""Project discovery: the nearest Pulumi.yaml above the spec, its stack files, and how every
command that takes --stack reads them from the user's project (never from the tool's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from cortex_cli.project import ProjectError, find_project, resolve
from tests.cli.projects import write_project, write_stack
from tests.conftest import EXAMPLES

ADMIN = "arn:aws:iam::111122223333:role/acme-platform"
SPEC = (EXAMPLES / "mixed" / "cortex.yaml").read_text(encoding="utf-8")


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project: Pulumi.yaml at the root, the spec in deploy/, a prod stack."""
    root = write_project(
        tmp_path / "acme",
        stacks={
            "prod": {
                "cortex:spec": "deploy/cortex.yaml",
                "cortex:environment": "prod",
                "cortex:admins": [ADMIN],
            }
        },
    )
    (root / "deploy").mkdir()
    (root / "deploy" / "cortex.yaml").write_text(SPEC, encoding="utf-8")
    for name in ("sentiment", "embedder"):
        source = EXAMPLES / "mixed" / "apis" / name
        target = root / "deploy" / "apis" / name
        target.mkdir(parents=True)
        for file in source.iterdir():
            (target / file.name).write_bytes(file.read_bytes())
    return root


def test_the_nearest_pulumi_yaml_above_the_spec_is_the_project(project: Path) -> None:
    """Discovery walks up from the spec's folder; the project's name comes from its file."""
    found = find_project(project / "deploy" / "cortex.yaml")
    assert found is not None
    assert (found.root, found.name) == (project, "acme-serving")
    assert found.stack_names() == ["prod"]


def test_stack_values_resolve_against_the_project_folder(project: Path) -> None:
    """cortex:spec in a stack file is relative to the project folder, as Pulumi runs the
    program there; the command line's --env wins over cortex:environment."""
    target = resolve(project / "deploy" / "cortex.yaml", stack="prod")
    assert target.stack.spec == project / "deploy" / "cortex.yaml"
    assert (target.environment, target.stack.admins) == ("prod", (ADMIN,))
    assert target.pulumi_config() == {
        "cortex:spec": "deploy/cortex.yaml",
        "cortex:environment": "prod",
        "cortex:admins": json.dumps([ADMIN]),
    }
    assert resolve(project / "deploy" / "cortex.yaml", env="dev", stack="prod").environment == (
        "dev"
    )
    assert target.notes() == []


def test_project_values_apply_and_stack_values_win(tmp_path: Path) -> None:
    """Pulumi.yaml values (`value:`, or a typed declaration's `default` for the project's
    own keys) apply to every stack; the stack file's win; stackConfigDir is honoured."""
    root = tmp_path / "p"
    root.mkdir()
    document = {
        "name": "cortex",
        "runtime": "python",
        "stackConfigDir": "stacks",
        "config": {
            "environment": {"type": "string", "default": "staging"},
            "cortex:admins": {"value": [ADMIN]},
        },
    }
    (root / "Pulumi.yml").write_text(yaml.safe_dump(document), encoding="utf-8")
    (root / "stacks").mkdir()
    write_stack(root / "stacks", "blue", {"cortex:environment": "prod"})
    spec = root / "cortex.yaml"
    assert resolve(spec).environment == "staging"
    blue = resolve(spec, stack="blue")
    assert (blue.environment, blue.stack.admins) == ("prod", (ADMIN,))
    assert blue.stack.file == root / "stacks" / "Pulumi.blue.yaml"


def test_broken_or_secret_stack_files_are_clear_errors(project: Path) -> None:
    """A stack file that is not YAML names its file:line:col; an encrypted cortex value is
    refused rather than guessed."""
    (project / "Pulumi.bad.yaml").write_text("config:\n  cortex:spec: [\n", encoding="utf-8")
    # Located where YAML stops making sense: the `[` that is never closed.
    with pytest.raises(ProjectError, match=r"Pulumi\.bad\.yaml:2:17"):
        resolve(project / "deploy" / "cortex.yaml", stack="bad")
    write_stack(project, "secret", {"cortex:admins": {"secure": "v1:abc"}})
    with pytest.raises(ProjectError, match="is a secret"):
        resolve(project / "deploy" / "cortex.yaml", stack="secret")


def test_missing_stack_file_exits_1_naming_the_path(project: Path) -> None:
    """`plan --stack staging` without Pulumi.staging.yaml in the user's project: exit 1, the
    path in the message, and nothing planned."""
    result = _run("plan", project / "deploy" / "cortex.yaml", "--stack", "staging")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert str(project / "Pulumi.staging.yaml") in result.stderr
    assert "pulumi stack init staging" in result.stderr
    assert "Traceback" not in result.output


def test_stack_outside_any_project_exits_1(tmp_path: Path) -> None:
    """--stack with no Pulumi.yaml above the spec: exit 1, saying where it looked."""
    spec = tmp_path / "cortex.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    result = _run("validate", spec, "--stack", "prod")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "no Pulumi.yaml in" in result.stderr


def test_validate_takes_the_environment_from_the_stack(project: Path) -> None:
    """validate --stack prod checks the environment Pulumi.prod.yaml names."""
    result = _run("validate", project / "deploy" / "cortex.yaml", "--stack", "prod", "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["cluster"]["name"] == "mixed-prod"


def test_a_stack_file_deploying_another_spec_is_noted(project: Path) -> None:
    """The spec given wins; stderr says which spec the stack file deploys."""
    other = project / "deploy" / "other.yaml"
    other.write_text(SPEC, encoding="utf-8")
    result = _run("validate", other, "--stack", "prod")
    assert result.exit_code == ExitCode.OK, result.output
    note = "Pulumi.prod.yaml deploys deploy/cortex.yaml (cortex:spec), not deploy/other.yaml"
    assert note in result.stderr
