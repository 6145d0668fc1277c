"""Which files make a predictor API's code bundle, and the bundle itself.

An API's bundle is its predictor's folder (the folder of `predictor.path`, widened to hold
`predictor.python_path`), or `predictor.bundle_root` when the spec declares one: never the
whole repository. So a change to one API's code changes that API's bundle alone, and pods
download only their own code.

Files keep their paths relative to the spec's folder (`apis/sentiment/predictor.py`), as
Cortex laid the project out in the pod: `predictor.path` and `python_path` mean inside the
pod what they mean on disk, and the runtime is unchanged. Left out (`runtime/bundle.py`,
`runtime/contract.py`): `.git/`, `.venv/`, `__pycache__/`, `*.pyc`, `tests/`, `.github/`,
Pulumi project and stack files, the spec's own files, and whatever `.cortexignore` leaves
out, at the bundle's root and at the spec's folder (a file either leaves out stays out).
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final

from cortex_spec.models.predictor import Predictor
from runtime.bundle import Bundle, BundleError, build_bundle, prefixed, read_rules

if TYPE_CHECKING:
    from cortex_spec.loader import Spec
    from cortex_spec.models.api import WorkloadAPI

# Written by the Pulumi program into the folder it runs in (the project's).
GENERATED_DIR: Final = ".cortex-infra"


def normal(path: str) -> PurePosixPath:
    """A relative path without `.` or `a/..` parts; `PurePosixPath('.')` for the folder."""
    return PurePosixPath(posixpath.normpath(path))


def escapes(path: str) -> bool:
    """Whether a relative path leaves the folder it is relative to."""
    return normal(path).parts[:1] == ("..",)


def contains(folder: PurePosixPath, path: PurePosixPath) -> bool:
    return path.parts[: len(folder.parts)] == folder.parts


def _common(first: PurePosixPath, second: PurePosixPath) -> PurePosixPath:
    shared: list[str] = []
    for a, b in zip(first.parts, second.parts, strict=False):
        if a != b:
            break
        shared.append(a)
    return PurePosixPath(*shared) if shared else PurePosixPath(".")


def bundle_root(predictor: Predictor) -> PurePosixPath:
    """The API's bundle folder, relative to the spec's folder (`.` for the folder itself)."""
    if predictor.bundle_root is not None:
        return normal(predictor.bundle_root)
    root = normal(predictor.path).parent
    if predictor.python_path is not None:
        root = _common(root, normal(predictor.python_path))
    if predictor.model_path is not None:  # type: onnx ships its model in the bundle
        root = _common(root, normal(predictor.model_path).parent)
    return root


def generated_files(folder: Path) -> list[str]:
    """What cortex-infra writes into a project folder itself (the image build contexts of
    `infra/serving/images.py`, under `GENERATED_DIR`): never part of a bundle, or a first
    `pulumi up` would change the bundle of an API whose root is the project folder."""
    generated = folder / GENERATED_DIR
    if not generated.is_dir():
        return []
    return [p.relative_to(folder).as_posix() for p in generated.rglob("*") if p.is_file()]


def build_api_bundle(spec: Spec, api: WorkloadAPI) -> Bundle:
    """The deterministic bundle of one predictor API (`BundleError` when unreadable)."""
    if api.predictor is None:
        raise ValueError(f"API {api.name} runs its own containers and has no bundle")
    root = bundle_root(api.predictor)
    folder = spec.project_dir / root
    if not folder.resolve().is_relative_to(spec.project_dir.resolve()):
        # A root that is a link out of the project would bundle whatever it points at.
        raise BundleError(f"{root.as_posix()} is a link out of the project folder")
    prefix = "" if not root.parts else f"{root.as_posix()}/"
    own = [p.removeprefix(prefix) for p in spec.spec_files_in_project if p.startswith(prefix)]
    if not prefix:
        own.extend(generated_files(folder))
    bundle = build_bundle(folder, own)
    if not prefix:
        return bundle
    # The spec folder's .cortexignore (build_bundle read the bundle root's own) applies to
    # paths relative to the spec's folder.
    outer = read_rules(spec.project_dir)
    kept = set(outer.select(prefix + path for path in bundle.files))
    dropped = [path for path in bundle.files if prefix + path not in kept]
    if dropped:
        bundle = build_bundle(folder, [*own, *dropped])
    return prefixed(bundle, root.as_posix())
