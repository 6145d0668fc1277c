"""A real `cortex-runtime` process on 127.0.0.1, spoken to over HTTP, for the runtime tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from runtime import contract
from runtime.bundle import build_bundle
from tests import serving_processes as processes
from tests.conftest import REPO, _free_port
from tests.serving_processes import ServedProcess, wait_until

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


class Runtime(ServedProcess):
    """A `cortex-runtime` process; stdout and stderr in one file of JSON log lines."""

    @property
    def log_path(self) -> Path:
        return self.out_path

    def logs(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout().splitlines() if line]

    def wait_for_log(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first log line `wanted` accepts; request lines are written in batches."""
        found: list[dict[str, Any]] = []

        def seen() -> bool:
            found[:] = [entry for entry in self.logs() if wanted(entry)]
            return bool(found)

        if not wait_until(seen, STARTUP_SECONDS, interval=0.02):
            raise AssertionError(f"no such log line in {self.stdout()}")
        return found[0]

    def events(self) -> list[str]:
        return [entry["event"] for entry in self.logs() if "event" in entry]

    def wait_until(self, status: int) -> None:
        self.wait_ready(status=status, seconds=STARTUP_SECONDS)


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
    served = processes.start(command, int(env[contract.ENV_PORT]), log_path, env=env, cwd=REPO)
    return Runtime(served.process, served.port, served.out_path, served.err_path)


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
    runtime.stop(signal.SIGTERM, seconds=10)


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
