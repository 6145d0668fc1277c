"""An API's own dependencies: the requirement files of its bundle, as Cortex read them.

Cortex (v0.20 to v0.35, `bootloader.sh` of its serving image) installed a predictor's
dependencies at every container start, from the project folder, as root, in this order:
`bash -e dependencies.sh`, then `conda install --file conda-packages.txt`, then
`pip --no-cache-dir install -r requirements.txt`. cortex-infra runs the same steps, in the
same order and as root, once, when the stack builds the API's image
(`cortex_spec.api_images`), so every replica starts from the same installed packages.

The files are looked up at the root of the API's bundle (`api_bundles.bundle_root`), and
read from the bundle itself, so `.cortexignore` applies to them as to the code. A
`requirements.txt` may pull in other requirement files of the bundle (`-r`, `-c`); local
paths (`-e .`, `./pkg`) are refused: the image holds the requirement files, not the code
(which comes from the bundle at start), so that a code change never rebuilds the image.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Final

from cortex_spec.errors import Location, Problem, SpecError
from runtime.bundle import Bundle

REQUIREMENTS: Final = "requirements.txt"
SCRIPT: Final = "dependencies.sh"
# Cortex's conda step has no counterpart: the runtime image has no conda.
CONDA_PACKAGES: Final = "conda-packages.txt"

# Prefix patterns, matched whole (`.*` for the rest of the line): fullmatch everywhere in
# cortex_spec, so no check can be a prefix match by accident (tests/spec/test_names.py).
_INCLUDE: Final = re.compile(
    r"(?:-r|--requirement|-c|--constraint)(?:\s+|=)(?P<path>\S+).*", re.DOTALL
)
_EDITABLE: Final = re.compile(r"(?:-e|--editable)(?:\s+|=)(?P<target>\S+).*", re.DOTALL)
# A requirement naming a local file or folder rather than a distribution.
_LOCAL: Final = re.compile(r"(?:\.{1,2}/|/|file:).*", re.DOTALL)
# PEP 508's distribution name at the start of a requirement line.
_NAME: Final = re.compile(r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?).*", re.DOTALL)


def _refuse(api: str, where: str, line: int, message: str, hint: str) -> SpecError:
    """A requirement file the image cannot be built from: bad input, at its file and line."""
    return SpecError([Problem(Location(where, line, 1), f"apis[{api}]", message, hint)])


@dataclass(frozen=True)
class Dependencies:
    """An API's requirement files, by path relative to its bundle root, with their bytes."""

    api: str
    root: str
    files: tuple[tuple[str, bytes], ...]
    # Cortex's conda-packages.txt is there, and nothing can install it (no conda).
    conda_packages: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.files)

    @property
    def has_requirements(self) -> bool:
        return REQUIREMENTS in self.names

    @property
    def has_script(self) -> bool:
        return SCRIPT in self.names

    @property
    def empty(self) -> bool:
        return not self.files

    def text(self, name: str) -> str:
        return dict(self.files)[name].decode("utf-8", errors="replace")

    def where(self, name: str) -> str:
        """The file's path relative to the spec's folder, for messages."""
        return name if self.root in ("", ".") else f"{self.root}/{name}"


def requirement_lines(text: str) -> list[tuple[int, str]]:
    """(line number, requirement) of pip's requirements format: comments, blank lines and
    line continuations resolved."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            out.append((start, line))
    return out


def distribution_names(text: str) -> list[str]:
    """The distributions a requirements file asks for (options and URLs skipped)."""
    names = []
    for _, line in requirement_lines(text):
        if line.startswith("-") or "://" in line or _LOCAL.fullmatch(line):
            continue
        found = _NAME.fullmatch(line)
        if found:
            names.append(found["name"])
    return names


def required_distributions(dependencies: Dependencies) -> list[tuple[str, int, str]]:
    """(file, line, distribution) asked for by requirements.txt and the files it includes
    with `-r` (constraints files only pin, they require nothing)."""
    texts = {name: data.decode("utf-8", "replace") for name, data in dependencies.files}
    out: list[tuple[str, int, str]] = []
    queue, seen = [REQUIREMENTS], set()
    while queue:
        name = queue.pop(0)
        if name in seen or name not in texts:
            continue
        seen.add(name)
        folder = posixpath.dirname(name)
        for number, line in requirement_lines(texts[name]):
            include = _INCLUDE.fullmatch(line)
            if include and line.startswith(("-r", "--requirement")):
                queue.append(posixpath.normpath(posixpath.join(folder, include["path"])))
            out.extend((name, number, found) for found in distribution_names(line))
    return out


def _read(archive: zipfile.ZipFile, path: str) -> bytes | None:
    try:
        return archive.read(path)
    except KeyError:
        return None


def _included(api: str, where: str, name: str, text: str) -> list[str]:
    """Files a requirements file pulls in, relative to the bundle root; local installs refused."""
    folder = posixpath.dirname(name)
    found = []
    for number, line in requirement_lines(text):
        include = _INCLUDE.fullmatch(line)
        if include:
            target = posixpath.normpath(posixpath.join(folder, include["path"]))
            if target == ".." or target.startswith("../") or posixpath.isabs(target):
                raise _refuse(
                    api,
                    where,
                    number,
                    f"{include['path']} is outside the API's bundle",
                    "move the file into the API's folder",
                )
            found.append(target)
            continue
        editable = _EDITABLE.fullmatch(line)
        target = editable["target"] if editable else line
        if (editable and "://" not in target) or _LOCAL.fullmatch(line):
            raise _refuse(
                api,
                where,
                number,
                f"installs the local path {target}: the API's image holds its requirement "
                "files only (its code comes from the bundle)",
                "import the package from the bundle (predictor.python_path), or publish it "
                "and require it by name",
            )
    return found


def read_dependencies(api: str, bundle: Bundle, root: str) -> Dependencies:
    """The requirement files at the bundle root `root` (relative to the spec's folder,
    `.` for the folder itself), with the files they include."""
    prefix = "" if root in ("", ".") else f"{root}/"
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        script = _read(archive, prefix + SCRIPT)
        if script is not None:
            files[SCRIPT] = script
        conda = _read(archive, prefix + CONDA_PACKAGES) is not None
        queue, parent = [REQUIREMENTS], {REQUIREMENTS: REQUIREMENTS}
        while queue:
            name = queue.pop()
            if name in files:
                continue
            data = _read(archive, prefix + name)
            if data is None:
                if name != REQUIREMENTS:
                    raise _refuse(
                        api,
                        prefix + parent[name],
                        1,
                        f"includes {name}, which is not in the API's bundle",
                        "add the file to the API's folder, or check that .cortexignore keeps it",
                    )
                continue
            files[name] = data
            for child in _included(api, prefix + name, name, data.decode("utf-8", "replace")):
                parent.setdefault(child, name)
                queue.append(child)
    return Dependencies(api, root, tuple(sorted(files.items())), conda_packages=conda)
