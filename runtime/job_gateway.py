"""`cortex-runtime job-gateway`: a BatchAPI's or TaskAPI's endpoint, as a bare ASGI app.

Cortex v0.42's job endpoints (docs/workloads/batch/jobs.md, docs/workloads/task/jobs.md):
`POST <endpoint>` submits (answer: the job's spec), `GET <endpoint>?jobID=<id>` answers its
status, `DELETE <endpoint>?jobID=<id>` stops it (answer `{"message": "stopped job <id>"}`).
The router forwards the endpoint's path unchanged, so any path is the endpoint; `/healthz`
is the gateway's own readiness. Where jobs go is the backend's business: the cluster's
(SQS, S3, Kubernetes Jobs: runtime/cluster_jobs.py) or this process's (runtime/local_jobs.py,
for `cortex-infra serve`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Protocol
from urllib.parse import parse_qs

from runtime import contract, job_contract
from runtime.job_records import JobRecord, Progress, status_document
from runtime.job_submission import Submission, SubmissionError, parse
from runtime.journal import Journal
from runtime.responses import Receive, Scope, Send


class JobBackend(Protocol):
    """Where a gateway's jobs run."""

    def submit(self, record: JobRecord, submission: Submission) -> None:
        """Queue the job's batches (a BatchAPI) and start its workers; `record` is updated.
        SubmissionError when the submission names data that cannot be read."""

    def progress(self, job_id: str) -> tuple[JobRecord, Progress] | None:
        """The job's record and what it is doing now; None for an unknown id."""

    def stop(self, job_id: str) -> bool:
        """Stop the job's workers and drop its queue; False for an unknown id."""


class GatewayError(Exception):
    """The backend could not do what was asked (a cloud or cluster error): 500."""


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _body(receive: Receive, limit: int) -> bytes | None:
    """The request's body, at most `limit` + 1 bytes of it (enough to refuse it); None when
    the client went away."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if size > limit or not message.get("more_body", False):
            return b"".join(chunks)[: limit + 1]


class JobGateway:
    """The ASGI app of one job API."""

    def __init__(
        self,
        api_name: str,
        kind: str,
        endpoint: str,
        *,
        api_spec: dict[str, Any],
        backend: JobBackend,
        journal: Journal,
    ) -> None:
        self.api_name, self.kind, self.endpoint = api_name, kind, endpoint
        self.api_spec = api_spec
        self.backend = backend
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if path in (contract.HEALTH_PATH, contract.LIVENESS_PATH):
            await _answer(send, 200, b'{"status":"ok"}')
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        job_ids = query.get("jobID") or []
        try:
            if method == "POST":
                status, body = await self._submit(receive)
            elif method in ("GET", "DELETE"):
                if len(job_ids) != 1:
                    status, body = 400, _json({"error": "pass one job id: ?jobID=<id>"})
                else:
                    status, body = await self._job(method, job_ids[0])
            else:
                status, body = (
                    405,
                    _json({"error": f"{method} is not allowed; use POST, GET or DELETE"}),
                )
        except Exception as error:  # a cloud or cluster call failed: the client gets why
            message = (
                str(error)
                if isinstance(error, GatewayError)
                else f"{type(error).__name__}: {error}"
            )
            self.journal.error("job_backend_failed", message)
            status, body = 500, _json({"error": message[:1000]})
        await _answer(send, status, body)

    async def _submit(self, receive: Receive) -> tuple[int, bytes]:
        raw = await _body(receive, job_contract.MAX_SUBMISSION_BYTES)
        if raw is None:
            return 499, b""
        try:
            submission = parse(raw, self.kind)
            record = JobRecord.new(self.api_name, submission)
            await asyncio.to_thread(self.backend.submit, record, submission)
        except SubmissionError as error:
            return 400, _json({"error": str(error)})
        self.journal.event("job_submitted", job_id=record.job_id, workers=record.workers)
        return 200, _json(record.spec())

    async def _job(self, method: str, job_id: str) -> tuple[int, bytes]:
        if method == "DELETE":
            if await asyncio.to_thread(self.backend.stop, job_id):
                self.journal.event("job_stopped", job_id=job_id)
                return 200, _json({"message": f"stopped job {job_id}"})
            return 404, _json({"error": f"job {job_id} not found"})
        found = await asyncio.to_thread(self.backend.progress, job_id)
        if found is None:
            return 404, _json({"error": f"job {job_id} not found"})
        record, progress = found
        return 200, _json(status_document(record, progress, self.endpoint, self.api_spec))
