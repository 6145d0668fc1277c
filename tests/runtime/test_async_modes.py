"""The AsyncAPI modes of `cortex-runtime`: a missing queue or bucket is a bad environment
(exit 2, the variable named), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("mode", ["async-gateway", "async-worker"])
def test_a_mode_without_its_queue_is_a_bad_environment(mode: str) -> None:
    """Exit 2 with the missing variable's name in the log line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTEX_")}
    done = subprocess.run(
        [sys.executable, "-m", "runtime.main", mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    output = done.stdout + done.stderr
    assert "CORTEX_ASYNC_QUEUE_URL is not set" in output
    assert "Traceback" not in output


def test_local_mode_needs_the_predictors_port() -> None:
    """`async-local` without CORTEX_UPSTREAM_PORT: exit 2, the variable named."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORTEX_")}
    done = subprocess.run(
        [sys.executable, "-m", "runtime.main", "async-local"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "CORTEX_UPSTREAM_PORT is not set" in done.stdout + done.stderr
