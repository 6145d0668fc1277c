"""The project bundle: a deterministic zip of the folder that holds the spec.

The Pulumi program and `cortex-infra serve` build it (`build_bundle`); the runtime fetches,
verifies and unpacks it (`install`). The format is fixed by docs/runtime-contract.md, so
one folder always gives the same bytes and the same SHA-256, and the S3 key
`apis/<name>/<sha256>.zip` changes exactly when the code does.

Standard library only at import time: the serving image and the spec package import this
module; `pathspec` (building) and `boto3` (fetching from S3) are imported where they are used.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from runtime import contract

if TYPE_CHECKING:
    from pathspec import PathSpec

_UNIX = 3  # ZipInfo.create_system: fixed, so a bundle built on any OS has the same bytes


class BundleError(Exception):
    """The bundle cannot be built, fetched, trusted or unpacked."""


@dataclass(frozen=True)
class Bundle:
    """A built bundle: the zip's bytes, their SHA-256 (hex) and the paths it holds."""

    data: bytes
    sha256: str
    files: tuple[str, ...]


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
    content, _ = _read(os.path.realpath(project_dir), contract.BUNDLE_IGNORE_FILE, _IGNORE_FILE_MAX)
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


def _read(real_root: str, path: str, limit: int | None = None) -> tuple[bytes, int]:
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


def build_bundle(project_dir: Path, exclude: Collection[str] = ()) -> Bundle:
    """Zip `project_dir` in the contract's deterministic format, without the files in
    `exclude` (POSIX paths relative to `project_dir`, e.g. the spec file itself).

    Links inside the folder are stored as their targets' content; links out of it, hard
    links, devices, FIFOs and sockets are refused (`bundle_paths`)."""
    files = bundle_paths(project_dir, exclude)
    real_root = os.path.realpath(project_dir)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in files:
            content, file_mode = _read(real_root, path)
            mode = (
                contract.BUNDLE_EXECUTABLE_MODE if file_mode & 0o111 else contract.BUNDLE_FILE_MODE
            )
            info = zipfile.ZipInfo(path, date_time=contract.BUNDLE_DATE_TIME)
            info.create_system = _UNIX
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compresslevel=contract.BUNDLE_COMPRESS_LEVEL)
    data = buffer.getvalue()
    return Bundle(data=data, sha256=hashlib.sha256(data).hexdigest(), files=files)


def prefixed(bundle: Bundle, prefix: str) -> Bundle:
    """The same files under the folder `prefix` (`apis/sentiment`), in the same format.

    A bundle built from one folder of a project (`build_bundle(project / prefix)`) keeps
    its files at their place in the project, so that paths written relative to the project
    (`predictor.path`, `python_path`) hold inside the pod as they do on disk.
    """
    folder = PurePosixPath(prefix)
    if folder.is_absolute() or ".." in folder.parts or "\\" in prefix:
        raise BundleError(f"cannot place a bundle under {prefix!r}")
    if not folder.parts:
        return bundle
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(bundle.data)) as source,
        zipfile.ZipFile(buffer, "w") as archive,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(f"{folder}/{entry.filename}", date_time=entry.date_time)
            info.create_system = entry.create_system
            info.external_attr = entry.external_attr
            info.compress_type = entry.compress_type
            archive.writestr(info, source.read(entry), compresslevel=contract.BUNDLE_COMPRESS_LEVEL)
    data = buffer.getvalue()
    files = tuple(f"{folder}/{path}" for path in bundle.files)
    return Bundle(data=data, sha256=hashlib.sha256(data).hexdigest(), files=files)


def manifest(data: bytes) -> dict[str, str]:
    """Path → SHA-256 (hex) of each file in a bundle: what a diff compares."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise BundleError(f"the bundle is not a zip file: {error}") from None
    with archive:
        return {
            info.filename: hashlib.sha256(archive.read(info)).hexdigest()
            for info in archive.infolist()
            if not info.is_dir()
        }


def fetch(location: str) -> bytes:
    """The bundle's bytes from `s3://bucket/key`, a local `.zip`, or a local folder."""
    if location.startswith("s3://"):
        return _fetch_s3(location)
    path = Path(location)
    if path.is_dir():
        return build_bundle(path).data
    try:
        return path.read_bytes()
    except OSError as error:
        raise BundleError(f"cannot read the bundle {location}: {error}") from None


def _fetch_s3(location: str) -> bytes:
    import boto3  # noqa: PLC0415 - the spec package imports this module without boto3
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    bucket, _, key = location.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise BundleError(f"{location} is not an s3://bucket/key location")
    try:
        response = boto3.client("s3").get_object(Bucket=bucket, Key=key)
        return response["Body"].read()
    except (BotoCoreError, ClientError) as error:
        raise BundleError(f"cannot download the bundle {location}: {error}") from None


def verify(data: bytes, sha256: str) -> None:
    """Refuse a bundle whose bytes are not the ones the infrastructure published."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256.strip().lower():
        raise BundleError(f"bundle SHA-256 mismatch: expected {sha256}, got {actual}")


def extract(data: bytes, destination: Path) -> list[str]:
    """Unpack into `destination`, restoring the executable bit; returns the paths written."""
    written = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise BundleError(f"the bundle is not a zip file: {error}") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            target = destination.joinpath(*_safe_parts(info.filename))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            mode = (info.external_attr >> 16) & 0o777
            target.chmod(
                contract.BUNDLE_EXECUTABLE_MODE if mode & 0o111 else contract.BUNDLE_FILE_MODE
            )
            written.append(info.filename)
    return written


def _safe_parts(name: str) -> tuple[str, ...]:
    path = PurePosixPath(name)
    if "\\" in name or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BundleError(f"the bundle holds an unsafe path: {name!r}")
    return path.parts


def install(location: str, sha256: str, destination: Path) -> list[str]:
    """Fetch, verify and unpack: what the runtime does before importing the predictor."""
    data = fetch(location)
    verify(data, sha256)
    destination.mkdir(parents=True, exist_ok=True)
    return extract(data, destination)
