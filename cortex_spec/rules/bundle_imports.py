"""A predictor that imports a module of the project its bundle does not hold.

Cortex uploaded the spec's whole folder for every API; cortex-infra bundles each API's own
folder (`cortex_spec.api_bundles`). A Cortex project whose `apis/a/predictor.py` imports
`lib` from the spec's folder loads unchanged but would fail in the pod, so validation warns,
at `predictor.path`, naming the module and the fix. Only absolute imports that resolve to a
file or package of the spec's folder are checked: the standard library (which wins over a
project folder of the same name) and installed packages are not the project's, and
relative imports stay inside the predictor's package.
"""

from __future__ import annotations

import ast
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from cortex_spec import limits
from cortex_spec.api_bundles import bundle_root, contains
from cortex_spec.diagnostics import Finding
from cortex_spec.models.predictor import Predictor
from cortex_spec.project_files import missing_in_project
from cortex_spec.reading import read_bounded
from cortex_spec.source import Path as FieldPath

# Content digest -> imports, bounded (a digest and a few names per entry).
_PARSED: dict[bytes, tuple[str, ...]] = {}
_PARSED_MAX = 1024


def _imported(source: str) -> tuple[str, ...]:
    """The absolute imports of a source, in order. Remembered by the content's digest (the
    source itself is not kept): APIs that share a predictor file, one class with several
    configs, parse it once."""
    digest = hashlib.sha256(source.encode()).digest()
    known = _PARSED.get(digest)
    if known is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        known = _PARSED[digest] = _imports_of(source)
    return known


def _imports_of(source: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # The runtime reports a predictor that does not parse; one nested past Python's
        # limits (x = 1+1+...+1, a hundred thousand times) is not checked either.
        return ()
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return tuple(dict.fromkeys(names))


def _module_path(folder: Path, name: str) -> PurePosixPath | None:
    """What `import name` loads from `folder` on sys.path: a module file, or the deepest
    package folder of the dotted name; None when `folder` has no such module."""
    parts = name.split(".")
    found: PurePosixPath | None = None
    current = folder
    for index, part in enumerate(parts):
        if (current / f"{part}.py").is_file():
            return PurePosixPath(*parts[:index], f"{part}.py")
        if not (current / part).is_dir():
            break
        current = current / part
        found = PurePosixPath(*parts[: index + 1])
    return found


def check_imports(predictor: Predictor, where: FieldPath, project_dir: Path) -> Iterator[Finding]:
    root = bundle_root(predictor)
    if missing_in_project(project_dir, predictor.path, folder=False) is not None:
        return  # reported by the file rules; never read a link out, a FIFO or a device
    try:
        data = read_bounded(project_dir / predictor.path, limits.MAX_SOURCE_BYTES)
        source = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return
    # The runtime's sys.path: the project's folder, then python_path.
    search = [project_dir]
    if predictor.python_path is not None:
        search.append(project_dir / predictor.python_path)
    for name in _imported(source):
        if name.split(".")[0] in sys.stdlib_module_names:
            continue  # the standard library wins over a project folder of the same name
        found = [(folder, _module_path(folder, name)) for folder in search]
        located = [(folder, path) for folder, path in found if path is not None]
        if not located:
            continue
        folder, path = located[0]
        relative = PurePosixPath((folder / path).relative_to(project_dir).as_posix())
        if contains(root, relative):
            continue
        shown = "the spec's folder" if not root.parts else f"{root.as_posix()}/"
        yield Finding(
            (*where, "path"),
            f"{predictor.path} imports {name} ({relative}), which is outside its bundle "
            f"({shown}): the pod would not find it",
            f"set predictor.bundle_root to a folder holding both (bundle_root: . bundles the "
            f"spec's whole folder, as Cortex did), or move {relative} into {shown}",
            severity="warning",
        )
