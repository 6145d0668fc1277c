"""The project bundle: deterministic bytes, the ignore rules, and the reading side's checks."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from runtime import bundle, contract
from runtime.bundle import BundleError, Rules, build_bundle


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_same_folder_gives_the_same_bytes_whatever_the_mtimes(tmp_path: Path) -> None:
    """Content, not timestamps or creation order, decides the bytes and the SHA-256."""
    first, second = tmp_path / "a", tmp_path / "b"
    write(first, {"predictor.py": "x = 1\n", "lib/util.py": "y = 2\n"})
    write(second, {"lib/util.py": "y = 2\n", "predictor.py": "x = 1\n"})
    os.utime(second / "predictor.py", (1_000_000_000, 1_000_000_000))
    assert build_bundle(first).data == build_bundle(second).data
    (second / "predictor.py").write_text("x = 2\n")
    assert build_bundle(first).sha256 != build_bundle(second).sha256


def test_entries_follow_the_contract_format(tmp_path: Path) -> None:
    """Sorted paths, 1980-01-01, 0644 or 0755, deflated, no directory entries."""
    write(tmp_path, {"b.py": "b", "a/z.sh": "#!/bin/sh\n", "a/b.txt": "t"})
    (tmp_path / "a/z.sh").chmod(0o750)
    built = build_bundle(tmp_path)
    infos = zipfile.ZipFile(io.BytesIO(built.data)).infolist()
    assert [i.filename for i in infos] == ["a/b.txt", "a/z.sh", "b.py"] == list(built.files)
    assert {i.date_time for i in infos} == {contract.BUNDLE_DATE_TIME}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
    assert modes == {"a/b.txt": 0o644, "a/z.sh": 0o755, "b.py": 0o644}


def test_default_excludes_apply_even_against_the_ignore_file(tmp_path: Path) -> None:
    """.git/, .venv/, __pycache__/ and *.pyc never ship, even if .cortexignore says `!`."""
    write(
        tmp_path,
        {
            "predictor.py": "",
            ".git/HEAD": "",
            ".venv/lib/x.py": "",
            "pkg/__pycache__/m.cpython-311.pyc": "",
            "pkg/m.pyc": "",
            "pkg/m.py": "",
            ".cortexignore": "!.venv/\n!*.pyc\n",
        },
    )
    assert build_bundle(tmp_path).files == (".cortexignore", "pkg/m.py", "predictor.py")


def test_cortexignore_uses_gitignore_rules(tmp_path: Path) -> None:
    """Anchored, directory-only, wildcard and negated lines behave as in .gitignore."""
    write(
        tmp_path,
        {
            ".cortexignore": "/data/\n*.log\n!keep.log\nbuild/\n/top.txt\n",
            "predictor.py": "",
            "data/big.bin": "",
            "src/data/small.py": "",
            "a.log": "",
            "keep.log": "",
            "src/build/out.o": "",
            "top.txt": "",
            "src/top.txt": "",
        },
    )
    assert build_bundle(tmp_path).files == (
        ".cortexignore",
        "keep.log",
        "predictor.py",
        "src/data/small.py",
        "src/top.txt",
    )


GIT_CASES = [
    "*.txt\n!b/*.txt\n",
    "a/\n!a/x\n",
    "**/deep\n",
    "a/**/z\n",
    "/b\nx*\n",
    "*\n!*/\n!*.py\n",
    "# comment\n\\#hash\n b\n",
    "/*\n!/foo\n/foo/*\n!/foo/bar\n",
    "deep/*\n!deep/keep\n",
]
GIT_FILES = [
    "a/x",
    "a/y.txt",
    "b/c.txt",
    "b/deep/z",
    "deep/q.py",
    "deep/keep",
    "x1",
    "#hash",
    "a/b/z",
    "r.py",
    "foo/x",
    "foo/bar/y",
]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is the reference")
@pytest.mark.parametrize("ignore", GIT_CASES)
def test_ignore_rules_agree_with_git(tmp_path: Path, ignore: str) -> None:
    """For each tricky pattern set, the bundle keeps exactly the files git would not ignore."""
    write(tmp_path, {name: name for name in GIT_FILES})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(ignore)
    listed = subprocess.run(
        ["git", "-C", str(tmp_path), "ls-files", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    expected = sorted(name for name in listed if name != ".gitignore")
    assert Rules(ignore.splitlines()).select(GIT_FILES) == expected
    (tmp_path / ".cortexignore").write_text(ignore)
    shipped = [f for f in build_bundle(tmp_path).files if f not in (".cortexignore", ".gitignore")]
    assert shipped == expected


def test_a_hash_mismatch_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    """install() verifies the SHA-256 first: a wrong hash raises and writes nothing."""
    write(tmp_path / "src", {"predictor.py": "x = 1\n"})
    built = build_bundle(tmp_path / "src")
    (tmp_path / "b.zip").write_bytes(built.data)
    with pytest.raises(BundleError, match="SHA-256 mismatch"):
        bundle.install(str(tmp_path / "b.zip"), "f" * 64, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert bundle.install(str(tmp_path / "b.zip"), built.sha256, tmp_path / "out") == [
        "predictor.py"
    ]


def test_a_local_folder_is_bundled_then_verified(tmp_path: Path) -> None:
    """A folder as CORTEX_PROJECT_BUNDLE is checked against the hash of its bundle."""
    write(tmp_path / "src", {"run.sh": "#!/bin/sh\n"})
    (tmp_path / "src/run.sh").chmod(0o755)
    sha = build_bundle(tmp_path / "src").sha256
    bundle.install(str(tmp_path / "src"), sha, tmp_path / "out")
    assert os.access(tmp_path / "out/run.sh", os.X_OK)


@pytest.mark.parametrize("name", ["../evil.py", "/abs.py", "a/../../b.py", "a\\b.py"])
def test_unsafe_entry_names_are_refused(tmp_path: Path, name: str) -> None:
    """A zip entry that would land outside the project folder stops the unpacking."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    with pytest.raises(BundleError, match="unsafe path"):
        bundle.extract(buffer.getvalue(), tmp_path / "out")


def test_a_missing_folder_or_file_is_a_bundle_error(tmp_path: Path) -> None:
    """Building from a missing folder or fetching a missing file raises BundleError."""
    with pytest.raises(BundleError, match="not a folder"):
        build_bundle(tmp_path / "nope")
    with pytest.raises(BundleError, match="cannot read the bundle"):
        bundle.fetch(str(tmp_path / "nope.zip"))
    with pytest.raises(BundleError, match="not a zip"):
        bundle.extract(b"plain bytes", tmp_path / "out")
