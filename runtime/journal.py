"""Structured logs: one JSON object per line on stdout (requests, lifecycle events, errors)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any, TextIO

_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
_INFO = _LEVELS["INFO"]
_FIELDS_KEPT = 256
_SECOND_PREFIX = '{"ts":"%Y-%m-%dT%H:%M:%S.'
_HEAD = '%s%03d+00:00",%s'
_FIELDS = '"method":"%s","path":%s,"status":%d,"duration_ms":'
_REQUEST_LINE = "%s%s%.3f}\n"
_FORMATTER = logging.Formatter()


def _timestamp(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")


class Journal:
    """Writes the runtime's log lines; `api` is on every line so logs can be filtered by API.

    Request lines are the hot path: a request only leaves its numbers behind, and lines are
    formatted and written in batches, at most `FLUSH_SECONDS` late, because formatting and
    writing per request cost as much as the rest of the runtime's own work (formatting runs
    faster in a batch, with the code and the caches warm). Events and errors are written at
    once, after any pending request lines.
    """

    FLUSH_SECONDS = 0.05
    BATCH_LINES = 256

    def __init__(self, api: str, level: str = "INFO", stream: TextIO | None = None) -> None:
        self.api = api
        self.threshold = _LEVELS.get(level.upper(), _LEVELS["INFO"])
        self._stream = stream
        self._api_json = json.dumps(api)
        self._pending: list[tuple[float, str, str, int, float]] = []
        self._second = -1
        self._prefix = ""
        self._fixed = f'"level":"INFO","api":{self._api_json},'
        self._fields: dict[tuple[str, str, int], str] = {}

    def flush(self) -> None:
        stream = self._stream or sys.stdout
        if self._pending:
            requests, self._pending = self._pending, []
            stream.write(self._lines(requests))
        stream.flush()

    def _write(self, record: dict[str, Any]) -> None:
        self.flush()
        stream = self._stream or sys.stdout
        stream.write(json.dumps(record, default=str, separators=(",", ":")) + "\n")
        stream.flush()

    def request(self, method: str, path: str, status: int, seconds: float) -> None:
        if self.threshold > _INFO:
            return
        pending = self._pending
        pending.append((time.time(), method, path, status, seconds))
        if len(pending) == 1:
            try:
                asyncio.get_running_loop().call_later(self.FLUSH_SECONDS, self.flush)
            except RuntimeError:  # no event loop: nothing would flush later
                self.flush()
        elif len(pending) >= self.BATCH_LINES:
            self.flush()

    def _lines(self, requests: list[tuple[float, str, str, int, float]]) -> str:
        # A line is the timestamp and the fixed fields (shared by every request in the same
        # millisecond), the request's fields (a few distinct ones) and its duration.
        # %-formatting: about twice as fast as an f-string with format specs.
        lines = []
        last = -1
        head = ""
        known = self._fields
        for now, method, path, status, seconds in requests:
            millisecond = int(now * 1000)
            if millisecond != last:
                last = millisecond
                head = self._head(millisecond)
            fields = known.get((method, path, status)) or self._request_fields(method, path, status)
            lines.append(_REQUEST_LINE % (head, fields, seconds * 1000))
        return "".join(lines)

    def _head(self, millisecond: int) -> str:
        second, fraction = divmod(millisecond, 1000)
        if second != self._second:
            self._second = second
            self._prefix = datetime.fromtimestamp(second, UTC).strftime(_SECOND_PREFIX)
        return _HEAD % (self._prefix, fraction, self._fixed)

    def _request_fields(self, method: str, path: str, status: int) -> str:
        # Paths are user input, so JSON-quoted. `method` is an HTTP token: httptools admits
        # no quote or backslash in it.
        fields = _FIELDS % (method, json.dumps(path), status)
        if len(self._fields) < _FIELDS_KEPT:
            self._fields[(method, path, status)] = fields
        return fields

    def event(self, event: str, level: str = "INFO", **fields: Any) -> None:
        if _LEVELS.get(level, 0) >= self.threshold:
            record = {"ts": _timestamp(time.time()), "level": level, "api": self.api}
            self._write({**record, "event": event, **fields})

    def event_from_thread(self, event: str, level: str, **fields: Any) -> None:
        """An event written from a thread other than the event loop's (the watchdog).

        Pending request lines belong to the loop and are left alone; the line goes to the
        file descriptor in one write, so it cannot wait on a lock the blocked loop holds.
        """
        record = {"ts": _timestamp(time.time()), "level": level, "api": self.api, "event": event}
        line = json.dumps({**record, **fields}, default=str, separators=(",", ":")) + "\n"
        if self._stream is not None:
            self._stream.write(line)
            self._stream.flush()
        else:
            data, fd = line.encode(), sys.stdout.fileno()
            while data:
                data = data[os.write(fd, data) :]

    def error(self, event: str, message: str, traceback: str | None = None, **fields: Any) -> None:
        extra = {"traceback": traceback} if traceback else {}
        self.event(event, "ERROR", message=message, **extra, **fields)


class JournalHandler(logging.Handler):
    """Routes the server's own `logging` records (uvicorn) into the same JSON lines."""

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self._journal = journal

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelname if record.levelname in _LEVELS else "ERROR"
        trace = _FORMATTER.formatException(record.exc_info) if record.exc_info else None
        fields = {"traceback": trace} if trace else {}
        self._journal.event("server", level, message=record.getMessage(), **fields)


def route_server_logs(journal: Journal) -> None:
    handler = JournalHandler(journal)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "asyncio"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(max(journal.threshold, logging.INFO))
