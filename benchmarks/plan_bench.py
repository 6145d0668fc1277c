"""`cortex-infra plan` against its targets (issue 17): CPU time, as fresh processes.

- ratio: `plan --json` of the mixed example (prod) over the import floor, the Pulumi
  packages plus every provider module a plan uses, touched (a lazy module is loaded by
  its first attribute access, so a bare import would undercount). Target <= 1.2.
- per API: the marginal CPU time of an API, from a generated spec of 20 and of 200 APIs
  (the mixed example's three APIs repeated). Target <= 20 ms.
- 1,000 APIs: wall time and peak memory of one plan of the scale fixture's spec (what
  tests/infra/test_serving_scale.py plans). Targets < 60 s and < 1 GiB.
- critical path: the estimated `pulumi up` of the mixed example's new stack over the
  provisioning floor (offline/apply_time.py), known seconds. Target <= 1.05.

CPU times, not wall times: the machine is shared, and a process waiting for a core is not
slower. Still, a process sharing a core's caches with others is: the same commit measured
19 and 27 ms per API under different loads. So the floor and the plans run interleaved, and
each figure is the *minimum* of its runs, as Python's `timeit` documentation advises ("the
lowest value gives a lower bound for how fast your machine can run the given code snippet;
higher values in the result vector are typically not caused by variability in Python's
speed, but by other processes interfering with your timing accuracy"). The medians are
printed beside them. Exits 1 when a target is missed.

    .venv/bin/python benchmarks/plan_bench.py [--repeat 5] [--program PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from offline import apply_time, engine  # noqa: E402
from tests.infra.serving_fixtures.many_apis import write_spec  # noqa: E402

EXAMPLES = REPO / "examples"
MIXED = [str(EXAMPLES / "mixed" / "cortex.yaml"), "--env", "prod"]
TARGET_RATIO = 1.2
TARGET_PER_API = 0.020
TARGET_1000_SECONDS = 60.0
TARGET_1000_BYTES = 1024**3
TARGET_CRITICAL_PATH = 1.05

# The console script's own process, with the program replaceable for the benchmark.
RUNNER = """
import sys
from pathlib import Path
from offline import engine
engine.PROGRAM = Path(sys.argv[1])
from cortex_cli import lifetime
from cortex_cli.main import app
lifetime.one_command_process()
try:
    app(args=sys.argv[2:], prog_name="cortex-infra")
finally:
    lifetime.skip_final_collection()
"""
# Lists the Pulumi modules a plan leaves loaded (not the lazy ones it never touched).
MODULES = RUNNER.replace(
    "    lifetime.skip_final_collection()",
    "    import types\n"
    "    names = [n for n, m in list(sys.modules.items())\n"
    "             if n.split('.')[0].startswith('pulumi') and type(m) is types.ModuleType]\n"
    "    import json\n"
    "    print(json.dumps(sorted(names)), file=sys.stderr)",
)
FLOOR = """
import importlib, sys
for name in sys.argv[1:]:
    vars(importlib.import_module(name))
"""


@dataclass(frozen=True)
class Usage:
    cpu: float
    wall: float
    peak_bytes: int


def measure(args: list[str]) -> Usage:
    """CPU (user + system), wall time and peak resident memory of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed:\n{errors.decode()}")
    # ru_maxrss is in KiB on Linux.
    return Usage(
        usage.ru_utime + usage.ru_stime, time.perf_counter() - started, usage.ru_maxrss * 1024
    )


def plan(program: Path, args: list[str]) -> Usage:
    return measure(["-c", RUNNER, str(program), "plan", *args, "--json"])


def floor_modules(program: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", MODULES, str(program), "plan", *MIXED, "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    names: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return names


def mixed_based_spec(folder: Path, count: int) -> Path:
    """The mixed example's base with its three APIs repeated `count` times in all."""
    source = EXAMPLES / "mixed"
    data = yaml.safe_load((source / "cortex.yaml").read_text(encoding="utf-8"))
    data.pop("environments", None)
    templates = data["apis"]
    apis = []
    for index in range(count):
        api = dict(templates[index % len(templates)])
        api["name"] = f"{api['name']}-{index:03d}"
        api["networking"] = {"endpoint": f"/{api['name']}"}
        apis.append(api)
    data["apis"] = apis
    folder.mkdir(parents=True)
    shutil.copytree(source / "apis", folder / "apis")
    spec = folder / "cortex.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return spec


def critical_path_ratio() -> apply_time.Estimate:
    config = engine.stack_config(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    return apply_time.estimate(engine.evaluate(config, stack="prod", region="us-west-2"))


def verdict(label: str, value: str, ok: bool, target: str) -> bool:
    print(f"  {label:<34} {value:>16}   target {target:<10} {'ok' if ok else 'MISSED'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--program", type=Path, default=engine.PROGRAM)
    options = parser.parse_args()
    program = options.program.resolve()
    modules = floor_modules(program)
    results: dict[str, float] = {}
    oks = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        small = mixed_based_spec(folder / "20", 20)
        large = mixed_based_spec(folder / "200", 200)
        thousand = write_spec(folder / "1000", 1000)
        floors, plans, smalls, larges = [], [], [], []
        for _ in range(options.repeat):  # interleaved: load changes hit every series alike
            floors.append(measure(["-c", FLOOR, *modules]).cpu)
            plans.append(plan(program, MIXED).cpu)
            smalls.append(plan(program, [str(small)]).cpu)
            larges.append(plan(program, [str(large)]).cpu)
        big = plan(program, [str(thousand)])
    for label, pick in (("", min), ("median_", statistics.median)):
        results[f"{label}floor_cpu_s"] = pick(floors)
        results[f"{label}mixed_plan_cpu_s"] = pick(plans)
        results[f"{label}ratio"] = pick(plans) / pick(floors)
        results[f"{label}per_api_ms"] = 1000 * (pick(larges) - pick(smalls)) / 180
    results["apis_1000_wall_s"] = big.wall
    results["apis_1000_cpu_s"] = big.cpu
    results["apis_1000_peak_mib"] = big.peak_bytes / 2**20
    estimate = critical_path_ratio()
    results["critical_path_ratio"] = estimate.ratio
    print(
        f"plan, CPU minimum (median) of {options.repeat} interleaved runs ({len(modules)} "
        f"Pulumi modules in the floor; floor {results['floor_cpu_s']:.2f} s "
        f"({results['median_floor_cpu_s']:.2f}), mixed plan {results['mixed_plan_cpu_s']:.2f} s "
        f"({results['median_mixed_plan_cpu_s']:.2f}))"
    )
    oks.append(
        verdict(
            "plan / import floor",
            f"{results['ratio']:.2f}x ({results['median_ratio']:.2f})",
            results["ratio"] <= TARGET_RATIO,
            "<= 1.2x",
        )
    )
    oks.append(
        verdict(
            "marginal CPU per API (20 -> 200)",
            f"{results['per_api_ms']:.1f} ms ({results['median_per_api_ms']:.1f})",
            results["per_api_ms"] <= TARGET_PER_API * 1000,
            "<= 20 ms",
        )
    )
    oks.append(
        verdict(
            "1,000 APIs: wall (CPU)",
            f"{big.wall:.1f} s ({big.cpu:.0f})",
            big.wall < TARGET_1000_SECONDS,
            "< 60 s",
        )
    )
    oks.append(
        verdict(
            "1,000 APIs: peak memory",
            f"{results['apis_1000_peak_mib']:.0f} MiB",
            big.peak_bytes < TARGET_1000_BYTES,
            "< 1 GiB",
        )
    )
    unknown = len(estimate.unknown_on_path) - estimate.floor_unknown
    oks.append(
        verdict(
            "critical path / floor (mixed)",
            f"{estimate.ratio:.3f}x",
            estimate.ratio <= TARGET_CRITICAL_PATH,
            "<= 1.05x",
        )
    )
    print(
        f"  critical path: {' -> '.join(s.name for s in estimate.critical_path)}\n"
        f"  ({unknown} more step(s) of unknown duration than the floor; docs/provisioning.md)"
    )
    print(json.dumps({k: round(v, 4) for k, v in results.items()}, sort_keys=True))
    if not all(oks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
