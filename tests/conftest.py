"""Fixtures shared by every test package: a real moto server over HTTP, a loopback checkip
endpoint (no test reaches the internet), hypothesis profiles."""

from __future__ import annotations

import os
import socket
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from moto.server import ThreadedMotoServer

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

# `make test` runs the ci profile: the parser property tests need >= 2,000 examples there.
settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@dataclass(frozen=True)
class MotoServer:
    endpoint: str

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


# Local servers under test take a port and, for `serve` of a split or an AsyncAPI, the next
# few (serve.py, async_serving.py). Kernel-chosen ports come from the ephemeral range, where
# two xdist workers' picks (and every client socket) can land next to each other; each
# worker takes free blocks of its own below that range instead.
_BLOCK = 8
_next_block: dict[str, int] = {}


def _free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker.removeprefix("gw")) + 1 if worker.startswith("gw") else 0
    start = 10000 + 2000 * (index % 10)
    # Round and round the worker's range: a finished test's ports are free again.
    blocks = 2000 // _BLOCK
    first = _next_block.get(worker, 0)
    for step in range(blocks):
        block = (first + step) % blocks
        port = start + block * _BLOCK
        if all(_bindable(p) for p in range(port, port + _BLOCK)):
            _next_block[worker] = (block + 1) % blocks
            return port
    raise RuntimeError(f"no free block of {_BLOCK} ports in {start}-{start + 2000}")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server per test worker, on 127.0.0.1, spoken to over real HTTP."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield MotoServer(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """Fresh moto state, and the standard boto3 chain pointed at it via AWS_ENDPOINT_URL."""
    moto_server.reset()
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    return moto_server


@pytest.fixture(autouse=True)
def _checkip_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Preflight asks a public endpoint for this machine's address; tests never reach the
    internet: by default the question goes to a closed loopback port (answer: unknown), and
    the endpoint-access tests serve their own answer."""
    monkeypatch.setattr(
        "cortex_aws.endpoint_access.CHECKIP_URL", f"http://127.0.0.1:{_free_port()}/"
    )


@dataclass
class CheckIp:
    """A loopback stand-in for the checkip endpoint; set `answer` to change its reply."""

    url: str
    answer: str = "203.0.113.7\n"


@pytest.fixture
def checkip(monkeypatch: pytest.MonkeyPatch) -> Iterator[CheckIp]:
    """Preflight's address question answered locally (by default 203.0.113.7)."""
    stub = CheckIp(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = stub.answer.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/"
    monkeypatch.setattr("cortex_aws.endpoint_access.CHECKIP_URL", stub.url)
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
