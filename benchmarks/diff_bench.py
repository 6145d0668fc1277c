"""`cortex-infra diff BASE HEAD` against one `cortex-infra plan HEAD`: the diff must stay
under twice the plan's wall time (docs/diff.md).

Both run as fresh processes, as a user runs them (imports included), on the mixed example
in its prod environment; HEAD is a copy with one API's max_replicas raised. The diff
evaluates both sides in one process, so the imports (most of a plan's time) are paid once.
Prints the median of the runs and the ratio; exits 1 when the ratio reaches 2.

    .venv/bin/python benchmarks/diff_bench.py [--repeat 3] [--program real|stand-in]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MIXED = REPO / "examples" / "mixed"
STAND_IN = REPO / "tests" / "offline" / "diff_program.py"
LIMIT = 2.0

RUNNER = """
import sys
from pathlib import Path
from offline import engine
if sys.argv[1]:
    engine.PROGRAM = Path(sys.argv[1])
from cortex_cli.main import app
app(args=sys.argv[2:], prog_name="cortex-infra")
"""


def specs(folder: Path) -> tuple[Path, Path]:
    """The mixed example (BASE) and a copy with its first API's max_replicas + 1 (HEAD)."""
    base, head = folder / "base", folder / "head"
    shutil.copytree(MIXED, base)
    shutil.copytree(MIXED, head)
    data = yaml.safe_load((head / "cortex.yaml").read_text(encoding="utf-8"))
    data["apis"][0]["autoscaling"]["max_replicas"] += 1
    (head / "cortex.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return base / "cortex.yaml", head / "cortex.yaml"


def timed(program: str, args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, program, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"cortex-infra {' '.join(args)} failed:\n{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--program", choices=("real", "stand-in"), default="real")
    options = parser.parse_args()
    program = "" if options.program == "real" else str(STAND_IN)
    with tempfile.TemporaryDirectory(prefix="diff-bench-") as scratch:
        base, head = specs(Path(scratch))
        plan_args = ["plan", str(head), "--env", "prod", "--json"]
        diff_args = ["diff", str(base), str(head), "--env", "prod", "--format", "json"]
        timed(program, plan_args)  # warm the page cache and .pyc files once
        plans, diffs = [], []
        for _ in range(options.repeat):
            plans.append(timed(program, plan_args))
            diffs.append(timed(program, diff_args))
    plan, diff = statistics.median(plans), statistics.median(diffs)
    ratio = diff / plan
    print(f"program: {options.program}, runs: {options.repeat} each (median, wall time)")
    print(f"plan HEAD       {plan:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in plans)})")
    print(f"diff BASE HEAD  {diff:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in diffs)})")
    print(f"diff / plan     {ratio:6.2f}    (limit {LIMIT:.1f})")
    return 0 if ratio < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
