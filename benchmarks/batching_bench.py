"""Server-side batching: the same predictor served with and without `server_side_batching`.

The predictor models a vectorised model: each `predict` call costs a fixed 2 ms of CPU
holding the GIL (what a batched forward pass pays once, however many rows it has), plus
50 us per payload. Both runtimes admit 8 requests at once (`threads_per_process: 8`); one
batches them (`max_batch_size: 8`, `batch_interval: 10ms`), the other calls `predict` once
per request. A keep-alive load generator (benchmarks/runtime_bench.py's) drives each at
concurrency 8, alternating rounds; the report gives requests per second, p50/p99 latency
and, from the predictor's own counters, payloads per `predict` call. Exits 1 unless
batching puts more than one payload in a call on average and serves more requests per
second than calling once per request.

    .venv/bin/python benchmarks/batching_bench.py [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from runtime_bench import Result, arguments, measure, start_runtime, write_project

from runtime import contract

CONCURRENCY = 8
PREDICTOR = """
import threading
import time

CALL_SECONDS = 2e-3
ITEM_SECONDS = 50e-6


def spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


class PythonPredictor:
    def __init__(self, config):
        self.batching = config["batching"]
        self.lock = threading.Lock()
        self.calls = 0
        self.items = 0

    def predict(self, payload):
        payloads = payload if self.batching else [payload]
        spin(CALL_SECONDS + ITEM_SECONDS * len(payloads))
        with self.lock:
            self.calls += 1
            self.items += len(payloads)
            counts = {"calls": self.calls, "items": self.items}
        return [counts] * len(payloads) if self.batching else counts
"""


def start(project: Path, work: Path, batching: bool) -> tuple[subprocess.Popen[bytes], int]:
    predictor: dict[str, Any] = {"path": "predictor.py", "config": {"batching": batching}}
    if batching:
        predictor["server_side_batching"] = {"max_batch_size": 8, "batch_interval": "10ms"}
    return start_runtime(
        project,
        work,
        str(batching),
        predictor,
        **{
            contract.ENV_THREADS: str(CONCURRENCY),
            contract.ENV_MAX_CONCURRENCY: str(CONCURRENCY),
        },
    )


def counters(port: int) -> dict[str, int]:
    """The predictor's call and payload counts so far (this request counts as one of each)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=b"{}", headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        found: dict[str, int] = json.loads(reply.read())
        return found


def main() -> int:
    args = arguments(__doc__, rounds=3)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        project = write_project(work, PREDICTOR)
        servers = {
            name: start(project, work, name == "batching") for name in ("single", "batching")
        }
        try:
            runs: dict[str, list[Result]] = {name: [] for name in servers}
            for _ in range(args.rounds):
                for name, (process, port) in servers.items():
                    runs[name].append(measure(process.pid, port, CONCURRENCY, args.seconds))
            counts = {name: counters(port) for name, (_, port) in servers.items()}
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=60)
    return report(runs, counts, args.seconds, args.rounds)


def report(
    runs: dict[str, list[Result]], counts: dict[str, dict[str, int]], seconds: float, rounds: int
) -> int:
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(
        f"predict() = 2 ms fixed + 50 us per payload (CPU, GIL held), concurrency {CONCURRENCY}, "
        f"{seconds:g} s per run, median of {rounds} alternating runs"
    )
    print(f"{'runtime':<10}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'payloads/call':>15}")
    rps = {}
    per_call = {}
    for name, results in runs.items():
        median = sorted(results)[len(results) // 2]
        rps[name] = statistics.median(r.rps for r in results)
        per_call[name] = counts[name]["items"] / counts[name]["calls"]
        print(
            f"{name:<10}{median.rps:>9.0f}{median.p50_ms:>8.2f}{median.p99_ms:>8.2f}"
            f"{per_call[name]:>15.2f}"
        )
    gain = rps["batching"] / rps["single"]
    works = per_call["batching"] > 1 and gain > 1
    print(
        f"{'ok' if works else 'FAIL'}: batching serves {gain:.1f}x the requests per second, "
        f"{per_call['batching']:.2f} payloads per predict() call"
    )
    return 0 if works else 1


if __name__ == "__main__":
    sys.exit(main())
