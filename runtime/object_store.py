"""Objects by key in one bucket: the store behind an AsyncAPI's requests
(runtime/async_store.py) and a job's records and batch outcomes (runtime/cluster_jobs.py,
runtime/batch_worker.py), on S3 in the cluster and in a dict for `cortex-infra serve`.

Reads of a missing key are None, never an exception: every caller has a "not there (yet)"
answer. S3 reads are strongly consistent after a write, so a reader sees the last one. A
JSON object that does not decode is a `CorruptObjectError` naming its key. boto3's retries are
the client's (runtime/aws_clients.py); the store adds none of its own.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

JSON_TYPE: Final = "application/json"


class CorruptObjectError(ValueError):
    """An object that should hold JSON does not; the message names the key."""


@dataclass(frozen=True)
class Stored:
    body: bytes
    content_type: str
    last_modified: datetime


def decode_json(body: bytes, key: str) -> Any:
    try:
        return json.loads(body)
    except ValueError as error:  # JSONDecodeError, or bytes that are not UTF-8/16/32
        raise CorruptObjectError(f"{key} is not JSON: {error}") from None


class ObjectStore(ABC):
    """Keys are whole keys of the store's bucket; callers build them under their prefix."""

    @abstractmethod
    def put(self, key: str, body: bytes, content_type: str | None = None) -> None: ...

    @abstractmethod
    def get(self, key: str) -> Stored | None: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def keys(self, prefix: str) -> Iterator[str]:
        """The keys under `prefix`, in key order."""

    def count(self, prefix: str) -> int:
        return sum(1 for _ in self.keys(prefix))

    def put_json(self, key: str, document: Any) -> None:
        """Sorted keys: the same document is the same bytes (no spurious rewrites)."""
        self.put(key, json.dumps(document, sort_keys=True).encode(), JSON_TYPE)

    def get_json(self, key: str) -> Any | None:
        stored = self.get(key)
        return None if stored is None else decode_json(stored.body, key)


class S3Store(ObjectStore):
    """One bucket through a boto3 S3 client."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    def put(self, key: str, body: bytes, content_type: str | None = None) -> None:
        # Without a content type S3 records its own default (binary/octet-stream).
        extra = {"ContentType": content_type} if content_type is not None else {}
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)

    def get(self, key: str) -> Stored | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            return None
        return Stored(
            answer["Body"].read(),
            answer.get("ContentType", "application/octet-stream"),
            answer["LastModified"],
        )

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def _pages(self, prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        yield from paginator.paginate(Bucket=self.bucket, Prefix=prefix)

    def keys(self, prefix: str) -> Iterator[str]:
        for page in self._pages(prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def count(self, prefix: str) -> int:
        # KeyCount: one number a page of up to 1,000 keys, no key is read.
        return sum(page.get("KeyCount", 0) for page in self._pages(prefix))


class MemoryStore(ObjectStore):
    """`cortex-infra serve`'s store: the same keys in a dict."""

    def __init__(self) -> None:
        self._objects: dict[str, Stored] = {}
        self._lock = threading.Lock()

    def put(self, key: str, body: bytes, content_type: str | None = None) -> None:
        stored = Stored(body, content_type or "binary/octet-stream", datetime.now(UTC))
        with self._lock:
            self._objects[key] = stored

    def get(self, key: str) -> Stored | None:
        with self._lock:
            return self._objects.get(key)

    def delete(self, key: str) -> None:
        with self._lock:
            self._objects.pop(key, None)

    def keys(self, prefix: str) -> Iterator[str]:
        with self._lock:
            found = sorted(k for k in self._objects if k.startswith(prefix))
        yield from found
