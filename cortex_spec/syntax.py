"""YAML syntax errors as located problems, each with a fix a user can act on.

PyYAML reports a problem mark (where it gave up) and often a context mark (where the
construct it was reading began); both are shown, clamped to lines that exist.
"""

from __future__ import annotations

import yaml

from cortex_spec.errors import Location, Problem

_GENERIC_HINT = "check the indentation and quoting on this line and the one above it"
_FLOW = {"while parsing a flow sequence": "list", "while parsing a flow mapping": "mapping"}


class Refused(yaml.MarkedYAMLError):
    """A document PyYAML accepts but a spec may not contain, with its own fix."""

    def __init__(self, mark: yaml.Mark, problem: str, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


def describe_scalar(value: object) -> str:
    """How a non-text key reads in a message: `integer 1`, `boolean true`, `null`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    kind = "integer" if isinstance(value, int) else "number"
    return f"{kind} {value}"


def syntax_problem(exc: yaml.MarkedYAMLError, name: str, lines: tuple[str, ...]) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    loc = _clamp(name, lines, mark.line + 1, mark.column + 1) if mark else Location(name, 1, 1)
    excerpt = lines[loc.line - 1] if 1 <= loc.line <= len(lines) else None
    problem = exc.problem or exc.context or "invalid YAML"
    if isinstance(exc, Refused):
        return Problem(loc, "", f"invalid YAML: {problem}", exc.hint, excerpt)
    if exc.context == "expected a single document in the stream":
        return Problem(
            loc,
            "",
            "invalid YAML: a spec is one YAML document, but a second one starts here",
            "remove this `---` and what follows it, or merge the two documents",
            excerpt,
        )
    context = exc.context_mark
    opened = _FLOW.get(exc.context or "")
    if opened and context is not None and "did not find expected" in problem:
        # Where the bracket was opened is where the fix goes, not where PyYAML gave up.
        where = Location(name, context.line + 1, context.column + 1)
        closer = "]" if opened == "list" else "}"
        return Problem(
            where,
            "",
            f"invalid YAML: this {opened} is never closed with {closer}",
            f"add the closing {closer}, or quote a value that contains one of , [ ] {{ }}",
            lines[where.line - 1] if where.line <= len(lines) else None,
        )
    # A tab is its own explanation; PyYAML's context for it only distracts.
    elsewhere = context is not None and mark is not None and context.line != mark.line
    elsewhere = elsewhere and "tab" not in problem
    if exc.context and exc.problem and context is not None and (elsewhere or mark is None):
        problem += f" ({exc.context} at line {context.line + 1}, column {context.column + 1})"
    return Problem(loc, "", f"invalid YAML: {problem}", _hint(problem, excerpt), excerpt)


def _clamp(name: str, lines: tuple[str, ...], line: int, col: int) -> Location:
    """PyYAML marks the end of the stream one line past the text; point at the last line."""
    if line > len(lines) and lines:
        return Location(name, len(lines), len(lines[-1]) + 1)
    return Location(name, line, col)


def _hint(problem: str, excerpt: str | None) -> str:
    if "tab" in problem or (excerpt is not None and "\t" in excerpt and "token" in problem):
        return "indent with spaces: YAML does not allow tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ', or indent this line like its siblings"
    if "expected ',' or ']'" in problem:
        return "close the list with ] (or quote a value that contains one of , [ ] { })"
    if "expected ',' or '}'" in problem:
        return "close the mapping with } (or quote a value that contains one of , [ ] { })"
    if "undefined alias" in problem:
        return "define the anchor (&name) before using the alias (*name)"
    if "could not determine a constructor" in problem:
        return "remove the tag (!!...): a spec holds plain YAML values"
    if "end of stream" in problem:
        return "close the quote that starts this value"
    return _GENERIC_HINT
