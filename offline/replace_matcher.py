"""Applying the replace table (`replacements.py`) to a changed field, and rendering it.

A rule covers its path and everything beneath it; a change to an ancestor (a whole block
added or removed) counts only when the ruled field beneath it really differs. Rules with a
condition (`Rule.when`) count only when it holds for the old and new values.
"""

from __future__ import annotations

from typing import Any

from offline.kubernetes_replacements import K8S_DIFF
from offline.paths import Path, covers, format_path, is_ancestor, values_at
from offline.replace_rule import Rule
from offline.replacements import NONE_KNOWN, TABLE, rules_for


def replacing_rule(
    type_token: str, path: Path, before: Any, after: Any, extra: tuple[Path, ...] = ()
) -> Rule | None:
    """The rule under which changing `path` from `before` to `after` recreates the resource.

    `before`/`after` are the whole input objects; `extra` holds `replaceOnChanges` paths.
    A change to an ancestor (a whole block added or removed) counts only when the ruled
    field beneath it really differs.
    """
    rules = list(rules_for(type_token) or ())
    rules.extend(Rule(format_path(p), "replaceOnChanges option") for p in extra)
    for rule in rules:
        pattern = rule.segments
        if _covers_or_within(pattern, path, before, after) and _holds(rule, before, after):
            return rule
    return None


def _covers_or_within(pattern: Path, path: Path, before: Any, after: Any) -> bool:
    if covers(pattern, path):
        return True
    if not is_ancestor(path, pattern):
        return False
    old = dict(values_at(before, pattern))
    new = dict(values_at(after, pattern))
    return old != new


def _holds(rule: Rule, before: Any, after: Any) -> bool:
    if rule.when is None:
        return True
    pattern = rule.segments
    old = [v for _, v in values_at(before, pattern)] or [None]
    new = [v for _, v in values_at(after, pattern)] or [None]
    return any(rule.when(o, n) for o in old for n in new)


def markdown_table() -> str:
    """The table as docs/diff.md shows it."""
    lines = ["| type | fields | kind | source |", "|---|---|---|---|"]
    lines.append(
        "| every `kubernetes:` object | `metadata.name`, `metadata.namespace` | provider | "
        f"{K8S_DIFF} |"
    )
    for type_token in sorted(TABLE):
        for source, kind in dict.fromkeys((r.source, r.kind) for r in TABLE[type_token]):
            group = [r for r in TABLE[type_token] if (r.source, r.kind) == (source, kind)]
            fields = ", ".join(f"`{r.path}`" + (f" ({r.note})" if r.note else "") for r in group)
            lines.append(f"| `{type_token}` | {fields} | {kind} | {source} |")
    for type_token, (why, source) in sorted(NONE_KNOWN.items()):
        lines.append(f"| `{type_token}` | none ({why}) | - | {source} |")
    return "\n".join(lines) + "\n"
