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
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from runtime import contract
from runtime.bundle_files import BundleError, Rules, bundle_paths, read_file, read_rules

__all__ = [
    "Bundle",
    "BundleError",
    "Rules",
    "build_bundle",
    "bundle_paths",
    "extract",
    "fetch",
    "install",
    "manifest",
    "prefixed",
    "read_rules",
    "verify",
]

_UNIX = 3  # ZipInfo.create_system: fixed, so a bundle built on any OS has the same bytes


@dataclass(frozen=True)
class Bundle:
    """A built bundle: the zip's bytes, their SHA-256 (hex) and the paths it holds."""

    data: bytes
    sha256: str
    files: tuple[str, ...]


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
            content, file_mode = read_file(real_root, path)
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
