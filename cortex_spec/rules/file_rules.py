"""Rules on the files a spec names: `predictor.path`, `python_path` and `bundle_root` stay in
the spec's folder and exist there after their links are resolved, and each API's bundle
can be built as `plan` will build it (no link out, hard link, device or FIFO), holding its
predictor.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FsPath
from pathlib import PurePosixPath

from cortex_spec.api_bundles import bundle_root, contains, escapes, normal
from cortex_spec.diagnostics import Finding
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.predictor import Predictor
from cortex_spec.project_files import bundle_problem, missing_in_project
from cortex_spec.rules.bundle_imports import check_imports
from cortex_spec.source import Path


def check_files(
    api: WorkloadAPI, path: Path, project_dir: FsPath, shown_dir: FsPath
) -> Iterator[Finding]:
    """`project_dir` is the spec's folder, resolved; `shown_dir`, as the user named it."""
    predictor = api.predictor
    if predictor is None:
        return
    where = (*path, "predictor")
    named = (
        ("path", predictor.path),
        ("python_path", predictor.python_path),
        ("model_path", predictor.model_path),
    )
    for field, value in named:
        if value is not None and escapes(value):
            yield Finding(
                (*where, field),
                f"{value} is outside the spec's folder, which holds the API's code bundle",
                f"move it into {shown_dir.as_posix()}/ and write predictor.{field} relative "
                "to it (Cortex uploaded only that folder too)",
            )
            return
    reason = missing_in_project(project_dir, predictor.path, folder=False)
    if reason is not None:
        yield Finding(
            (*where, "path"),
            f"file {(shown_dir / predictor.path).as_posix()} {reason}",
            "predictor.path is relative to the folder of the spec file, and stays inside it",
        )
    if predictor.python_path is not None:
        reason = missing_in_project(project_dir, predictor.python_path, folder=True)
        if reason is not None:
            yield Finding(
                (*where, "python_path"),
                f"folder {(shown_dir / predictor.python_path).as_posix()} {reason}",
                "predictor.python_path is relative to the folder of the spec file, and stays "
                "inside it",
            )
    if predictor.model_path is not None:
        reason = missing_in_project(project_dir, predictor.model_path, folder=False)
        if reason is not None:
            yield Finding(
                (*where, "model_path"),
                f"file {(shown_dir / predictor.model_path).as_posix()} {reason}",
                "predictor.model_path is the .onnx file, relative to the folder of the spec "
                "file (cortex-infra ships it in the bundle; it does not download models)",
            )
    if predictor.bundle_root is not None:
        yield from _bundle_root(predictor, where, project_dir, shown_dir)
    yield from check_imports(predictor, where, project_dir)


def _bundle_root(
    predictor: Predictor, where: Path, project_dir: FsPath, shown_dir: FsPath
) -> Iterator[Finding]:
    """A declared root is a folder of the project holding the predictor and python_path."""
    root = bundle_root(predictor)
    field = (*where, "bundle_root")
    reason = missing_in_project(project_dir, root.as_posix(), folder=True)
    if reason is not None:
        yield Finding(
            field,
            f"folder {(shown_dir / root).as_posix()} {reason}",
            "bundle_root is a folder relative to the folder of the spec file, and stays inside it",
        )
        return
    named = (
        ("path", predictor.path),
        ("python_path", predictor.python_path),
        ("model_path", predictor.model_path),
    )
    for name, value in named:
        if value is not None and not contains(root, normal(value)):
            yield Finding(
                field,
                f"{root.as_posix()} does not hold predictor.{name} ({value}): the pod would "
                "not find it in the bundle",
                f"pick a bundle_root that holds {value}, or drop bundle_root",
            )


def check_bundles(
    apis: list[tuple[int, WorkloadAPI]], project_dir: FsPath, spec_files: tuple[str, ...]
) -> list[Finding]:
    """Each API's bundle folder can be bundled as `plan` will bundle it, and ships its
    predictor. One walk per distinct folder, reported at the first API that uses it;
    `spec_files` are the spec's own files, relative to `project_dir`."""
    roots: dict[PurePosixPath, list[tuple[int, Predictor]]] = {}
    for index, api in apis:
        predictor = api.predictor
        if predictor is None or escapes(predictor.path):
            continue
        root = bundle_root(predictor)
        # A root that is missing, leads out or does not hold the predictor is reported by
        # check_files already.
        if contains(root, normal(predictor.path)) and (
            missing_in_project(project_dir, root.as_posix(), folder=True) is None
        ):
            roots.setdefault(root, []).append((index, predictor))
    findings = []
    for root, users in roots.items():
        prefix = "" if not root.parts else f"{root.as_posix()}/"
        own = tuple(p.removeprefix(prefix) for p in spec_files if p.startswith(prefix))
        problem, shipped = bundle_problem(project_dir / root, own)
        if problem is not None:
            findings.append(
                Finding(
                    ("apis", users[0][0], "predictor"),
                    f"the API's code folder ({prefix or './'}) cannot be bundled: {problem}",
                    "pods receive this folder as their code, and nothing outside it",
                )
            )
            continue
        findings += _left_out(users, project_dir, prefix, shipped)
    return findings


def _left_out(
    users: list[tuple[int, Predictor]], project_dir: FsPath, prefix: str, shipped: set[str]
) -> Iterator[Finding]:
    for index, predictor in users:
        name = normal(predictor.path).as_posix()
        inside = name.removeprefix(prefix)
        if inside not in shipped and missing_in_project(project_dir, name, folder=False) is None:
            yield Finding(
                ("apis", index, "predictor", "path"),
                f"{name} is left out of the bundle (by .cortexignore or the defaults), "
                "so the pods would not have it",
                "remove the .cortexignore line that matches it",
            )
