"""Cortex's server-side batching (`predictor.server_side_batching`, Cortex v0.20-v0.35).

Requests are gathered until `max_batch_size` of them wait or `batch_interval` has passed
since the first one arrived, whichever comes first; then `predict` runs once on the lists
(`payload`, and `query_params`/`headers` when it takes them) and must return a list with one
response per request, in order. Each caller gets its own answer. This is the documented
behaviour of Cortex's `DynamicBatcher` (v0.33.0,
pkg/cortex/serve/cortex_internal/lib/api/batching.py, and
docs/workloads/realtime/server-side-batching.md): one batch runs at a time in a process,
while the next one gathers.

Only the predictor form's executors use this module, and only for an API that sets
`server_side_batching`: the non-batching path never reaches it.
"""

from __future__ import annotations

import queue
import re
from dataclasses import dataclass
from time import perf_counter
from typing import Any, TypeVar

# Go's time.ParseDuration units, which Cortex's `batch_interval` was written in.
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")

Item = TypeVar("Item")


class BatchingError(ValueError):
    """`server_side_batching` in the spec file is malformed."""


@dataclass(frozen=True)
class Batching:
    """How one process gathers requests into a batch."""

    max_batch_size: int
    interval: float  # seconds


def parse_interval(text: str) -> float:
    """Seconds in a Go duration such as `100ms` or `1m30s` (as the spec file carries it)."""
    position, total = 0, 0.0
    for match in _PART.finditer(text):
        if match.start() != position:
            break
        total += float(match[1]) * _UNITS[match[2]]
        position = match.end()
    if not text or position != len(text) or total <= 0:
        raise BatchingError(
            f"server_side_batching.batch_interval {text!r}: not a positive duration like 100ms"
        )
    return total


def read_batching(document: Any) -> Batching | None:
    """`server_side_batching` of the spec file's predictor, or None when it is unset."""
    if document is None:
        return None
    size = document.get("max_batch_size") if isinstance(document, dict) else None
    interval = document.get("batch_interval") if isinstance(document, dict) else None
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise BatchingError("server_side_batching.max_batch_size must be a positive integer")
    if not isinstance(interval, str):
        raise BatchingError("server_side_batching.batch_interval must be a duration string")
    return Batching(size, parse_interval(interval))


def gather(
    source: queue.SimpleQueue[list[Item] | None], waiting: list[Item], batching: Batching
) -> tuple[list[Item], bool]:
    """The next batch from `waiting` and `source`, and whether `source` has ended.

    Blocks for a first item when nothing waits, then until `max_batch_size` items are in
    hand or `interval` has passed since that first wait ended. Items past the batch stay in
    `waiting` for the next one (their interval starts again: they are sent with the next
    batch at the latest).
    """
    size = batching.max_batch_size
    if not waiting:
        first = source.get()
        if first is None:
            return [], True
        waiting.extend(first)
    deadline = perf_counter() + batching.interval
    ended = False
    while len(waiting) < size:
        remaining = deadline - perf_counter()
        if remaining <= 0:
            break
        try:
            more = source.get(timeout=remaining)
        except queue.Empty:
            break
        if more is None:
            ended = True
            break
        waiting.extend(more)
    batch = waiting[:size]
    del waiting[:size]
    return batch, ended
