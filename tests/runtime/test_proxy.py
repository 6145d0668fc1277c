"""`cortex-runtime proxy` over real HTTP: prefix stripping, health from the upstream, limits."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from runtime import contract
from runtime.proxy import strip_endpoint
from tests.conftest import _free_port
from tests.runtime.conftest import Runtime

Launch = Callable[..., Runtime]


class Echo(BaseHTTPRequestHandler):
    """The user's container: answers with what it received."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.endswith("/hang"):
            time.sleep(10)
        answer = json.dumps(
            {"path": self.path, "body": body.decode(), "host": self.headers["host"]}
        ).encode()
        self.send_response(201)
        self.send_header("content-type", "application/json")
        self.send_header("x-model", "v2")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_PUT = do_POST  # noqa: N815 - http.server's naming

    def log_message(self, *args: object) -> None:
        pass


def serve_upstream(port: int) -> ThreadingHTTPServer:
    upstream = ThreadingHTTPServer(("127.0.0.1", port), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    return upstream


@pytest.fixture
def proxy_env() -> dict[str, str]:
    return {
        **os.environ,
        contract.ENV_API_NAME: "embedder",
        contract.ENV_PORT: str(_free_port()),
        contract.ENV_UPSTREAM_PORT: str(_free_port()),
        contract.ENV_ENDPOINT: "/text-embedder",
        contract.ENV_MAX_CONCURRENCY: "2",
        contract.ENV_MAX_QUEUE_LENGTH: "2",
    }


def admin(runtime: Runtime, admin_port: int, path: str) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{admin_port}{path}", timeout=5)


def test_health_follows_the_upstream_port(
    tmp_path: Path, launch: Launch, proxy_env: dict[str, str]
) -> None:
    """Admin /healthz is 503 until the user's container accepts connections, then 200."""
    admin_port = _free_port()
    runtime = launch(proxy_env, "proxy", "--admin-port", str(admin_port))
    runtime.wait_for_log(lambda e: e.get("event") == "started")
    assert admin(runtime, admin_port, contract.HEALTH_PATH).status_code == 503
    upstream = serve_upstream(int(proxy_env[contract.ENV_UPSTREAM_PORT]))
    try:
        assert admin(runtime, admin_port, contract.HEALTH_PATH).status_code == 200
    finally:
        upstream.shutdown()


def test_requests_are_forwarded_without_the_endpoint_prefix(
    tmp_path: Path, launch: Launch, proxy_env: dict[str, str]
) -> None:
    """/text-embedder/v1/x?q=1 reaches the container as /v1/x?q=1, its answer comes back."""
    admin_port = _free_port()
    upstream = serve_upstream(int(proxy_env[contract.ENV_UPSTREAM_PORT]))
    try:
        runtime = launch(proxy_env, "proxy", "--admin-port", str(admin_port))
        runtime.wait_for_log(lambda e: e.get("event") == "started")
        with httpx.Client(base_url=runtime.url) as client:
            reply = client.post("/text-embedder/v1/x?q=1", content=b"hello")
            assert reply.status_code == 201
            assert reply.headers["x-model"] == "v2"
            assert reply.json()["path"] == "/v1/x?q=1"
            assert reply.json()["body"] == "hello"
            assert client.put("/text-embedder", content=b"").json()["path"] == "/"
        metrics = admin(runtime, admin_port, contract.METRICS_PATH).text
        assert f'{contract.REQUESTS_METRIC}{{status="201"}} 2' in metrics
        assert f"{contract.IN_FLIGHT_METRIC} 0" in metrics
    finally:
        upstream.shutdown()


def test_an_unreachable_upstream_is_a_502(
    tmp_path: Path, launch: Launch, proxy_env: dict[str, str]
) -> None:
    """When the user's container does not answer, the proxy says 502 rather than hanging."""
    runtime = launch(proxy_env, "proxy", "--admin-port", str(_free_port()))
    runtime.wait_for_log(lambda e: e.get("event") == "started")
    assert httpx.post(runtime.url + "/text-embedder", content=b"x").status_code == 502


def test_an_upstream_that_does_not_answer_in_time_is_a_504(
    tmp_path: Path, launch: Launch, proxy_env: dict[str, str]
) -> None:
    """The proxy gives up on the container after the request timeout; it stays live."""
    admin_port = _free_port()
    upstream = serve_upstream(int(proxy_env[contract.ENV_UPSTREAM_PORT]))
    try:
        env = {**proxy_env, contract.ENV_REQUEST_TIMEOUT_SECONDS: "1"}
        runtime = launch(env, "proxy", "--admin-port", str(admin_port))
        runtime.wait_for_log(lambda e: e.get("event") == "started")
        began = time.monotonic()
        reply = httpx.post(runtime.url + "/text-embedder/hang", content=b"x", timeout=15)
        assert reply.status_code == 504
        assert 0.9 <= time.monotonic() - began <= 6
        assert httpx.post(runtime.url + "/text-embedder", content=b"y").status_code == 201
        assert admin(runtime, admin_port, contract.LIVENESS_PATH).status_code == 200
    finally:
        upstream.shutdown()


@pytest.mark.parametrize(
    ("target", "forwarded"),
    [
        (b"/text-embedder", b"/"),
        (b"/text-embedder/", b"/"),
        (b"/text-embedder/a/b?x=1", b"/a/b?x=1"),
        (b"/text-embedder?x=1", b"/?x=1"),
        (b"/text-embedderx", b"/text-embedderx"),
        (b"/other", b"/other"),
    ],
)
def test_only_the_whole_endpoint_segment_is_stripped(target: bytes, forwarded: bytes) -> None:
    """The prefix is removed on a path-segment boundary only, as Cortex's gateway rewrote it."""
    assert strip_endpoint("/text-embedder", target) == forwarded
