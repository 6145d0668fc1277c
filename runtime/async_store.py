"""Where an AsyncAPI keeps each request: its payload, its status and its result.

Under the API's prefix (`apis/<name>/` of the stack's async bucket; a dict locally; both
runtime/object_store.py):

- `<id>/payload`: the request body with its Content-Type, deleted once worked off;
- `<id>/status`: one word of `contract.ASYNC_STATUSES`, overwritten as the request moves
  (S3 reads are strongly consistent after a write, so a reader sees the last one);
- `<id>/result.json`: the answer of the serving container, JSON.

The gateway writes `in_queue` before it sends the message, so a worker's `in_progress`
can never be overwritten by a late `in_queue`.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any, Final

from runtime import contract
from runtime.object_store import JSON_TYPE, ObjectStore, Stored, decode_json

# Request ids are the gateway's (uuid4 hex); anything else in a path is not a request,
# and can never name a key outside the API's prefix.
ID_PATTERN: Final = re.compile(r"[0-9a-f]{32}")


class Requests:
    """The requests of one API, by id, in a store under `prefix`."""

    def __init__(self, store: ObjectStore, prefix: str) -> None:
        self.store = store
        self.prefix = prefix

    def _key(self, request_id: str, name: str) -> str:
        if not ID_PATTERN.fullmatch(request_id):
            raise ValueError(f"not a request id: {request_id!r}")
        return f"{self.prefix}{request_id}/{name}"

    def create(self, request_id: str, body: bytes, content_type: str) -> None:
        self.store.put(self._key(request_id, "payload"), body, content_type)
        self.set_status(request_id, "in_queue")

    def set_status(self, request_id: str, status: str) -> None:
        if status not in contract.ASYNC_STATUSES:
            raise ValueError(f"not a status: {status!r}")
        self.store.put(self._key(request_id, "status"), status.encode(), "text/plain")

    def status(self, request_id: str) -> str | None:
        stored = self.store.get(self._key(request_id, "status"))
        return stored.body.decode() if stored is not None else None

    def payload(self, request_id: str) -> Stored | None:
        return self.store.get(self._key(request_id, "payload"))

    def complete(self, request_id: str, result: bytes) -> None:
        """The result first, then the status: `completed` is never seen without a result."""
        self.store.put(self._key(request_id, "result.json"), result, JSON_TYPE)
        self.set_status(request_id, "completed")
        self.store.delete(self._key(request_id, "payload"))

    def forget(self, request_id: str) -> None:
        """A request whose message could not be sent: nothing of it is left."""
        self.store.delete(self._key(request_id, "payload"))
        self.store.delete(self._key(request_id, "status"))

    def lookup(self, request_id: str) -> dict[str, Any] | None:
        """Cortex's GET answer: `{id, status}`, plus `result` and `timestamp` once
        completed (async-gateway `GetWorkloadResponse`, v0.42); None when unknown."""
        if not ID_PATTERN.fullmatch(request_id):
            return None
        status = self.status(request_id)
        if status is None:
            return None
        answer: dict[str, Any] = {"id": request_id, "status": status}
        if status == "completed":
            key = self._key(request_id, "result.json")
            result = self.store.get(key)
            if result is not None:
                answer["result"] = decode_json(result.body, key)
                answer["timestamp"] = result.last_modified.astimezone(UTC).isoformat()
        return answer
