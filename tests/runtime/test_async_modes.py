"""The AsyncAPI modes of `cortex-runtime`: a missing queue or bucket is a bad environment
(exit 2, the variable named), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _run_without_cortex_variables(mode: str) -> subprocess.CompletedProcess[str]:
    """`cortex-runtime <mode>` with none of the contract's variables set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTEX_")}
    return subprocess.run(
        [sys.executable, "-m", "runtime.main", mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("mode", ["async-gateway", "async-worker"])
def test_a_mode_without_its_queue_is_a_bad_environment(mode: str) -> None:
    """Exit 2 with the missing variable's name in the log line."""
    done = _run_without_cortex_variables(mode)
    assert done.returncode == 2
    output = done.stdout + done.stderr
    assert "CORTEX_ASYNC_QUEUE_URL is not set" in output
    assert "Traceback" not in output


def test_local_mode_needs_the_predictors_port() -> None:
    """`async-local` without CORTEX_UPSTREAM_PORT: exit 2, the variable named."""
    done = _run_without_cortex_variables("async-local")
    assert done.returncode == 2
    assert "CORTEX_UPSTREAM_PORT is not set" in done.stdout + done.stderr
