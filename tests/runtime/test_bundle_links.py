"""Bundles and links: nothing outside the project folder is ever read, with real links,
hard links and FIFOs in a temporary folder."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from runtime.bundle import BundleError, build_bundle, bundle_paths


def project(tmp_path: Path) -> Path:
    """`tmp_path/project` with a predictor, beside a secret outside it."""
    root = tmp_path / "project"
    (root / "lib").mkdir(parents=True)
    (root / "predictor.py").write_text("x = 1\n")
    (root / "lib" / "util.py").write_text("y = 2\n")
    (tmp_path / "credentials").write_text("aws_secret_access_key = hunter2\n")
    return root


def contents(root: Path) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(build_bundle(root).data))
    return {name: archive.read(name) for name in archive.namelist()}


def refusal(root: Path) -> str:
    with pytest.raises(BundleError) as caught:
        build_bundle(root)
    with pytest.raises(BundleError) as listed:
        bundle_paths(root)
    assert str(listed.value) == str(caught.value)
    assert "hunter2" not in str(caught.value)
    return str(caught.value)


def test_a_link_to_a_file_inside_ships_the_files_content(tmp_path: Path) -> None:
    """A link resolving inside the project is stored as a regular file with its target's bytes."""
    root = project(tmp_path)
    (root / "model.py").symlink_to("lib/util.py")
    shipped = contents(root)
    assert shipped["model.py"] == b"y = 2\n" == shipped["lib/util.py"]


@pytest.mark.parametrize(
    "target",
    ["../../credentials", "{tmp}/credentials", "/proc/self/environ", "/etc/passwd", "/"],
    ids=["dotdot", "absolute", "proc-environ", "etc-passwd", "root-folder"],
)
def test_a_link_out_of_the_project_is_an_error_naming_it(tmp_path: Path, target: str) -> None:
    """A link resolving outside the folder (relative, absolute, /proc) refuses the bundle."""
    root = project(tmp_path)
    (root / "lib" / "creds").symlink_to(target.format(tmp=tmp_path))
    message = refusal(root)
    assert message.startswith("lib/creds is a link to ")
    assert "outside the project folder" in message


def test_a_link_through_an_inside_link_that_leaves_is_refused(tmp_path: Path) -> None:
    """Resolution follows every hop: inside -> inside -> outside is still outside."""
    root = project(tmp_path)
    (root / "hop").symlink_to("../credentials")
    (root / "lib" / "entry").symlink_to("../hop")
    assert "outside the project folder" in refusal(root)


def test_folder_links_inside_are_not_followed(tmp_path: Path) -> None:
    """A link to a folder inside the project is not descended (files are not duplicated)."""
    root = project(tmp_path)
    (root / "again").symlink_to("lib", target_is_directory=True)
    assert sorted(contents(root)) == ["lib/util.py", "predictor.py"]


def test_a_dangling_link_inside_is_skipped(tmp_path: Path) -> None:
    """A link to nothing inside the project ships nothing (an editor's lock file, say)."""
    root = project(tmp_path)
    (root / ".#predictor.py").symlink_to("user@host.1234:1700000000")
    assert sorted(contents(root)) == ["lib/util.py", "predictor.py"]


def test_a_link_into_an_excluded_folder_is_refused(tmp_path: Path) -> None:
    """A link may not ship what the ignore rules leave out (.git/config holds remote URLs)."""
    root = project(tmp_path)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("url = https://token@example.com/repo\n")
    (root / "config").symlink_to(".git/config")
    assert "which the bundle leaves out" in refusal(root)


def test_an_ignored_link_is_never_looked_at(tmp_path: Path) -> None:
    """Listing a link in .cortexignore is the way to keep one in the folder."""
    root = project(tmp_path)
    (root / "creds").symlink_to(tmp_path / "credentials")
    (root / ".cortexignore").write_text("creds\n")
    assert sorted(contents(root)) == [".cortexignore", "lib/util.py", "predictor.py"]


def test_hard_links_are_refused(tmp_path: Path) -> None:
    """A second name for a file may be a credentials file's: hard links are refused."""
    root = project(tmp_path)
    os.link(tmp_path / "credentials", root / "lib" / "creds")
    assert refusal(root).startswith("lib/creds is a hard link")


def test_fifos_are_refused_without_blocking(tmp_path: Path) -> None:
    """A FIFO is refused at once (reading one would block the command forever)."""
    root = project(tmp_path)
    os.mkfifo(root / "pipe")
    assert refusal(root).startswith("pipe is not a regular file")


@pytest.mark.parametrize("kind", ["link-out", "fifo", "dev-zero"])
def test_the_ignore_file_is_read_safely(tmp_path: Path, kind: str) -> None:
    """.cortexignore itself is never a link out, a FIFO or an endless device."""
    root = project(tmp_path)
    ignore = root / ".cortexignore"
    if kind == "link-out":
        ignore.symlink_to(tmp_path / "credentials")
    elif kind == "fifo":
        os.mkfifo(ignore)
    else:
        ignore.symlink_to("/dev/zero")
    with pytest.raises(BundleError, match=r"\.cortexignore"):
        build_bundle(root)


def test_listing_and_building_agree(tmp_path: Path) -> None:
    """bundle_paths (what validate checks) is exactly what build_bundle ships."""
    root = project(tmp_path)
    (root / "model.py").symlink_to("lib/util.py")
    assert bundle_paths(root, ["predictor.py"]) == build_bundle(root, ["predictor.py"]).files
