"""A bundle built from one folder of a project, placed at that folder (`prefixed`), and the
per-file hashes a diff compares (`manifest`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from runtime.bundle import BundleError, build_bundle, extract, manifest, prefixed


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_placed_bundle_is_byte_identical_to_building_the_folder_in_place(
    tmp_path: Path,
) -> None:
    """prefixed(build(project/apis/a), "apis/a") == build(a project holding only apis/a):
    same entries, dates, modes and compression, so the same SHA-256."""
    files = {"predictor.py": "x = 1\n", "lib/util.py": "y = 2\n", "run.sh": "#!/bin/sh\n"}
    _write(tmp_path / "alone" / "apis" / "a", files)
    _write(tmp_path / "sub", files)
    (tmp_path / "alone" / "apis" / "a" / "run.sh").chmod(0o755)
    (tmp_path / "sub" / "run.sh").chmod(0o755)
    placed = prefixed(build_bundle(tmp_path / "sub"), "apis/a")
    whole = build_bundle(tmp_path / "alone")
    assert (
        placed.files
        == whole.files
        == ("apis/a/lib/util.py", "apis/a/predictor.py", "apis/a/run.sh")
    )
    assert placed.data == whole.data
    assert placed.sha256 == whole.sha256
    assert prefixed(whole, ".") is whole
    assert extract(placed.data, tmp_path / "out") == list(placed.files)


@pytest.mark.parametrize("prefix", ["../up", "/abs", "a\\b"])
def test_a_bundle_is_never_placed_outside_the_project(prefix: str, tmp_path: Path) -> None:
    """Absolute, parent or backslashed folders are refused."""
    _write(tmp_path, {"predictor.py": "x"})
    with pytest.raises(BundleError):
        prefixed(build_bundle(tmp_path), prefix)


def test_manifest_lists_each_files_hash(tmp_path: Path) -> None:
    """Path → SHA-256 of the file's bytes; not a zip is a BundleError."""
    _write(tmp_path, {"predictor.py": "x = 1\n", "lib/util.py": "y"})
    found = manifest(build_bundle(tmp_path).data)
    assert found == {
        "lib/util.py": hashlib.sha256(b"y").hexdigest(),
        "predictor.py": hashlib.sha256(b"x = 1\n").hexdigest(),
    }
    with pytest.raises(BundleError):
        manifest(b"not a zip")
