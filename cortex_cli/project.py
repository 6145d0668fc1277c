"""The user's Pulumi project and stack, found from the spec as `pulumi` itself would.

Every command that takes a spec resolves its arguments here (`resolve`), so all agree on
the project, stack file and environment of a spec. The project is the nearest `Pulumi.yaml`
(or `.yml`) at or above the spec's folder; its `name` is the project in URNs and state
paths. `--stack NAME` reads `Pulumi.<NAME>.yaml` (in `stackConfigDir` when set), which must
exist. Values are those the program reads (`pulumi.Config("cortex")`): the project file's
`cortex:*` values, then the stack file's, as Pulumi merges them, paths relative to the
project folder where Pulumi runs the program. Flags win over stack values (`--env` over
`cortex:environment`, `--cluster-config` over `cortex:clusterConfig`); the spec is always
the one given.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cortex_cli import spec_folder
from cortex_spec.errors import CortexError, SpecError
from cortex_spec.reading import read_spec_text
from cortex_spec.source import parse_yaml, to_plain

PROJECT_FILES: Final = ("Pulumi.yaml", "Pulumi.yml")
# The program's config namespace (infra/program.py), whatever the project is named.
NAMESPACE: Final = "cortex"
# Without --stack and --env, commands plan the stack Pulumi users start with.
DEFAULT_STACK: Final = "dev"
# The project of a spec that sits in no Pulumi project: this repository's own name.
FALLBACK_PROJECT: Final = "cortex"


class ProjectError(CortexError):
    """The Pulumi project or a stack file is missing or cannot be read."""


def _read_yaml(path: Path) -> dict[str, Any]:
    """A project or stack file, read as a spec is: a regular file within the size bound,
    YAML within the nesting and value bounds, every mistake located (a SpecError)."""
    try:
        node, source = parse_yaml(read_spec_text(path), str(path))
    except SpecError as error:
        raise ProjectError(error.render(), hint=None) from None
    document = to_plain(node)
    if not isinstance(document, dict | None):
        raise ProjectError(f"{source.name}: expected a mapping at the top level")
    return document or {}


def _namespaced(key: str, project: str) -> str:
    # Pulumi reads a key without a namespace as the project's own (`spec` is `<name>:spec`).
    return key if ":" in key else f"{project}:{key}"


def _project_value(raw: Any) -> Any:
    """A Pulumi.yaml `config:` entry: a value, `{value: ...}`, or a declaration's `default`."""
    if not isinstance(raw, dict):
        return raw
    if "value" in raw:
        return raw["value"]
    if "default" in raw:
        return raw["default"]
    if "type" in raw:
        return None  # declared without a default: unset until a stack sets it
    return raw


@dataclass(frozen=True)
class Stack:
    """One stack's `cortex:*` settings, paths resolved against the project folder."""

    name: str
    file: Path | None
    values: Mapping[str, Any] = field(default_factory=dict)
    root: Path | None = None

    def _path(self, key: str) -> Path | None:
        value = self.values.get(f"{NAMESPACE}:{key}")
        if not value:
            return None
        path = Path(str(value))
        return path if path.is_absolute() or self.root is None else self.root / path

    @property
    def spec(self) -> Path | None:
        return self._path("spec")

    @property
    def cluster_config(self) -> Path | None:
        return self._path("clusterConfig")

    @property
    def environment(self) -> str | None:
        value = self.values.get(f"{NAMESPACE}:environment")
        return str(value) if value else None

    @property
    def admins(self) -> tuple[str, ...]:
        value = self.values.get(f"{NAMESPACE}:admins") or ()
        if isinstance(value, str):  # `pulumi config set cortex:admins '["arn..."]'`
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            where = self.file or "the project's config"
            raise ProjectError(
                f"{where}: cortex:admins must be a list of IAM principal ARNs",
                hint="pulumi config set --path 'cortex:admins[0]' arn:aws:iam::<account>:role/<r>",
            )
        return tuple(value)


@dataclass(frozen=True)
class Project:
    """A Pulumi project: its folder, name, stack-file folder and project-level values."""

    root: Path
    file: Path
    name: str
    stack_dir: Path
    values: Mapping[str, Any] = field(default_factory=dict)

    def stack_file(self, stack: str) -> Path:
        return self.stack_dir / f"Pulumi.{stack}.yaml"

    def stack_names(self) -> list[str]:
        """Stacks that have a settings file, sorted."""
        files = self.stack_dir.glob("Pulumi.*.yaml")
        return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in files)

    def stack(self, name: str, *, required: bool = True) -> Stack:
        """The stack's settings; without its file, the project's values alone, or (when
        `required`) an error naming the file."""
        path = self.stack_file(name)
        if not path.is_file():
            if required:
                raise ProjectError(
                    f"no stack file {path} for stack {name!r} of project {self.name!r}",
                    hint=f"create it with `pulumi stack init {name}` in {self.root}, "
                    "or pass the name of an existing stack",
                )
            return Stack(name, None, dict(self.values), self.root)
        document = _read_yaml(path)
        config = document.get("config") or {}
        if not isinstance(config, dict):
            raise ProjectError(f"{path}: `config:` must be a mapping")
        values = dict(self.values)
        for key, raw in config.items():
            full = _namespaced(str(key), self.name)
            if full.startswith(f"{NAMESPACE}:"):
                if isinstance(raw, dict) and "secure" in raw:
                    raise ProjectError(
                        f"{path}: {full} is a secret; cortex-infra reads only plain values",
                        hint=f"set it without --secret: pulumi config set {full} ...",
                    )
                values[full] = raw
        return Stack(name, path, values, self.root)


def load_project(file: Path) -> Project:
    document = _read_yaml(file)
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ProjectError(f"{file}: the project has no `name`", hint="add `name: <project>`")
    root = file.parent
    config_dir = document.get("stackConfigDir")
    stack_dir = root / str(config_dir) if config_dir else root
    values: dict[str, Any] = {}
    config = document.get("config") or {}
    if isinstance(config, dict):
        for key, raw in config.items():
            full = _namespaced(str(key), name)
            if full.startswith(f"{NAMESPACE}:"):
                value = _project_value(raw)
                if value is not None:
                    values[full] = value
    return Project(root=root, file=file, name=name, stack_dir=stack_dir, values=values)


def find_project(start: Path, *, within: Path | None = None) -> Project | None:
    """The nearest project at or above `start` (a file's folder, or a folder), not looking
    above `within` when given (a scratch copy of a revision stands alone)."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    limit = within.resolve() if within is not None else None
    for candidate in (folder, *folder.parents):
        if limit is not None and not candidate.is_relative_to(limit):
            break
        for name in PROJECT_FILES:
            file = candidate / name
            if file.is_file():
                return load_project(file)
    return None


@dataclass(frozen=True)
class Target:
    """What a command acts on: the spec, its environment, and the stack it is deployed as."""

    spec: Path
    cluster_config: Path | None
    # Explicit environment: --env, else the stack's cortex:environment. None lets the
    # program pick the environment named like the stack, when the spec has one.
    environment: str | None
    stack: Stack
    project: Project | None
    stack_given: bool

    @property
    def stack_name(self) -> str:
        return self.stack.name

    @property
    def project_name(self) -> str:
        return self.project.name if self.project is not None else FALLBACK_PROJECT

    @property
    def workdir(self) -> Path | None:
        """Where Pulumi runs the program: the project folder."""
        return self.project.root if self.project is not None else None

    def relative(self, path: Path) -> str:
        """`path` as the program is given it: relative to the project folder when inside
        it (so plans do not depend on where the project is checked out), else as given."""
        if self.project is None:
            return str(path)
        resolved = path.resolve()
        if resolved.is_relative_to(self.project.root):
            return resolved.relative_to(self.project.root).as_posix()
        return str(resolved)

    def pulumi_config(self) -> dict[str, str]:
        """The stack config the program receives, as `pulumi config` hands it over."""
        config = {f"{NAMESPACE}:spec": self.relative(self.spec)}
        if self.cluster_config is not None:
            config[f"{NAMESPACE}:clusterConfig"] = self.relative(self.cluster_config)
        if self.environment is not None:
            config[f"{NAMESPACE}:environment"] = self.environment
        if self.stack.admins:
            config[f"{NAMESPACE}:admins"] = json.dumps(list(self.stack.admins))
        return config

    def notes(self) -> list[str]:
        """What a user should know about how the stack file was applied."""
        configured = self.stack.spec
        if configured is None or self.stack.file is None:
            return []
        if configured.resolve() == self.spec.resolve():
            return []
        return [
            f"{self.stack.file.name} deploys {self.relative(configured)} (cortex:spec), "
            f"not {self.relative(self.spec)}: its other settings were applied to the spec given"
        ]


def resolve(
    spec: Path,
    *,
    cluster_config: Path | None = None,
    env: str | None = None,
    stack: str | None = None,
    stack_required: bool = True,
    within: Path | None = None,
) -> Target:
    """The project of `spec` and the stack's settings, merged with the command line.

    With `stack`, its file must exist (unless `stack_required` is false: a diff's base
    side, where a stack new in this change has no file yet). Without it, the stack is
    `env` or `dev`, and only the project-level values apply.
    """
    project = find_project(spec, within=within)
    name = stack or env or DEFAULT_STACK
    spec = spec_folder.spec_path(spec, project, stack)
    if project is None:
        if stack is not None and stack_required:
            raise ProjectError(
                f"--stack {stack} needs the Pulumi project of {spec}, but there is no "
                f"Pulumi.yaml in {spec.resolve().parent}{os.sep} or any folder above it",
                hint="run `cortex-infra init` to create one, or drop --stack",
            )
        settings = Stack(name, None)
    elif stack is not None:
        settings = project.stack(stack, required=stack_required)
    else:
        settings = Stack(name, None, dict(project.values), project.root)
    return Target(
        spec=spec,
        cluster_config=cluster_config or settings.cluster_config,
        environment=env or settings.environment,
        stack=settings,
        project=project,
        stack_given=stack is not None,
    )
