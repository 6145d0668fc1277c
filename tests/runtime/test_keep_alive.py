"""Idle keep-alive: set from the contract's variable so it outlasts the load balancer's."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from runtime import contract, server
from runtime.journal import Journal
from runtime.settings import SettingsError, proxy_settings, serve_settings
from tests.runtime.conftest import Runtime, make_project, read_response, serving_env

Launch = Callable[..., Runtime]


def test_the_default_outlasts_the_alb_default_idle_timeout() -> None:
    """Unset, uvicorn keeps idle connections 75 s, past the ALB's 60 s default (not its 5 s)."""
    settings = proxy_settings({contract.ENV_API_NAME: "a", contract.ENV_UPSTREAM_PORT: "9000"})
    uvicorn_config = server.config(object(), Journal("a"), settings)
    assert uvicorn_config.timeout_keep_alive == contract.DEFAULT_KEEP_ALIVE_SECONDS == 75


def test_the_variable_sets_uvicorns_keep_alive(tmp_path: Path) -> None:
    """CORTEX_KEEP_ALIVE_SECONDS becomes uvicorn's timeout_keep_alive for `serve`."""
    project = make_project(tmp_path)
    env = serving_env(project, tmp_path, **{contract.ENV_KEEP_ALIVE_SECONDS: "135"})
    settings = serve_settings(env)
    assert server.config(object(), Journal("a"), settings).timeout_keep_alive == 135


@pytest.mark.parametrize("raw", ["0", "-5", "soon"])
def test_a_keep_alive_that_is_not_a_positive_integer_is_refused(raw: str) -> None:
    """A malformed keep-alive is a bad environment, named, not a silent default."""
    env = {
        contract.ENV_API_NAME: "a",
        contract.ENV_UPSTREAM_PORT: "9000",
        contract.ENV_KEEP_ALIVE_SECONDS: raw,
    }
    with pytest.raises(SettingsError, match=contract.ENV_KEEP_ALIVE_SECONDS):
        proxy_settings(env)


def test_an_idle_connection_is_closed_after_the_keep_alive(tmp_path: Path, launch: Launch) -> None:
    """A live runtime told 1 s keeps an idle connection open for 1 s, then closes it."""
    project = make_project(tmp_path)
    runtime = launch(serving_env(project, tmp_path, **{contract.ENV_KEEP_ALIVE_SECONDS: "1"}))
    runtime.wait_until(200)
    with socket.create_connection(("127.0.0.1", runtime.port), timeout=10) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_response(connection).startswith(b"HTTP/1.1 200")
        idle_from = time.monotonic()
        assert connection.recv(4096) == b""  # the server closed it
        assert time.monotonic() - idle_from >= 0.5  # not at once: after the keep-alive
