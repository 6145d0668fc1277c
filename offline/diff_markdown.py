"""The diff as a GitHub pull-request comment: under a size limit, long sections collapsed.

GitHub refuses comments over 65,536 characters; pulumi/actions trims its own at 64,000.
The comment is rendered at decreasing levels of detail until it fits: every field with
values cut at 120 characters, then at 40, then resource lines only, then the one-line
summaries alone, and it says so when it had to drop detail.
"""

from __future__ import annotations

import re
from typing import Final

from offline.diff import ResourceChange
from offline.diff_report import SYMBOL, DiffReport, Section, alerts, compact, display_rows

GITHUB_LIMIT: Final = 65_536
DEFAULT_LIMIT: Final = 60_000
# A section with more lines than this is collapsed into <details>.
COLLAPSE_AFTER: Final = 15
_LEVELS: Final = ((120, True), (40, True), (0, False))


def _code(value: str) -> str:
    """`value` as inline code inside a table cell (CommonMark code spans: the fence is one
    backtick longer than the longest run inside, and a value that starts or ends with a
    backtick is padded with a space, which the renderer strips)."""
    text = value.replace("|", "\\|").replace("\n", " ")
    if not text:
        return "` `"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _change(change: ResourceChange, warning: str | None, limit: int, fields: bool) -> list[str]:
    lines = []
    if warning:
        lines.extend(["> [!WARNING]", f"> {_escape(warning)}", ""])
    lines.append(f"**`{SYMBOL[change.op]}` {change.op}** {_code(change.type)} {_code(change.name)}")
    if fields and change.op in ("update", "replace") and change.fields:
        lines.extend(["", "| field | before | after | |", "|---|---|---|---|"])
        for item in change.fields:
            flag = "**forces replacement**" if item.replaces else ""
            for path, old, new in display_rows(item):
                before, after = compact(old, limit), compact(new, limit)
                lines.append(f"| {_code(path)} | {_code(before)} | {_code(after)} | {flag} |")
        if change.dependents:
            lines.append("")
            lines.append(
                f"_{len(change.dependents)} dependent resource(s) may change when it gets a new "
                "ID; the offline diff cannot tell how._"
            )
    lines.append("")
    return lines


def _section(section: Section, report: DiffReport, limit: int, fields: bool) -> list[str]:
    body: list[str] = []
    for change in section.changes:
        body.extend(_change(change, report.warnings.get(change.urn), limit, fields))
    heading = f"#### {section.group.title}"
    if len(body) <= COLLAPSE_AFTER:
        return [heading, "", *body]
    count = len(section.changes)
    summary = f"{count} resource{'s' if count != 1 else ''}: {section.line}"
    return [
        heading,
        "",
        "<details>",
        f"<summary>{_escape(summary)}</summary>",
        "",
        *body,
        "</details>",
        "",
    ]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _head(report: DiffReport) -> list[str]:
    lines = [f"### cortex-infra diff: {report.title}", "", f"**{report.counts_line()}**", ""]
    if not report.diff.changes:
        return [*lines, "No changes."]
    errors, warnings = alerts(report)
    if errors:
        lines.extend(["> [!CAUTION]", "> `pulumi up` would fail or stop serving here:"])
        lines.extend(f"> - {_escape(error)}" for error in errors)
        lines.append("")
    for warning in warnings:
        lines.extend(["> [!WARNING]", f"> {_escape(warning)}", ""])
    lines.extend(f"_Note: {note}_" for note in report.notes)
    if report.notes:
        lines.append("")
    lines.extend(f"- {_escape(section.line)}" for section in report.sections)
    lines.append("")
    return lines


def render_markdown(report: DiffReport, *, limit: int = DEFAULT_LIMIT) -> str:
    """The comment body, at most `limit` characters long."""
    head = _head(report)
    if not report.diff.changes:
        return "\n".join(head) + "\n"
    trimmed = (
        "_Detail was left out to fit a GitHub comment; `cortex-infra diff --format json` "
        "lists every field._"
    )
    for index, (value_limit, fields) in enumerate(_LEVELS):
        lines = list(head)
        for section in report.sections:
            lines.extend(_section(section, report, value_limit, fields))
        if index:
            lines.append(trimmed)
        text = "\n".join(lines) + "\n"
        if len(text) <= limit:
            return text
    text = "\n".join([*head, trimmed]) + "\n"
    if len(text) <= limit:
        return text
    cut = limit - len(trimmed) - 8
    return text[:cut].rsplit("\n", 1)[0] + "\n…\n\n" + trimmed + "\n"
