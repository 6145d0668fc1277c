"""A job submission as Cortex v0.42 took it (docs/workloads/batch/jobs.md and
docs/workloads/task/jobs.md at tag v0.42.1), parsed and checked before anything is queued.

BatchAPI: `workers` (required), exactly one of `item_list {items, batch_size}`,
`file_path_lister {s3_paths, includes, excludes, batch_size}` or `delimited_files {...}`,
and optional `timeout`, `sqs_dead_letter_queue {arn, max_receive_count}`, `config`.
TaskAPI: optional `timeout` and `config` (one worker). Anything else is a 400 naming it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from runtime import job_contract

SOURCES = ("item_list", "file_path_lister", "delimited_files")
_BATCH_KEYS = {"workers", "timeout", "sqs_dead_letter_queue", "config", *SOURCES}
_TASK_KEYS = {"timeout", "config", "workers"}
_SOURCE_KEYS = {
    "item_list": {"items", "batch_size"},
    "file_path_lister": {"s3_paths", "includes", "excludes", "batch_size"},
    "delimited_files": {"s3_paths", "includes", "excludes", "batch_size"},
}


class SubmissionError(ValueError):
    """The submission is the client's mistake: answered 400 with this message."""


@dataclass(frozen=True)
class DeadLetter:
    arn: str
    max_receive_count: int


@dataclass(frozen=True)
class Source:
    """Where a batch job's items come from."""

    kind: str
    batch_size: int
    items: tuple[Any, ...] = ()
    s3_paths: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submission:
    kind: str
    workers: int
    timeout: int | None
    config: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None
    dead_letter: DeadLetter | None = None


def _int(value: Any, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SubmissionError(f"{name} must be an integer (got {json.dumps(value)[:40]})")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SubmissionError(f"{name} must be {bound} (got {value})")
    return value


def _strings(value: Any, name: str, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SubmissionError(f"{name} must be a list of strings")
    if required and not value:
        raise SubmissionError(f"{name} must not be empty")
    return tuple(value)


def _unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise SubmissionError(f'{where}key "{extra[0]}" is not supported')


def _source(data: dict[str, Any]) -> Source:
    given = [name for name in SOURCES if data.get(name) is not None]
    if len(given) != 1:
        raise SubmissionError(
            "exactly one of item_list, file_path_lister or delimited_files is required"
        )
    name = given[0]
    body = data[name]
    if not isinstance(body, dict):
        raise SubmissionError(f"{name} must be an object")
    _unknown(body, _SOURCE_KEYS[name], f"{name}: ")
    batch_size = _int(body.get("batch_size"), f"{name}.batch_size", 1)
    if name == "item_list":
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise SubmissionError("item_list.items must be a non-empty list")
        return Source(name, batch_size, items=tuple(items))
    for path in _strings(body.get("s3_paths"), f"{name}.s3_paths", required=True):
        if not path.startswith("s3://") or len(path) <= len("s3://"):
            raise SubmissionError(f"{name}.s3_paths: {path[:80]} is not an s3:// path")
    return Source(
        name,
        batch_size,
        s3_paths=tuple(body["s3_paths"]),
        includes=_strings(body.get("includes"), f"{name}.includes", required=False),
        excludes=_strings(body.get("excludes"), f"{name}.excludes", required=False),
    )


def _dead_letter(value: Any) -> DeadLetter | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SubmissionError("sqs_dead_letter_queue must be an object")
    _unknown(value, {"arn", "max_receive_count"}, "sqs_dead_letter_queue: ")
    arn = value.get("arn")
    if not isinstance(arn, str) or not arn.startswith("arn:aws:sqs:"):
        raise SubmissionError("sqs_dead_letter_queue.arn must be an SQS queue ARN")
    count = _int(value.get("max_receive_count"), "sqs_dead_letter_queue.max_receive_count", 1)
    return DeadLetter(arn, count)


def parse(body: bytes, kind: str) -> Submission:
    """The submission of a `kind` API's job, or SubmissionError."""
    if len(body) > job_contract.MAX_SUBMISSION_BYTES:
        raise SubmissionError(
            f"the submission is {len(body):,} bytes; at most "
            f"{job_contract.MAX_SUBMISSION_BYTES:,} (use file_path_lister or delimited_files)"
        )
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError) as error:
        raise SubmissionError(f"the submission is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise SubmissionError("the submission must be a JSON object")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise SubmissionError("config must be an object")
    timeout = data.get("timeout")
    timeout = None if timeout is None else _int(timeout, "timeout", 1)
    if kind == "TaskAPI":
        _unknown(data, _TASK_KEYS, "")
        if data.get("workers") not in (None, 1):
            raise SubmissionError("a TaskAPI job runs one worker (workers must be 1)")
        return Submission(kind, 1, timeout, config)
    _unknown(data, _BATCH_KEYS, "")
    workers = _int(data.get("workers"), "workers", 1, job_contract.MAX_WORKERS)
    return Submission(
        kind,
        workers,
        timeout,
        config,
        _source(data),
        _dead_letter(data.get("sqs_dead_letter_queue")),
    )


def item_batches(items: tuple[Any, ...], batch_size: int) -> list[bytes]:
    """An item_list's batches, each a JSON list, each within an SQS message."""
    batches: list[bytes] = []
    for start in range(0, len(items), batch_size):
        encoded = json.dumps(list(items[start : start + batch_size])).encode()
        if len(encoded) > job_contract.MAX_BATCH_BYTES:
            raise SubmissionError(
                f"batch {len(batches)} is {len(encoded):,} bytes; each batch must be under "
                f"{job_contract.MAX_BATCH_BYTES:,} (lower item_list.batch_size)"
            )
        batches.append(encoded)
    return batches
