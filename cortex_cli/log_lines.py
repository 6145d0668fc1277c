"""The runtime's JSON log lines (runtime/journal.py) as a person reads them on a terminal.

A pod writes one JSON object per line, which is what log collectors want; `serve` and `logs`
show the same lines on a terminal as `HH:MM:SS.mmm LEVEL  event  message  key=value`, with a
traceback on lines of its own instead of one escaped string. Anything that is not such a JSON
object (a predictor's own print, a crash before logging started) passes through unchanged.
"""

from __future__ import annotations

import json
from typing import Any, Final

# Fields shown in the fixed part of a line, or not at all (the API is in the prefix).
_FIXED: Final = ("ts", "level", "api", "event", "message", "traceback")
_REQUEST_FIELDS: Final = ("method", "path", "status", "duration_ms")


def _clock(timestamp: Any) -> str:
    """`2026-12-03T11:47:01.123+00:00` → `11:47:01.123` (the date is noise on a terminal)."""
    text = str(timestamp or "")
    if "T" not in text:
        return text
    return text.split("T", 1)[1].split("+", 1)[0].rstrip("Z")


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return json.dumps(text) if (" " in text or not text) else text


def human(line: str) -> str:
    """One log line for a person; a traceback keeps its own lines, indented."""
    stripped = line.rstrip("\n")
    try:
        record = json.loads(stripped)
    except ValueError:
        return stripped
    if not isinstance(record, dict) or "level" not in record:
        return stripped
    head = f"{_clock(record.get('ts'))} {record.get('level', '')!s:<7}"
    if "event" not in record and all(key in record for key in _REQUEST_FIELDS):
        return (
            f"{head} {record['method']} {record['path']} {record['status']} "
            f"{float(record['duration_ms']):.1f} ms"
        )
    parts = [head, str(record.get("event", ""))]
    if record.get("message"):
        parts.append(str(record["message"]))
    extra = [f"{key}={_value(value)}" for key, value in record.items() if key not in _FIXED]
    text = "  ".join(part for part in [" ".join(parts[:2]), *parts[2:], " ".join(extra)] if part)
    trace = record.get("traceback")
    if trace:
        text += "\n" + "\n".join(f"    {row}" for row in str(trace).rstrip("\n").splitlines())
    return text
