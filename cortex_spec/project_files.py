"""Files a spec names inside its project folder (`predictor.path`, `predictor.python_path`),
and the project folder as a bundle.

A path is first checked as text (relative, `/`-separated, no control characters, components
within Linux's NAME_MAX and the whole within PATH_MAX; in the models, so the error points at
the field), then in the rules: it may not leave the spec's folder as written
(`api_bundles.escapes`), and on disk it must exist and resolve, after every link, inside the
project folder.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from cortex_spec import limits
from cortex_spec.models.base import fail, shown
from cortex_spec.reading import file_kind
from runtime.bundle import BundleError, bundle_paths


def check_relative(value: str, what: str) -> str:
    """`value` as a relative path the file system can hold: no control characters, `/`
    separators, no name longer than NAME_MAX and no path longer than PATH_MAX. Whether it
    stays in the spec's folder is checked on the text (`api_bundles.escapes`, in the rules)
    and after its links are resolved (`missing_in_project`)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        fail(f'"{shown(value)}" holds a control character', f"write {what} as plain text")
    if "\\" in value:
        fail(f'"{shown(value)}" uses \\ as a separator', f"write {what} with / between folders")
    path = PurePosixPath(value)
    if path.is_absolute():
        fail(
            f'"{shown(value)}" is an absolute path',
            f"{what} is relative to the folder of the spec file, e.g. src/predictor.py",
        )
    if len(value.encode("utf-8")) > limits.MAX_PATH_BYTES:
        fail(
            f"the path is longer than {limits.MAX_PATH_BYTES} bytes",
            "shorten it (Linux's PATH_MAX)",
        )
    for part in path.parts:
        if len(part.encode("utf-8")) > limits.MAX_NAME_BYTES:
            fail(
                f'the name "{shown(part)}" is longer than {limits.MAX_NAME_BYTES} bytes',
                "shorten it: no Linux file system stores longer names (NAME_MAX)",
            )
    return value


def missing_in_project(project_dir: Path, relative: str, *, folder: bool) -> str | None:
    """Why `relative` is not a file (or folder) inside `project_dir`, e.g. "does not exist";
    None when it is one."""
    root = project_dir if project_dir.is_absolute() else project_dir.resolve()
    try:
        real = (root / relative).resolve()
        if not real.is_relative_to(root):
            return "is a link out of the project folder"
        mode = real.stat().st_mode
    except RuntimeError:  # Python < 3.13 reports a loop of links this way
        return "cannot be read (a loop of links)"
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        loop = exc.errno == errno.ELOOP
        return f"cannot be read ({'a loop of links' if loop else exc.strerror or exc})"
    if folder:
        return None if stat.S_ISDIR(mode) else "is not a folder"
    kind = file_kind(mode)
    return None if kind is None else f"is {kind}, not a regular file"


def bundle_problem(project_dir: Path, exclude: tuple[str, ...]) -> tuple[str | None, set[str]]:
    """Why `project_dir` cannot be bundled (None when it can), and the files it would ship."""
    try:
        return None, set(bundle_paths(project_dir, exclude))
    except BundleError as error:
        return str(error), set()
    except OSError as error:
        return f"cannot read {error.filename}: {os.strerror(error.errno or 0)}", set()
