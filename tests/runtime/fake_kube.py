"""A small Kubernetes API server for the job gateway's tests: batch/v1 Jobs and pods in
memory, every request recorded.

Its contract is the Kubernetes API reference's (kubernetes.io/docs/reference/kubernetes-api/
workload-resources/job-v1/, "Operations": create `POST /apis/batch/v1/namespaces/{ns}/jobs`
201, read `GET .../jobs/{name}` 200 or 404 with a `Status`, delete `DELETE .../jobs/{name}`
with a `DeleteOptions` body; core/v1 pods: list `GET /api/v1/namespaces/{ns}/pods?
labelSelector=`). Only what the gateway calls is served; anything else is a 404, so a call
outside the contract fails the test.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_JOBS = re.compile(r"^/apis/batch/v1/namespaces/([a-z0-9-]+)/jobs(?:/([a-z0-9-]+))?$")
_PODS = re.compile(r"^/api/v1/namespaces/([a-z0-9-]+)/pods$")


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str | None


@dataclass
class FakeKube:
    url: str = ""
    jobs: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    pods: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def finish(self, namespace: str, name: str, condition: str, reason: str = "") -> None:
        """What the Job controller does when a Job ends (a `Complete` or `Failed` condition)."""
        status = self.jobs[(namespace, name)].setdefault("status", {})
        status["conditions"] = [{"type": condition, "status": "True", "reason": reason}]


def _status(code: int, reason: str) -> bytes:
    return json.dumps(
        {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "code": code}
    ).encode()


def _handler(fake: FakeKube) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body: Any = json.loads(self.rfile.read(length)) if length else None
            fake.calls.append(
                Call(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    body,
                    self.headers.get("Authorization"),
                )
            )
            jobs, pods = _JOBS.match(parts.path), _PODS.match(parts.path)
            if jobs and self.command == "POST" and jobs.group(2) is None:
                assert body["apiVersion"] == "batch/v1"
                assert body["kind"] == "Job"
                key = (jobs.group(1), body["metadata"]["name"])
                if key in fake.jobs:
                    self._send(409, _status(409, "AlreadyExists"))
                    return
                fake.jobs[key] = body
                self._send(201, json.dumps(body).encode())
            elif jobs and jobs.group(2) and self.command in ("GET", "DELETE"):
                key = (jobs.group(1), jobs.group(2))
                if key not in fake.jobs:
                    self._send(404, _status(404, "NotFound"))
                    return
                job = fake.jobs[key] if self.command == "GET" else fake.jobs.pop(key)
                self._send(200, json.dumps(job).encode())
            elif pods and self.command == "GET":
                selector = parse_qs(parts.query).get("labelSelector", [""])[0]
                label, _, value = selector.partition("=")
                items = [
                    p
                    for p in fake.pods.get(pods.group(1), [])
                    if p["metadata"].get("labels", {}).get(label) == value
                ]
                self._send(200, json.dumps({"kind": "PodList", "items": items}).encode())
            else:
                self._send(404, _status(404, "NotFound"))

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_DELETE(self) -> None:
            self._serve()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def serve() -> Iterator[FakeKube]:
    fake = FakeKube()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
