"""Runtime overhead: `cortex-runtime serve` against a bare ASGI app calling the same predictor.

Both run on the same server stack (uvicorn, uvloop, httptools, one process, access log off)
with the same trivial predictor (it returns its JSON payload). A keep-alive HTTP/1.1 load
generator on uvloop drives each at concurrency 1, 8 and 64, alternating rounds, and reports
requests per second, p50/p99 latency (median run) and the server's CPU time per request
(median), which a busy shared machine disturbs less than req/s. Exits 1 when the runtime is below
80% of the bare app's requests per second at concurrency 8 (docs/runtime.md).

    .venv/bin/python benchmarks/runtime_bench.py [--seconds 2] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, NamedTuple, cast

import uvloop

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from runtime import contract  # noqa: E402
from runtime.bundle import build_bundle  # noqa: E402

CONCURRENCY = (1, 8, 64)
GATE_CONCURRENCY = 8
GATE_RATIO = 0.80
PAYLOAD = json.dumps({"text": "hello world", "n": 1}).encode()
PREDICTOR = """
class PythonPredictor:
    def __init__(self, config):
        self.config = config

    def predict(self, payload):
        return payload
"""
BARE_APP = """
import json, sys
sys.path.insert(0, sys.argv[1])
from predictor import PythonPredictor
import uvicorn

predictor = PythonPredictor(config={})


async def app(scope, receive, send):
    message = await receive()
    body = message.get("body", b"")
    while message.get("more_body"):
        message = await receive()
        body += message.get("body", b"")
    result = json.dumps(predictor.predict(json.loads(body))).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(result)).encode())]})
    await send({"type": "http.response.body", "body": result})


uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), loop="uvloop", http="httptools",
            lifespan="off", access_log=False, log_level="warning", server_header=False,
            proxy_headers=False)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(port: int, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server on port {port} did not become ready")


def start_runtime(
    project: Path, work: Path, name: str, predictor: dict[str, Any], **settings: str
) -> tuple[subprocess.Popen[bytes], int]:
    """`cortex-runtime serve` of `project` with `predictor` as its api.predictor, ready;
    `settings` (contract variables) over the defaults. Its log is `work/runtime-<name>.log`."""
    port = free_port()
    spec = work / f"api-{name}.json"
    spec.write_text(json.dumps({"api": {"predictor": predictor}}))
    env = {
        **os.environ,
        contract.ENV_API_NAME: "bench",
        contract.ENV_PORT: str(port),
        contract.ENV_API_SPEC_PATH: str(spec),
        contract.ENV_PROJECT_BUNDLE: str(project),
        contract.ENV_PROJECT_SHA256: build_bundle(project).sha256,
        contract.ENV_PROJECT_DIR: str(work / f"project-{name}"),
        contract.ENV_MAX_QUEUE_LENGTH: "100",
        **settings,
    }
    command = [sys.executable, "-m", "runtime.main", "serve", "--host", "127.0.0.1"]
    with (work / f"runtime-{name}.log").open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=out)
    wait_ready(port, contract.HEALTH_PATH)
    return process, port


def arguments(description: str, rounds: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description.split("\n", maxsplit=1)[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=rounds, help="alternating rounds per setting")
    return parser.parse_args()


def write_project(work: Path, source: str) -> Path:
    """A project folder whose predictor.py is `source`."""
    project = work / "src"
    project.mkdir()
    (project / "predictor.py").write_text(source)
    return project


def start_bare(project: Path, work: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    script = work / "bare_app.py"
    script.write_text(BARE_APP)
    process = subprocess.Popen([sys.executable, str(script), str(project), str(port)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the bare app did not start")


class Result(NamedTuple):
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float  # server CPU per request: steadier than req/s on a shared machine


class Client(asyncio.Protocol):
    """One keep-alive connection sending the same request back to back."""

    def __init__(self, request: bytes, latencies: list[float], stop_at: float) -> None:
        self.request = request
        self.latencies = latencies
        self.stop_at = stop_at
        self.buffer = b""
        self.sent = 0.0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.send()

    def send(self) -> None:
        self.sent = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].lower()
        start = head.find(b"content-length:") + len(b"content-length:")
        length = int(head[start : head.find(b"\r\n", start) if b"\r\n" in head[start:] else None])
        if len(self.buffer) < end + 4 + length:
            return
        if not head.startswith(b"http/1.1 200"):
            raise SystemExit(f"unexpected answer: {head[:40]!r}")
        now = time.perf_counter()
        self.latencies.append(now - self.sent)
        self.buffer = self.buffer[end + 4 + length :]
        if now < self.stop_at:
            self.send()
        else:
            self.transport.close()
            self.done.set_result(None)


async def load(port: int, concurrency: int, seconds: float) -> tuple[float, list[float]]:
    request = (
        b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        b"content-length: " + str(len(PAYLOAD)).encode() + b"\r\n\r\n" + PAYLOAD
    )
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    start = time.perf_counter()
    stop_at = start + seconds
    clients = []
    for _ in range(concurrency):
        _, client = await loop.create_connection(
            lambda: Client(request, latencies, stop_at), "127.0.0.1", port
        )
        clients.append(client)
    await asyncio.gather(*(c.done for c in clients))
    return len(latencies) / (time.perf_counter() - start), latencies


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(pid: int, port: int, concurrency: int, seconds: float) -> Result:
    uvloop.run(load(port, concurrency, min(0.3, seconds)))  # warm-up, not counted
    before = cpu_seconds(pid)
    rps, latencies = uvloop.run(load(port, concurrency, seconds))
    cpu_us = (cpu_seconds(pid) - before) / len(latencies) * 1e6
    cuts = statistics.quantiles(latencies, n=100)
    return Result(rps, cuts[49] * 1000, cuts[98] * 1000, cpu_us)


def main() -> int:
    args = arguments(__doc__, rounds=7)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        project = write_project(work, PREDICTOR)
        runtime, runtime_port = start_runtime(
            project,
            work,
            "runtime",
            {"path": "predictor.py", "config": {}},
            **{contract.ENV_MAX_CONCURRENCY: str(max(CONCURRENCY))},
        )
        bare, bare_port = start_bare(project, work)
        try:
            servers = {"bare": (bare.pid, bare_port), "runtime": (runtime.pid, runtime_port)}
            return report(servers, args.seconds, args.rounds)
        finally:
            for process in (runtime, bare):
                process.terminate()
                process.wait(timeout=60)


def report(servers: dict[str, tuple[int, int]], seconds: float, rounds: int) -> int:
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(
        f"trivial predictor (echo JSON), {seconds:g} s per run, median of {rounds} alternating runs"
    )
    print(f"{'server':<9}{'conc':>5}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'CPU us/req':>12}")
    ratio_at_gate = 0.0
    for concurrency in CONCURRENCY:
        runs: dict[str, list[Result]] = {name: [] for name in servers}
        for _ in range(rounds):
            for name, (pid, port) in servers.items():
                runs[name].append(measure(pid, port, concurrency, seconds))
        medians = {}
        for name, results in runs.items():
            median = sorted(results)[len(results) // 2]
            medians[name] = median.rps
            cpu = statistics.median(r.cpu_us for r in results)
            print(
                f"{name:<9}{concurrency:>5}{median.rps:>9.0f}{median.p50_ms:>8.2f}"
                f"{median.p99_ms:>8.2f}{cpu:>12.1f}"
            )
        ratio = medians["runtime"] / medians["bare"]
        print(f"{'ratio':<9}{concurrency:>5}{ratio:>9.0%}")
        if concurrency == GATE_CONCURRENCY:
            ratio_at_gate = ratio
    verdict = "ok" if ratio_at_gate >= GATE_RATIO else "FAIL"
    print(
        f"{verdict}: runtime at {ratio_at_gate:.0%} of bare req/s at concurrency "
        f"{GATE_CONCURRENCY} (gate {GATE_RATIO:.0%})"
    )
    return 0 if ratio_at_gate >= GATE_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
