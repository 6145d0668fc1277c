"""The processes tests serve from: `cortex-infra serve` (tests/cli) and `cortex-runtime`
(tests/runtime), on ports from `_free_port()`'s blocks (tests/conftest.py), waited for with
generous deadlines, and always stopped so that a test never hangs.

Their output goes to files, never to pipes: a chatty server cannot block on a full pipe,
and a failed wait can show stderr while the process still runs. Files live outside the
project folder, which `serve` bundles and hashes.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from runtime import contract
from tests.conftest import _free_port

# Generous, and separate: several Python processes start on a busy 2-core CI machine (a
# split starts four), while fire-and-forget copies (a shadow's) arrive after the answers.
READY_SECONDS = 180.0
COPY_SECONDS = 60.0
STOP_SECONDS = 90.0
# xdist's workers ignore SIGINT, and a child Python that starts with SIGINT ignored never
# raises KeyboardInterrupt: `serve` gets back the terminal's Ctrl-C before it runs, so that
# the tests' Ctrl-C stops it as a person's does (not the SIGTERM that follows a timeout).
_CTRL_C = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
# Enough of stderr to hold a traceback, not a whole request log.
_REPORT_CHARS = 8000


@dataclass
class ServedProcess:
    process: subprocess.Popen[bytes]
    port: int
    out_path: Path
    err_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace") if self.out_path.exists() else ""

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace") if self.err_path.exists() else ""

    def report(self) -> str:
        """What a failed assertion shows: the exit code (if any) and the end of stderr."""
        code = self.process.poll()
        state = "still running" if code is None else f"exit code {code}"
        return f"{state}; stderr:\n{self.stderr()[-_REPORT_CHARS:]}"

    def health(self, path: str = contract.HEALTH_PATH) -> int | None:
        try:
            return httpx.get(self.url + path, timeout=2).status_code
        except httpx.TransportError:
            return None

    def wait_ready(
        self,
        path: str = contract.HEALTH_PATH,
        status: int = 200,
        seconds: float = READY_SECONDS,
    ) -> None:
        """Until `path` answers `status`; an AssertionError with stderr if the process exits
        or the deadline passes first."""
        deadline = time.monotonic() + seconds
        while self.health(path) != status:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"{path} never answered {status} within {seconds:.0f}s: {self.report()}"
                )
            time.sleep(0.05)

    def stop(self, first: signal.Signals = signal.SIGINT, seconds: float = STOP_SECONDS) -> int:
        """`first` (Ctrl-C by default), then SIGTERM, then SIGKILL, `seconds` apart; the
        exit code. `serve` forwards SIGTERM to the runtime, which has its own process group."""
        for sent in dict.fromkeys((first, signal.SIGTERM)):
            if self.process.poll() is not None:
                break
            self.process.send_signal(sent)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=seconds)
        if self.process.poll() is None:
            self.process.kill()
        return self.process.wait()


def start(
    command: Sequence[str],
    port: int,
    out_path: Path,
    err_path: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ServedProcess:
    """Start `command`; stdout to `out_path`, stderr to `err_path` (the same file when None)."""
    with contextlib.ExitStack() as files:
        out = files.enter_context(out_path.open("wb"))
        # One open file for both when they share a path: two would overwrite each other.
        err = out if err_path is None else files.enter_context(err_path.open("wb"))
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
    return ServedProcess(process, port, out_path, err_path or out_path)


def wait_until(condition: Callable[[], bool], seconds: float, interval: float = 0.1) -> bool:
    """Whether `condition` came true within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


@contextlib.contextmanager
def cortex_serve(
    spec_path: Path,
    api: str,
    logs: Path,
    *options: str,
    ready_path: str = contract.HEALTH_PATH,
) -> Iterator[ServedProcess]:
    """`cortex-infra serve <spec> --api <api>` on a free port, ready at `ready_path`;
    stopped with Ctrl-C on the way out (its exit code is then `process.returncode`).
    `logs` is a folder outside the project for `serve.out` and `serve.err`."""
    port = _free_port()
    command = [
        *(sys.executable, "-c", _CTRL_C + "from cortex_cli.main import run; run()"),
        *("serve", str(spec_path), "--api", api, "--port", str(port), *options),
    ]
    served = start(command, port, logs / "serve.out", logs / "serve.err")
    try:
        served.wait_ready(ready_path)
        yield served
    finally:
        served.stop()
