"""Wall time and peak memory of every adversarial case, through every command, in a fresh
process each (tests/spec/adversarial/corpus.py).

Each run is `cortex-infra <command> ...` as a user runs it, imports included; peak memory
is the child's maximum resident set size and its CPU time comes from `wait4` (the CPU time
shows what a busy machine adds to the wall time, which is what the limit applies to).
Prints the slowest runs and the most memory-hungry ones, and exits 1 when a run takes more
than 10 s or 500 MB, dies on a signal, exits 70, or exits with another code than the case
expects.

    .venv/bin/python benchmarks/adversarial_bench.py [--case NAME ...] [--command validate ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.spec.adversarial.corpus import CASES, Case, command_line, materialise  # noqa: E402

MAX_SECONDS = 10.0
MAX_MB = 500.0
KILL_AFTER = 60.0
RUNNER = "from cortex_cli.main import run; run()"


@dataclass(frozen=True)
class Run:
    case: str
    command: str
    seconds: float
    cpu: float  # user + system CPU seconds: what a busy machine does not inflate
    megabytes: float
    code: int  # negative: killed by that signal
    expected: int

    @property
    def failures(self) -> list[str]:
        found = []
        if self.seconds > MAX_SECONDS:
            found.append(f"took {self.seconds:.1f} s (limit {MAX_SECONDS:.0f} s)")
        if self.megabytes > MAX_MB:
            found.append(f"used {self.megabytes:.0f} MB (limit {MAX_MB:.0f} MB)")
        if self.code < 0:
            found.append(f"died on signal {-self.code}")
        elif self.code != self.expected:
            found.append(f"exited {self.code}, expected {self.expected}")
        return found


def measure(case: Case, command: str) -> Run:
    with tempfile.TemporaryDirectory(prefix="cortex-adversarial-") as scratch:
        folder, spec_args, base = materialise(case, Path(scratch))
        argv = [sys.executable, "-c", RUNNER, *command_line(command, spec_args, base)]
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = started + KILL_AFTER
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        child.returncode = code = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    # ru_maxrss is in kilobytes on Linux.
    return Run(case.name, command, seconds, cpu, usage.ru_maxrss / 1024, code, case.exit_code)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", help="only these cases (repeatable)")
    parser.add_argument("--command", action="append", help="only these commands (repeatable)")
    parser.add_argument("--top", type=int, default=12, help="how many of the worst to print")
    options = parser.parse_args()
    cases = [c for c in CASES if not options.case or c.name in options.case]
    runs = []
    for case in cases:
        for command in case.commands:
            if options.command and command not in options.command:
                continue
            run = measure(case, command)
            runs.append(run)
            mark = "FAIL" if run.failures else "ok"
            print(
                f"{mark:4} {run.case:42} {run.command:8} {run.seconds:6.2f} s "
                f"(cpu {run.cpu:5.2f} s) {run.megabytes:6.0f} MB  exit {run.code}",
                flush=True,
            )
    print(f"\nslowest {options.top} of {len(runs)} runs:")
    for run in sorted(runs, key=lambda r: -r.seconds)[: options.top]:
        print(
            f"  {run.case:42} {run.command:8} {run.seconds:6.2f} s (cpu {run.cpu:5.2f} s) "
            f"{run.megabytes:6.0f} MB"
        )
    print(f"\nmost memory, {options.top} of {len(runs)} runs:")
    for run in sorted(runs, key=lambda r: -r.megabytes)[: options.top]:
        print(f"  {run.case:42} {run.command:8} {run.megabytes:6.0f} MB {run.seconds:6.2f} s")
    failed = [run for run in runs if run.failures]
    for run in failed:
        print(f"FAIL {run.case} {run.command}: {'; '.join(run.failures)}")
    if not failed:
        print(f"\nok: every run under {MAX_SECONDS:.0f} s and {MAX_MB:.0f} MB, with its exit code")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
