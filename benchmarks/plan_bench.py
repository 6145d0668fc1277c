"""Wall time of `cortex-infra plan --json` for the examples and for a generated 200-API spec.

Each run is a fresh process, as a user runs it (imports included). The 200-API spec is the
mixed example's base with its three APIs repeated under new names, written to a temporary
folder with the APIs' folders beside it. Prints the median and the slowest of the runs.

    .venv/bin/python benchmarks/plan_bench.py [--repeat 3] [--program real|platform]

`--program platform` plans with tests/infra/programs/platform_only.py (the platform without
the serving layer), the program the golden plans use while the serving layer is written.
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
EXAMPLES = REPO / "examples"
PLATFORM_ONLY = REPO / "tests" / "infra" / "programs" / "platform_only.py"
GENERATED_APIS = 200

RUNNER = """
import sys
from pathlib import Path
from offline import engine
if sys.argv[1] == "platform":
    engine.PROGRAM = Path(sys.argv[2])
from cortex_cli.main import app
app(args=sys.argv[3:], prog_name="cortex-infra")
"""


def generated_spec(folder: Path) -> Path:
    """The mixed example with GENERATED_APIS APIs, written into `folder`."""
    source = EXAMPLES / "mixed"
    data = yaml.safe_load((source / "cortex.yaml").read_text(encoding="utf-8"))
    data.pop("environments", None)
    templates = data["apis"]
    apis = []
    for index in range(GENERATED_APIS):
        api = dict(templates[index % len(templates)])
        api["name"] = f"{api['name']}-{index:03d}"
        api["networking"] = {"endpoint": f"/{api['name']}"}
        apis.append(api)
    data["apis"] = apis
    # Each predictor API's folder is its bundle (apis/<name>/).
    shutil.copytree(source / "apis", folder / "apis")
    spec = folder / "cortex.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return spec


def cases(generated: Path) -> list[tuple[str, list[str]]]:
    pair = EXAMPLES / "cortex-v0.42"
    return [
        ("cpu", [str(EXAMPLES / "cpu" / "cortex.yaml")]),
        ("gpu-spot", [str(EXAMPLES / "gpu-spot" / "cortex.yaml")]),
        ("inferentia", [str(EXAMPLES / "inferentia" / "cortex.yaml")]),
        (
            "cortex-v0.42",
            [str(pair / "cortex.yaml"), "--cluster-config", str(pair / "cluster.yaml")],
        ),
        ("mixed --env prod", [str(EXAMPLES / "mixed" / "cortex.yaml"), "--env", "prod"]),
        (f"generated ({GENERATED_APIS} APIs)", [str(generated)]),
    ]


def run_once(program: str, args: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, program, str(PLATFORM_ONLY), "plan", *args, "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"plan {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--program", choices=("real", "platform"), default="real")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        generated = generated_spec(Path(folder))
        print(f"plan --json wall time, {options.repeat} fresh processes each ({options.program})")
        for label, args in cases(generated):
            times = [run_once(options.program, args) for _ in range(options.repeat)]
            print(
                f"  {label:<28} median {statistics.median(times):6.2f} s   max {max(times):6.2f} s"
            )


if __name__ == "__main__":
    main()
