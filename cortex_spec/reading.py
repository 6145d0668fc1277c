"""Reading a spec file: only regular files, never more than `limits.MAX_SPEC_BYTES`.

`Path.read_text` reads until the end of the file: a spec that is a link to /dev/zero read
until memory ran out, and a FIFO blocked forever. Here the file's type is checked before it
is opened (a FIFO would block `open`), opened without blocking, checked again on the open
descriptor (it may have been swapped in between), and read in chunks that stop one byte
past the bound.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Final

from cortex_spec import limits
from cortex_spec.errors import Location, Problem, SpecError

_CHUNK: Final = 1 << 16
_KINDS: Final = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)", ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def read_spec_text(path: str | Path) -> str:
    """The UTF-8 text of the spec file at `path`; a SpecError naming it otherwise."""
    name = str(path)
    try:
        data = read_bounded(path, limits.MAX_SPEC_BYTES)
    except FileNotFoundError:
        raise _unreadable(
            name, "no such file", "check the path; it is relative to the current directory"
        ) from None
    except NotRegularError as exc:
        raise _unreadable(
            name,
            located=True,
            message=f"{exc.kind}, not a regular file",
            hint="pass the path of the YAML file itself; links are followed, devices and pipes "
            "are not read",
        ) from None
    except TooLargeError:
        raise _unreadable(
            name,
            located=True,
            message=f"larger than {limits.MAX_SPEC_BYTES // 2**20} MiB",
            hint="a spec is a few hundred KB at most; check that this is the right file",
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENAMETOOLONG:
            reason = "the path is too long for the file system"
        raise _unreadable(
            name, f"cannot read the file ({reason})", "make sure it is a readable file"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", "replace")
        loc = Location(name, before.count("\n") + 1, len(before) - before.rfind("\n"))
        raise SpecError(
            [
                Problem(
                    loc,
                    "",
                    f"invalid UTF-8: the byte 0x{data[exc.start]:02X} cannot start or continue "
                    "a character",
                    "save the file as UTF-8 text",
                )
            ]
        ) from None


class NotRegularError(OSError):
    """The path names a folder, FIFO, device or socket."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class TooLargeError(OSError):
    """The file holds more bytes than the bound."""


def read_bounded(path: str | Path, limit: int) -> bytes:
    """At most `limit` bytes of the regular file at `path` (links followed); TooLargeError beyond,
    NotRegularError for anything but a regular file. Never blocks on a FIFO."""
    kind = file_kind(os.stat(path).st_mode)
    if kind is not None:
        raise NotRegularError(kind)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        return read_descriptor(descriptor, limit)
    finally:
        os.close(descriptor)


def read_descriptor(descriptor: int, limit: int) -> bytes:
    """At most `limit` bytes from an open descriptor, which must be a regular file."""
    status = os.fstat(descriptor)
    kind = file_kind(status.st_mode)
    if kind is not None:
        raise NotRegularError(kind)
    if status.st_size > limit:
        raise TooLargeError(f"{status.st_size} bytes")
    chunks: list[bytes] = []
    total = 0
    # st_size can lie (/proc files say 0), so the bound is enforced on what is read.
    while total <= limit:
        chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise TooLargeError(f"more than {limit} bytes")


def _unreadable(name: str, message: str, hint: str, *, located: bool = False) -> SpecError:
    """A file that could not be read: located at its start when it exists."""
    if located:
        return SpecError([Problem(Location(name, 1, 1), "", f"the file is {message}", hint)])
    return SpecError([Problem(None, "", f"{name}: {message}", hint)])
