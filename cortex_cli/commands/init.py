"""`cortex-infra init [DIR]`: a new Pulumi project of cortex-infra in a team's repository.

Writes the project file (python runtime, a virtualenv, the `cortex:*` values), the two-line
program calling `infra.program.main`, a dev stack file, a starter `cortex.yaml` with one
predictor API in its own folder, `.cortexignore`, `requirements.txt` pinning the installed
cortex-infra, and the GitHub workflows (pull-request checks and previews, deploys on main).

All or nothing: when any of those files exists, nothing is written and the error names
them. The starter spec is validated (every environment) before anything is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Final

import typer

from cortex_cli import output, scaffold
from cortex_cli.options import JsonOpt
from cortex_spec import SpecError, catalog, load_spec
from cortex_spec.errors import CortexError

DirArg = Annotated[Path, typer.Argument(help="Folder of the new project (your repository's root).")]
NameOpt = Annotated[
    str | None,
    typer.Option(
        "--name", help="Pulumi project name. Default: the folder's name.", show_default=False
    ),
]
RegionOpt = Annotated[str, typer.Option("--region", help="AWS region of the cluster.")]
ApiOpt = Annotated[str, typer.Option("--api", help="Name of the starter API.")]
FindLinksOpt = Annotated[
    str | None,
    typer.Option(
        "--find-links",
        help="Folder or URL of cortex-infra wheels, written into requirements.txt "
        "(relative to the project), for pip in CI and in Pulumi's virtualenv.",
        show_default=False,
    ),
]

# Pulumi: "alphanumeric characters, hyphens, underscores, and periods" (project file docs).
_PROJECT_NAME: Final = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
# The API's name is also its folder's: checked before it becomes a path (DNS-1035, as the
# spec requires; the spec's own check runs on the rendered project too).
_API_NAME: Final = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
# Cluster names are 3-54 characters; the prod environment appends "-prod".
_CLUSTER_MAX: Final = 54 - len("-prod")
# The starter node group: the first type offered in two zones of the region, by catalog.
_STARTER_TYPES: Final = ("m6i.large", "m5.large", "t3.large")


class InitError(CortexError):
    """The project cannot be written where it was asked for."""


def _cluster_name(project: str) -> str:
    name = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", project.lower())).strip("-")
    name = name[:_CLUSTER_MAX].rstrip("-")
    if len(name) < 3:
        raise InitError(
            f"cannot derive a cluster name from the project name {project!r}",
            hint="pass --name with at least three letters or digits",
        )
    return name


def _instance_type(region: str) -> str:
    for name in _STARTER_TYPES:
        zones = catalog.offered_zones(region, name)
        if zones is None or len(zones) >= 2:
            return name
    return _STARTER_TYPES[0]


def _installed(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        raise InitError(f"{package} is not installed as a package, so init cannot pin it") from None


def project_files(
    name: str, region: str, api: str, find_links: str | None = None
) -> dict[str, str]:
    """Every file of a new project, relative path → text."""
    values = {
        "sources": f"--find-links {find_links}\n" if find_links else "",
        "name": name,
        "cluster": _cluster_name(name),
        "region": region,
        "instance_type": _instance_type(region),
        "api": api,
        "version": _installed("cortex-infra"),
    }
    files: dict[str, str] = {}
    for path, name_ in scaffold.PROJECT_FILES.items():
        text = scaffold.template("project", name_)
        used = {k: v for k, v in values.items() if f"<%{k}%>" in text}
        files[path.replace("API", api)] = scaffold.render(text, used)
    workflow = scaffold.project_values("cortex.yaml", region, _installed("pulumi"))
    files.update(scaffold.workflows(scaffold.WORKFLOW_FILES, workflow))
    return files


def _check(files: dict[str, str]) -> None:
    """The starter spec validates in its base form and every environment."""
    with tempfile.TemporaryDirectory(prefix="cortex-init-") as scratch:
        root = Path(scratch)
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        try:
            for environment in (None, "dev", "prod"):
                load_spec(root / "cortex.yaml", environment=environment)
        except SpecError as error:
            # Named as the file would be, never by the scratch folder.
            text = error.render().replace(f"{root}{os.sep}", "")
            raise InitError(
                f"the starter project would not validate, so nothing was written:\n{text}",
                hint="pick another --name, --api or --region",
            ) from None


def _write(root: Path, files: dict[str, str]) -> list[str]:
    """Write every file, or none: a failure half-way removes what was written."""
    written: list[Path] = []
    created: list[Path] = []
    try:
        for path, text in files.items():
            target = root / path
            for folder in reversed([target.parent, *target.parent.parents]):
                if not folder.exists():
                    folder.mkdir()
                    created.append(folder)
            with target.open("x", encoding="utf-8") as handle:  # never over a file
                written.append(target)
                handle.write(text)
    except OSError as error:
        for done in written:
            done.unlink(missing_ok=True)
        for folder in reversed(created):
            folder.rmdir()
        raise InitError(f"cannot write {root}: {error}; nothing was left behind") from None
    return list(files)


def init(
    directory: DirArg = Path("."),
    *,
    name: NameOpt = None,
    region: RegionOpt = "us-west-2",
    api: ApiOpt = "hello",
    find_links: FindLinksOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Create a cortex-infra project in DIR: Pulumi project, starter spec, stack, workflows."""
    output.use_json(json_output)
    if directory.exists() and not directory.is_dir():
        raise InitError(f"{directory} is a file, not a folder")
    project = name or directory.resolve().name
    if not _PROJECT_NAME.match(project):
        raise InitError(
            f"{project!r} is not a valid Pulumi project name",
            hint="use letters, digits, hyphens, underscores and periods: --name my-models",
        )
    if not _API_NAME.match(api):
        raise InitError(
            f"{api!r} is not a valid API name",
            hint="use lowercase letters, digits and dashes, starting with a letter: --api hello",
        )
    known = catalog.region(region)
    if known is None or not known.eks:
        close = catalog.suggest(region, catalog.region_names())
        raise InitError(
            f"{region!r} is not an AWS region with EKS",
            hint=f"did you mean {close[0]}?" if close else "e.g. --region us-west-2",
        )
    if find_links is not None and (not find_links.strip() or "\n" in find_links):
        raise InitError(f"--find-links {find_links!r} is not a folder or a URL")
    files = project_files(project, region, api, find_links)
    existing = sorted(path for path in files if (directory / path).exists())
    if existing:
        raise InitError(
            f"{directory} already has {', '.join(existing)}; init writes nothing over "
            "existing files, so nothing was written",
            hint="move them away, or run init in another folder",
        )
    _check(files)
    written = _write(directory, files)
    if json_output:
        output.emit_json(
            {"ok": True, "directory": str(directory), "project": project, "files": written}
        )
        return
    output.echo(f"created cortex-infra project {project} in {directory}:")
    for path in written:
        output.echo(f"  {path}")
    output.echo(
        "\nnext: pulumi login, pulumi stack init dev, cortex-infra plan cortex.yaml --stack dev "
        "(README: Deploying)"
    )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
