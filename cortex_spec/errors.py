"""Errors raised by cortex-infra, and the located problems they carry.

The tree::

    CortexError                 root: the CLI catches this, prints it, exits non-zero
    ├── SpecError               the user fixes it in YAML: one Problem per mistake,
    │                           each with file:line:col, the field path and the fix
    ├── ProvisionError          a cloud call failed (AWS API error, missing credentials,
    │                           throttling that outlasted the retries)
    └── StateError              deployed Pulumi state could not be read or understood

Anything else that escapes is a bug; the CLI reports it without a traceback
unless ``CORTEX_DEBUG=1`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A 1-based position in a source file."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One mistake (or, as a warning, one questionable setting) in a spec."""

    location: Location | None
    path: str
    message: str
    hint: str | None = None
    excerpt: str | None = None
    detail: str | None = None

    def headline(self) -> str:
        """`file:line:col: path: message`, the line a reviewer greps for."""
        where = f"{self.location}: " if self.location else ""
        field = f"{self.path}: " if self.path else ""
        return f"{where}{field}{self.message}"

    def render(self) -> str:
        lines = [self.headline()]
        if self.excerpt is not None and self.location is not None:
            number = str(self.location.line)
            pad = " " * len(number)
            text, col = _window(self.excerpt, self.location.col)
            lines.append(f"  {number} | {text}")
            lines.append(f"  {pad} | {' ' * (col - 1)}^")
        if self.detail:
            lines.extend(f"  {row}" for row in self.detail.splitlines())
        if self.hint:
            lines.append(f"  fix: {self.hint}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.location.file if self.location else None,
            "line": self.location.line if self.location else None,
            "col": self.location.col if self.location else None,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
            "detail": self.detail,
        }


_EXCERPT_WIDTH = 160


def _window(line: str, col: int) -> tuple[str, int]:
    """At most about `_EXCERPT_WIDTH` characters of `line` around `col`, and the column of
    `col` in them: a one-line 8 MB document must not be printed whole to point at one spot."""
    if len(line) <= _EXCERPT_WIDTH:
        return line, col
    start = max(0, min(col - 1 - _EXCERPT_WIDTH // 2, len(line) - _EXCERPT_WIDTH))
    text = line[start : start + _EXCERPT_WIDTH]
    prefix = "..." if start else ""
    suffix = "..." if start + _EXCERPT_WIDTH < len(line) else ""
    return prefix + text + suffix, col - start + len(prefix)


def in_file_order(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Problems sorted by file, line and column; unlocated ones last."""
    return tuple(
        sorted(
            problems,
            key=lambda p: (p.location is None, p.location or Location("", 0, 0), p.path),
        )
    )


class CortexError(Exception):
    """Root of every error cortex-infra reports to a user: what went wrong, and the fix."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message)

    def render(self) -> str:
        return self.message if self.hint is None else f"{self.message}\n  fix: {self.hint}"


class SpecError(CortexError):
    """The spec is wrong; every problem found is listed, in file order."""

    def __init__(self, problems: Iterable[Problem], *, truncated: bool = False) -> None:
        self.problems: tuple[Problem, ...] = in_file_order(problems)
        # More problems exist than are listed: checking stopped at a bound.
        self.truncated = truncated
        super().__init__(self.render())

    def render(self) -> str:
        text = "\n".join(problem.render() for problem in self.problems)
        if self.truncated:
            text += (
                f"\nchecking stopped after these {len(self.problems)} problems; "
                "fix them and run again to see the rest"
            )
        return text


class ProvisionError(CortexError):
    """A cloud call failed in a way the user must act on."""

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        self.code = code
        super().__init__(message, hint=hint)

    def render(self) -> str:
        text = self.message if self.code is None else f"{self.message} ({self.code})"
        return text if self.hint is None else f"{text}\n  fix: {self.hint}"


class StateError(CortexError):
    """Deployed state (a Pulumi checkpoint) is missing or unreadable."""
