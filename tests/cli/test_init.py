"""`cortex-infra init`: a project that validates, in the user's name and the `cortex:` config
namespace, written all-or-nothing, from templates shipped as package data."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from cortex_cli import scaffold
from cortex_cli.commands import init as init_command
from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from cortex_cli.project import find_project, resolve
from cortex_spec import load_spec

EXPECTED = [
    ".cortexignore",
    ".github/workflows/cortex-deploy.yml",
    ".github/workflows/cortex-pull-request.yml",
    "Pulumi.dev.yaml",
    "Pulumi.yaml",
    "__main__.py",
    "apis/hello/predictor.py",
    "apis/hello/requirements.txt",
    "cortex.yaml",
    "requirements.txt",
]


def _init(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["init", *map(str, args)])


def _written(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_a_project_and_lists_it_as_json(tmp_path: Path) -> None:
    """--json lists every file written; the folder then holds exactly those."""
    result = _init(tmp_path / "acme", "--json")
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert document["project"] == "acme"
    assert sorted(document["files"]) == EXPECTED
    assert _written(tmp_path / "acme") == EXPECTED


def test_the_project_is_the_users_and_reads_the_cortex_namespace(tmp_path: Path) -> None:
    """Pulumi.yaml: the user's name, python with a virtualenv, and `cortex:*` values in the
    only form Pulumi accepts outside the project's namespace (`value:`, never a type or a
    default); the program is infra.program.main; requirements pin this cortex-infra."""
    assert _init(tmp_path, "--name", "ml-serving", "--region", "eu-west-1").exit_code == 0
    project = yaml.safe_load((tmp_path / "Pulumi.yaml").read_text())
    assert project["name"] == "ml-serving"
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }
    config: dict[str, Any] = project["config"]
    assert set(config) == {
        f"cortex:{k}" for k in ("spec", "clusterConfig", "environment", "admins")
    }
    for key, declaration in config.items():
        namespace = key.split(":")[0]
        if namespace != project["name"]:
            # pulumi/pulumi sdk/go/common/workspace/project.go: such keys "should not define
            # a type" nor "a default value", and "must provide an attribute 'value'".
            assert set(declaration) == {"value"}, key
    main = (tmp_path / "__main__.py").read_text()
    assert "from infra.program import main\n\nmain()\n" in main
    pinned = [
        line for line in (tmp_path / "requirements.txt").read_text().splitlines() if line[:1] != "#"
    ]
    assert pinned == [f"cortex-infra=={version('cortex-infra')}"]
    assert _init(tmp_path / "w", "--name", "acme", "--find-links", "wheels").exit_code == 0
    lines = (tmp_path / "w" / "requirements.txt").read_text().splitlines()
    assert lines[-2:] == ["--find-links wheels", f"cortex-infra=={version('cortex-infra')}"]
    found = find_project(tmp_path / "cortex.yaml")
    assert found is not None
    assert found.name == "ml-serving"
    assert resolve(tmp_path / "cortex.yaml", stack="dev").stack.spec == tmp_path / "cortex.yaml"


@pytest.mark.parametrize("environment", [None, "dev", "prod"])
def test_the_starter_spec_validates_with_its_api_in_its_own_folder(
    tmp_path: Path, environment: str | None
) -> None:
    """cortex.yaml: one predictor API, apis/hello/predictor.py, valid in every environment,
    each environment its own cluster."""
    assert _init(tmp_path, "--name", "acme", "--region", "eu-west-1").exit_code == 0
    spec = load_spec(tmp_path / "cortex.yaml", environment=environment)
    [api] = spec.apis
    assert api.predictor is not None
    assert api.predictor.path == "apis/hello/predictor.py"
    assert spec.cluster.region == "eu-west-1"
    assert spec.cluster.name == {None: "acme", "dev": "acme-dev", "prod": "acme-prod"}[environment]


def test_init_refuses_to_overwrite_and_names_every_existing_file(tmp_path: Path) -> None:
    """Two of its files exist: exit 1, both named, nothing written, theirs untouched."""
    (tmp_path / "cortex.yaml").write_text("mine\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "cortex-deploy.yml").write_text("mine\n")
    result = _init(tmp_path)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "already has .github/workflows/cortex-deploy.yml, cortex.yaml;" in result.stderr
    assert _written(tmp_path) == [".github/workflows/cortex-deploy.yml", "cortex.yaml"]
    assert (tmp_path / "cortex.yaml").read_text() == "mine\n"


def test_a_failure_half_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails after others succeeded: the ones written and the folders created
    are removed again, and the error says so."""
    original = init_command.project_files

    def with_a_bad_file(
        name: str, region: str, api: str, find_links: str | None = None
    ) -> dict[str, str]:
        files = original(name, region, api, find_links)
        files["cortex.yaml/inside"] = "x"  # cortex.yaml is a file by then: the OS refuses
        return files

    monkeypatch.setattr(init_command, "project_files", with_a_bad_file)
    monkeypatch.setattr(init_command, "_check", lambda files: None)
    result = _init(tmp_path / "acme")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "nothing was left behind" in result.stderr
    assert not (tmp_path / "acme").exists() or _written(tmp_path / "acme") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "a b"], "is not a valid Pulumi project name"),
        (["--name", "x_"], "cannot derive a cluster name"),
        (["--region", "us-west-9"], "is not an AWS region with EKS"),
        (["--api", "Bad_Name"], "Bad_Name"),
        (["--api", "../../outside"], "is not a valid API name"),
    ],
)
def test_bad_names_are_refused_before_anything_is_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """A project, cluster, region or API name that cannot work: exit 1, no file."""
    result = _init(tmp_path / "p", *(args if "--name" in args else ["--name", "acme", *args]))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert message in result.stderr
    assert not (tmp_path / "p").exists()


def test_templates_ship_as_package_data_and_render_strictly() -> None:
    """Every template is a package resource; a missing or unused value is refused."""
    for name in scaffold.PROJECT_FILES.values():
        assert scaffold.template("project", name)
    with pytest.raises(scaffold.TemplateError, match="no value"):
        scaffold.render("a <%b%>\n", {})
    with pytest.raises(scaffold.TemplateError, match="never used"):
        scaffold.render("a\n", {"b": "c"})
    assert scaffold.render("x:\n  <%b%>\n", {"b": "- 1\n- 2\n"}) == "x:\n  - 1\n  - 2\n"


@pytest.mark.slow
def test_the_new_project_deploys_with_no_manual_image_step(tmp_path: Path) -> None:
    """Its plan builds the runtime base and the API's image (its requirements.txt), pushes
    them to the stack's repository, and the API's Deployment runs its image by digest."""
    assert _init(tmp_path, "--name", "acme", "--region", "us-west-2").exit_code == 0
    (tmp_path / "apis" / "hello" / "requirements.txt").write_text("PyYAML>=6\n")
    result = CliRunner().invoke(
        app, ["plan", str(tmp_path / "cortex.yaml"), "--stack", "dev", "--json"]
    )
    assert result.exit_code == 0, result.output
    resources = json.loads(result.stdout)["resources"]
    images = {r["name"]: r for r in resources if r["type"] == "docker-build:index:Image"}
    assert sorted(images) == ["serving-images-base-cpu", "serving-images-hello"]
    hello = images["serving-images-hello"]
    assert hello["inputs"]["push"] is True
    folder = tmp_path / hello["inputs"]["context"]["location"]
    assert (folder / "requirements.txt").read_text() == "PyYAML>=6\n"
    deployment = next(r for r in resources if r["name"] == "serving-hello-deployment")
    assert hello["urn"] in deployment["dependencies"]
    (container,) = deployment["inputs"]["spec"]["template"]["spec"]["containers"]
    assert "/runtime@sha256:" in container["image"]
