"""A real `cortex-runtime` process on 127.0.0.1, spoken to over HTTP, for the runtime tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from runtime import contract
from runtime.bundle import build_bundle
from tests.conftest import REPO, _free_port

STARTUP_SECONDS = 20.0

ECHO = """
import os


class PythonPredictor:
    def __init__(self, config):
        self.config = config

    def predict(self, payload):
        if isinstance(payload, dict) and payload.get("fail"):
            raise ValueError("the payload asked for it")
        if isinstance(payload, dict) and payload.get("nan"):
            return {"score": float("nan")}
        return {"payload": payload, "config": self.config, "pid": os.getpid()}
"""


@dataclass
class Project:
    """A project folder with its predictor, and the spec file the runtime reads."""

    root: Path
    spec_path: Path
    config: dict[str, Any] = field(default_factory=dict)


def make_project(base: Path, source: str = ECHO, config: dict[str, Any] | None = None) -> Project:
    root = base / "project"
    root.mkdir(parents=True, exist_ok=True)
    (root / "predictor.py").write_text(source)
    spec_path = base / "api.json"
    predictor = {"type": "python", "path": "predictor.py", "config": config or {}}
    spec_path.write_text(json.dumps({"contract_version": "1", "api": {"predictor": predictor}}))
    return Project(root, spec_path, config or {})


@dataclass
class Runtime:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line]

    def wait_for_log(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first log line `wanted` accepts; request lines are written in batches."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            found = [entry for entry in self.logs() if wanted(entry)]
            if found:
                return found[0]
            time.sleep(0.02)
        raise AssertionError(f"no such log line in {self.log_path.read_text()}")

    def events(self) -> list[str]:
        return [entry["event"] for entry in self.logs() if "event" in entry]

    def health(self) -> int | None:
        try:
            return httpx.get(f"{self.url}{contract.HEALTH_PATH}", timeout=2).status_code
        except httpx.TransportError:
            return None

    def wait_until(self, status: int) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while self.health() != status:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"/healthz never answered {status}: {self.log_path.read_text()}"
                )
            time.sleep(0.02)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STARTUP_SECONDS)


def serving_env(project: Project, tmp_path: Path, **overrides: str) -> dict[str, str]:
    port = _free_port()
    return {
        **os.environ,
        contract.ENV_API_NAME: "echo",
        contract.ENV_PORT: str(port),
        contract.ENV_ENDPOINT: "/echo",
        contract.ENV_API_SPEC_PATH: str(project.spec_path),
        contract.ENV_PROJECT_BUNDLE: str(project.root),
        contract.ENV_PROJECT_SHA256: build_bundle(project.root).sha256,
        contract.ENV_PROJECT_DIR: str(tmp_path / "unpacked"),
        contract.ENV_MAX_CONCURRENCY: "4",
        contract.ENV_MAX_QUEUE_LENGTH: "4",
        **overrides,
    }


def start(env: dict[str, str], log_path: Path, mode: str = "serve", *extra: str) -> Runtime:
    command = [sys.executable, "-m", "runtime.main", mode, "--host", "127.0.0.1", *extra]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log)
    return Runtime(process, int(env[contract.ENV_PORT]), log_path)


def _received(connection: socket.socket) -> bytes:
    chunk = connection.recv(4096)  # the socket's timeout bounds the wait
    assert chunk, "the server closed the connection"
    return chunk


def read_response(connection: socket.socket) -> bytes:
    """One whole HTTP/1.1 response with a Content-Length, however the reads split it."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += _received(connection)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(body) < length:
        body += _received(connection)
    return head + b"\r\n\r\n" + body


def stop_runtime(runtime: Runtime) -> None:
    """SIGTERM, then SIGKILL if it has not exited 10 s later (a test never hangs on it)."""
    if runtime.process.poll() is None:
        runtime.process.send_signal(signal.SIGTERM)
        try:
            runtime.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            runtime.process.kill()
            runtime.process.wait()


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Any]:
    """Start runtimes for one test; each is stopped (SIGTERM, then kill) afterwards."""
    started: list[Runtime] = []

    def launch_runtime(env: dict[str, str], mode: str = "serve", *extra: str) -> Runtime:
        runtime = start(env, tmp_path / f"runtime-{len(started)}.log", mode, *extra)
        started.append(runtime)
        return runtime

    yield launch_runtime
    for runtime in started:
        stop_runtime(runtime)
