"""The spec folder as it was at a git revision, materialised in a temporary directory.

`cortex-infra diff --base-ref main HEAD` compares the spec with its own past. The base is
extracted with `git archive` (never by checking out: the working tree stays as it is), the
whole folder of the spec so that predictor files and bundles come along.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from cortex_spec.errors import CortexError


class RevisionError(CortexError):
    """A git revision could not be read: not a repository, or an unknown ref."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise RevisionError("--base-ref needs git, which is not installed or not on PATH") from None


def repository_root(path: Path) -> Path:
    folder = path.resolve().parent if path.resolve().is_file() else path.resolve()
    result = _git(["rev-parse", "--show-toplevel"], folder)
    if result.returncode != 0:
        raise RevisionError(
            f"{path} is not inside a git repository, so --base-ref has nothing to read",
            hint="run it in a clone, or pass the base spec as a file: diff BASE HEAD",
        )
    return Path(result.stdout.decode().strip()).resolve()


def materialise(ref: str, files: list[Path], into: Path) -> list[Path | None]:
    """Extract the folders of `files` at `ref` under `into`; return each file's new path.

    A file the revision does not have comes back as None (the base had no such spec).
    """
    root = repository_root(files[0])
    check = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if check.returncode != 0:
        raise RevisionError(
            f"unknown git revision {ref!r}",
            hint="fetch it first (CI: actions/checkout with fetch-depth: 0) or check the name",
        )
    commit = check.stdout.decode().strip()
    out: list[Path | None] = []
    extracted: set[Path] = set()
    for file in files:
        try:
            relative = file.resolve().relative_to(root)
        except ValueError:
            raise RevisionError(f"{file} is outside the git repository at {root}") from None
        folder = relative.parent
        if folder not in extracted:
            _extract(root, commit, folder, into)
            extracted.add(folder)
        target = into / relative
        out.append(target if target.is_file() else None)
    return out


def _extract(root: Path, commit: str, folder: Path, into: Path) -> None:
    spec = folder.as_posix() if folder.parts else "."
    result = _git(["archive", "--format=tar", commit, "--", spec], root)
    if result.returncode != 0:
        # The folder did not exist at that revision: nothing to extract.
        if b"did not match any files" in result.stderr:
            return
        raise RevisionError(
            f"git archive {commit[:12]} -- {spec} failed: {result.stderr.decode().strip()}"
        )
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        # The "data" filter refuses absolute paths, links out of the tree and devices.
        archive.extractall(into, filter="data")
