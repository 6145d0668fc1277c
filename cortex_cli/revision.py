"""Files as they were at a git revision, materialised in a temporary directory.

`cortex-infra diff --base-ref main cortex.yaml` compares the spec with its own past. The
base is extracted with `git archive` (never by checking out: the working tree stays as it
is) under a scratch folder that mirrors the repository: the spec's whole folder (predictor
files and bundles come along), and single files such as `Pulumi.yaml` and the stack file.
Whatever the base side reports names its files `path@ref` (`cortex.yaml@main`), never the
scratch folder.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import replace
from pathlib import Path

from cortex_spec.errors import CortexError, Location, Problem, SpecError


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


class Revision:
    """One git revision of the repository holding `anchor`, extracted under `scratch`."""

    def __init__(self, ref: str, anchor: Path, scratch: Path) -> None:
        self.ref = ref
        self.root = repository_root(anchor)
        self.scratch = scratch.resolve()
        check = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], self.root)
        if check.returncode != 0:
            raise RevisionError(
                f"unknown git revision {ref!r}",
                hint="fetch it first (CI: actions/checkout with fetch-depth: 0) or check the name",
            )
        self.commit = check.stdout.decode().strip()
        self._extracted: set[str] = set()

    def _relative(self, path: Path) -> Path:
        try:
            return path.resolve().relative_to(self.root)
        except ValueError:
            raise RevisionError(f"{path} is outside the git repository at {self.root}") from None

    def folder_of(self, file: Path) -> Path | None:
        """Extract the folder holding `file`; the file's base path, None if it did not exist."""
        relative = self._relative(file)
        self._extract(relative.parent.as_posix() if relative.parent.parts else ".")
        target = self.scratch / relative
        return target if target.is_file() else None

    def file(self, file: Path) -> Path | None:
        """Extract `file` alone; its base path, None if it did not exist at the revision."""
        relative = self._relative(file)
        self._extract(relative.as_posix())
        target = self.scratch / relative
        return target if target.is_file() else None

    def name(self, file: Path) -> str:
        """`file` as the repository names it (relative to its root, forward slashes)."""
        return self._relative(file).as_posix()

    def base_path(self, file: Path) -> Path:
        """Where `file` of the working tree sits in the extracted revision."""
        return self.scratch / self._relative(file)

    def label(self, path: Path | str) -> str:
        """`cortex.yaml@main` for a path of the scratch folder (or relative to it, as the
        program sees it from a project folder inside it); other paths unchanged."""
        text = str(path)
        candidate = Path(text)
        if not candidate.is_absolute():
            return text
        try:
            relative = candidate.resolve().relative_to(self.scratch)
        except ValueError:
            return text
        return f"{relative.as_posix()}@{self.ref}"

    def relabel(self, error: SpecError, workdir: Path | None = None) -> SpecError:
        """The same problems, their files named `path@ref`."""
        return SpecError(
            (self.relabel_problem(p, workdir) for p in error.problems), truncated=error.truncated
        )

    def relabel_problem(self, problem: Problem, workdir: Path | None = None) -> Problem:
        if problem.location is None:
            return problem
        file = Path(problem.location.file)
        if not file.is_absolute() and workdir is not None:
            file = workdir / file
        location = Location(self.label(file), problem.location.line, problem.location.col)
        return replace(problem, location=location)

    def _extract(self, spec: str) -> None:
        if spec in self._extracted:
            return
        self._extracted.add(spec)
        result = _git(["archive", "--format=tar", self.commit, "--", spec], self.root)
        if result.returncode != 0:
            # The path did not exist at that revision: nothing to extract.
            if b"did not match any files" in result.stderr:
                return
            raise RevisionError(
                f"git archive {self.commit[:12]} -- {spec} failed: {result.stderr.decode().strip()}"
            )
        with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
            # The "data" filter refuses absolute paths, links out of the tree and devices.
            try:
                archive.extractall(self.scratch, filter="data")
            except tarfile.FilterError as error:
                raise RevisionError(
                    f"{error.tarinfo.name} at {self.commit[:12]} leads out of the spec's folder "
                    f"({error}); it is not extracted",
                    hint="remove it from the repository: bundles never follow links out of "
                    "the project folder",
                ) from None
