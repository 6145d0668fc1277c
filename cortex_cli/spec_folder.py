"""What a folder given as SPEC stands for: its cortex.yaml (or cortex.yml), else, for a Pulumi
project's own folder, the stack's (or the project's) `cortex:spec`, as `pulumi up` run there
would deploy. A folder named like a YAML file (`cortex.yaml/`) was meant as the file: the
loader reports it as "a folder, not a regular file". Every command resolves SPEC through
`project.resolve`, which calls this; the base side of `diff BASE HEAD` calls it directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

# Read at call time: cortex_cli.project imports this module.
from cortex_cli import project as projects

SPEC_FILES: Final = ("cortex.yaml", "cortex.yml")


def spec_path(
    path: Path, project: projects.Project | None = None, stack: str | None = None
) -> Path:
    """The spec file `path` stands for: itself, or for a folder its cortex.yaml, else the
    stack's (or project's) `cortex:spec` when the folder is the project's own, as `pulumi
    up` there would use."""
    if not path.is_dir() or path.suffix in (".yaml", ".yml"):
        return path
    folder = path
    for name in SPEC_FILES:
        if (folder / name).is_file():
            return folder / name
    if project is not None and project.root == folder.resolve():
        settings = (
            project.stack(stack, required=False)
            if stack is not None
            else projects.Stack(projects.DEFAULT_STACK, None, dict(project.values), project.root)
        )
        if settings.spec is not None:
            return settings.spec
    raise projects.ProjectError(
        f"{folder} is a folder without {' or '.join(SPEC_FILES)}",
        hint=f"pass the spec file itself, e.g. {folder / SPEC_FILES[0]}",
    )
