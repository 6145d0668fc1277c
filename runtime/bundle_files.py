"""The files a bundle holds: the ignore rules, and a walk that never leaves the folder.

A link to a file inside the folder ships its target's content; a link to a folder inside
it is not followed; a link resolving outside the folder (absolute, `..`, /proc/self/environ,
a credentials file) or into an excluded path, a hard link, a device, FIFO or socket is a
`BundleError` naming it. Files are opened without following a final link and without
blocking, and checked again on the open descriptor. `runtime.bundle` zips what this walk
lists; `validate` runs the same walk (`bundle_paths`) without reading anything.

Standard library only at import time, like `runtime.bundle`; `pathspec` is imported where
the rules are built.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from runtime import contract

if TYPE_CHECKING:
    from pathspec import PathSpec


class BundleError(Exception):
    """The bundle cannot be built, fetched, trusted or unpacked."""


class Rules:
    """Which paths a bundle leaves out: `.cortexignore` (gitignore syntax), then the defaults.

    The defaults are checked separately so that no `!` line can bring `.git/` or `.venv/` back.
    Files use pathspec's `GitIgnoreSpec` (git's precedence between a file's own match and
    its folder's); folders use the plain last-match-wins reading, which is git's for a
    folder itself (`*` then `!*/` keeps every folder).
    """

    def __init__(self, ignore_lines: Sequence[str]) -> None:
        from pathspec import GitIgnoreSpec, PathSpec  # noqa: PLC0415 - not in the image

        self._files: PathSpec[Any] = GitIgnoreSpec.from_lines(ignore_lines)
        self._folders: PathSpec[Any] = PathSpec.from_lines("gitignore", ignore_lines)
        self._default: PathSpec[Any] = GitIgnoreSpec.from_lines(contract.BUNDLE_DEFAULT_EXCLUDES)

    def excluded(self, path: str, *, is_dir: bool) -> bool:
        """Whether `path` (relative, forward slashes) is left out by itself."""
        if is_dir:
            probe = f"{path}/"
            return self._default.match_file(probe) or self._folders.match_file(probe)
        return self._default.match_file(path) or self._files.match_file(path)

    def select(self, files: Iterable[str]) -> list[str]:
        """The files kept, sorted: as in git, nothing under an excluded folder comes back."""
        folders: dict[str, bool] = {}

        def folder_excluded(folder: str) -> bool:
            if folder not in folders:
                parent = folder.rpartition("/")[0]
                folders[folder] = (bool(parent) and folder_excluded(parent)) or self.excluded(
                    folder, is_dir=True
                )
            return folders[folder]

        kept = set()
        for path in files:
            parent = path.rpartition("/")[0]
            if not (parent and folder_excluded(parent)) and not self.excluded(path, is_dir=False):
                kept.add(path)
        return sorted(kept)


# `.cortexignore` is a few lines; reading stops here, so a huge or endless one cannot
# exhaust memory.
_IGNORE_FILE_MAX: Final = 1 << 20


def read_rules(project_dir: Path) -> Rules:
    ignore = Path(project_dir) / contract.BUNDLE_IGNORE_FILE
    if not os.path.lexists(ignore):
        return Rules([])
    content, _ = read_file(
        os.path.realpath(project_dir), contract.BUNDLE_IGNORE_FILE, _IGNORE_FILE_MAX
    )
    try:
        return Rules(content.decode("utf-8").splitlines())
    except UnicodeDecodeError as error:
        raise BundleError(f"cannot read {ignore}: {error}") from None


def _inside(real_root: str, real: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip("/") + "/")


def _check(real_root: str, rules: Rules, folder: str, name: str, path: str) -> bool:
    """Whether `path` (`folder/name`) is a file to bundle: True for a regular file, or a link
    to one inside the project; False for a dangling link or a link to a folder inside it
    (folder links are not followed). A BundleError names anything else."""
    full = os.path.join(folder, name)
    status = os.lstat(full)
    if stat.S_ISLNK(status.st_mode):
        real = os.path.realpath(full)
        hint = f"copy the file in, or list the link in {contract.BUNDLE_IGNORE_FILE}"
        if not _inside(real_root, real):
            raise BundleError(
                f"{path} is a link to {os.readlink(full)}, outside the project folder; "
                f"bundles never follow links out of it ({hint})"
            )
        target = os.path.relpath(real, real_root)
        if target != "." and not rules.select([Path(target).as_posix()]):
            raise BundleError(f"{path} is a link to {target}, which the bundle leaves out ({hint})")
        try:
            status = os.stat(real)
        except FileNotFoundError:
            return False  # dangling: there is nothing to ship
        if stat.S_ISDIR(status.st_mode):
            return False
    if stat.S_ISREG(status.st_mode) and status.st_nlink == 1:
        return True
    what = (
        "a hard link (its content may live anywhere)"
        if stat.S_ISREG(status.st_mode)
        else ("not a regular file (a device, FIFO or socket)")
    )
    raise BundleError(
        f"{path} is {what}; bundles hold regular files only (copy it, or list it in "
        f"{contract.BUNDLE_IGNORE_FILE})"
    )


def _raise(error: OSError) -> None:
    raise BundleError(f"cannot read {error.filename}: {error.strerror}")


def _walk(root: Path, rules: Rules) -> Iterator[str]:
    """Every file to bundle, checked by `_check`. Pruning excluded folders keeps `.venv/` and
    `.git/` from being listed at all, and nothing excluded is looked at."""
    real_root = os.path.realpath(root)
    for folder, dirs, names in os.walk(root, onerror=_raise):
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else f"{base}/"
        kept = []
        for name in dirs:
            if not rules.excluded(prefix + name, is_dir=True):
                # os.walk lists links to folders here; they are checked, never descended.
                if not os.path.islink(os.path.join(folder, name)):
                    kept.append(name)
                elif not _inside(real_root, os.path.realpath(os.path.join(folder, name))):
                    _check(real_root, rules, folder, name, prefix + name)
        dirs[:] = kept
        for name in names:
            path = prefix + name
            if not rules.excluded(path, is_dir=False) and _check(
                real_root, rules, folder, name, path
            ):
                yield path


def bundle_paths(project_dir: Path, exclude: Collection[str] = ()) -> tuple[str, ...]:
    """The files a bundle of `project_dir` holds, sorted, without reading them: what
    `validate` checks. BundleError for a link out of the folder, a hard link, a device,
    FIFO or socket, or an unreadable folder, naming it."""
    root = Path(project_dir)
    if not root.is_dir():
        raise BundleError(f"{root} is not a folder")
    left_out = frozenset(exclude)
    try:
        return tuple(sorted(p for p in _walk(root, read_rules(root)) if p not in left_out))
    except OSError as error:
        raise BundleError(f"cannot read {error.filename}: {error.strerror}") from None


def read_file(real_root: str, path: str, limit: int | None = None) -> tuple[bytes, int]:
    """The content of `path` (relative to the project), checked again on the open file: a
    regular file with one link, inside the project, not swapped for a link since the walk."""
    real = os.path.realpath(os.path.join(real_root, path))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        if not _inside(real_root, real):
            raise BundleError(f"{path} is a link out of the project folder")
        descriptor = os.open(real, flags)
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or status.st_nlink != 1:
                raise BundleError(f"{path} is not a regular file with a single link")
            content = handle.read() if limit is None else handle.read(limit + 1)
    except OSError as error:
        raise BundleError(f"cannot read {path}: {error.strerror or error}") from None
    if limit is not None and len(content) > limit:
        raise BundleError(f"{path} is larger than {limit} bytes")
    return content, status.st_mode
