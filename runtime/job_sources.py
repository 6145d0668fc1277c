"""Where a batch job's items come from: `item_list` as given, or S3 (`file_path_lister`:
the paths of the selected objects; `delimited_files`: each selected object's JSON lines),
as Cortex v0.42 read them (docs/workloads/batch/jobs.md, "Filtering files").

The gateway reads S3 with its own role, to which the API's `iam_policy_arns` are attached:
the user's data is read with what the API may read (infra/serving/jobs.py).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from typing import Any

from runtime.job_submission import Source, item_batches
from runtime.object_store import S3Store


def split_s3(path: str) -> tuple[str, str]:
    bucket, _, key = path.removeprefix("s3://").partition("/")
    return bucket, key


def _selected(path: str, source: Source) -> bool:
    """Cortex's filters: kept if it matches an `includes` glob (when given) and no
    `excludes` glob; `**` and `*` both cross `/` here."""
    if source.includes and not any(fnmatch.fnmatchcase(path, g) for g in source.includes):
        return False
    return not any(fnmatch.fnmatchcase(path, g) for g in source.excludes)


def _s3_keys(s3: Any, source: Source) -> Iterator[str]:
    for path in source.s3_paths:
        bucket, prefix = split_s3(path)
        for key in S3Store(bucket, s3).keys(prefix):
            full = f"s3://{bucket}/{key}"
            if not key.endswith("/") and _selected(full, source):
                yield full


def source_batches(s3: Any, source: Source) -> Iterator[bytes]:
    """A submission's batches: its item_list, or the selected S3 paths (file_path_lister)
    or the JSON lines of the selected files (delimited_files), `batch_size` at a time."""
    if source.kind == "item_list":
        yield from item_batches(source.items, source.batch_size)
        return
    items: list[Any] = []
    for path in _s3_keys(s3, source):
        if source.kind == "file_path_lister":
            items.append(path)
        else:
            bucket, key = split_s3(path)
            body = s3.get_object(Bucket=bucket, Key=key)["Body"]
            for line in body.iter_lines():
                if line.strip():
                    items.append(json.loads(line))
        while len(items) >= source.batch_size:
            yield from item_batches(tuple(items[: source.batch_size]), source.batch_size)
            items = items[source.batch_size :]
    if items:
        yield from item_batches(tuple(items), source.batch_size)
