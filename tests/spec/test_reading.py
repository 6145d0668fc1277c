"""Reading a spec file: regular files only, never past the size bound, never blocking."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cortex_spec import reading
from cortex_spec.errors import SpecError
from cortex_spec.reading import NotRegularError, TooLargeError, read_bounded, read_spec_text


def _refusal(path: Path) -> str:
    with pytest.raises(SpecError) as caught:
        read_spec_text(path)
    (problem,) = caught.value.problems
    return problem.render()


def test_a_regular_file_reads_whole(tmp_path: Path) -> None:
    """Up to the bound, the file's text comes back unchanged (a BOM included)."""
    spec = tmp_path / "cortex.yaml"
    spec.write_text("\ufeffcluster: {}\n", encoding="utf-8")
    assert read_spec_text(spec) == "\ufeffcluster: {}\n"


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: p.symlink_to("/dev/zero"), "a character device"),
        (os.mkfifo, "a FIFO (named pipe)"),
        (lambda p: p.mkdir(), "a folder"),
    ],
    ids=["dev-zero", "fifo", "folder"],
)
def test_anything_but_a_regular_file_is_refused_without_reading(
    tmp_path: Path, make: Callable[[Path], object], kind: str
) -> None:
    """/dev/zero, a FIFO (whose open would block) and a folder are refused at once, located at
    the file's first line."""
    spec = tmp_path / "cortex.yaml"
    make(spec)
    assert _refusal(spec).startswith(f"{spec}:1:1: the file is {kind}, not a regular file")


def test_a_file_past_the_bound_is_refused_from_its_size(tmp_path: Path) -> None:
    """A sparse 1 GiB file is refused from its size, without reading a byte of it."""
    spec = tmp_path / "cortex.yaml"
    with spec.open("wb") as handle:
        handle.truncate(2**30)
    assert "the file is larger than 8 MiB" in _refusal(spec)


def test_the_bound_holds_when_the_size_lies() -> None:
    """/proc files report a size of 0: the bound is enforced on the bytes read."""
    with pytest.raises(TooLargeError):
        read_bounded("/proc/self/status", 16)
    assert read_bounded("/proc/self/status", 1 << 20).startswith(b"Name:")


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 200_000])
def test_reading_stops_exactly_at_the_bound(tmp_path: Path, size: int) -> None:
    """A file of exactly the bound reads; one byte more does not, at any chunk boundary."""
    path = tmp_path / "f"
    path.write_bytes(b"x" * size)
    assert read_bounded(path, size) == b"x" * size
    if size:
        with pytest.raises(TooLargeError):
            read_bounded(path, size - 1)


def test_a_file_swapped_for_a_fifo_is_refused_on_the_descriptor(tmp_path: Path) -> None:
    """The type is checked again on the open descriptor (the file may change in between)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    descriptor = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(NotRegularError):
            reading.read_descriptor(descriptor, 100)
    finally:
        os.close(descriptor)


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are reported at their line and column."""
    spec = tmp_path / "cortex.yaml"
    spec.write_bytes(b"cluster:\n  name: \xe9t\xe9\n")
    assert _refusal(spec).startswith(f"{spec}:2:9: invalid UTF-8: the byte 0xE9")


def test_a_missing_or_unreachable_file_names_the_path(tmp_path: Path) -> None:
    """No such file, and a path too long for the file system, name the path and the fix."""
    assert "no such file" in _refusal(tmp_path / "missing.yaml")
    assert "the path is too long" in _refusal(tmp_path / ("a" * 300))
