"""Only a one-command process leaves its garbage to the exit (cortex_cli/lifetime.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from cortex_cli import lifetime
from cortex_cli.main import app
from tests.conftest import REPO


@pytest.fixture
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_restored")
def test_plan_through_app_keeps_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """`app` called in a living process (tests, a library user) leaves the collector on."""
    monkeypatch.chdir(REPO)
    gc.enable()
    result = CliRunner().invoke(app, ["plan", "examples/cpu/cortex.yaml", "--json"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector_restored")
def test_one_command_process_turns_the_collector_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console script's process plans with the collector off and skips the last walk."""
    monkeypatch.setattr(lifetime, "_one_command", False)
    gc.enable()
    lifetime.collector_off_until_exit()
    lifetime.skip_final_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    lifetime.one_command_process()
    lifetime.collector_off_until_exit()
    lifetime.skip_final_collection()
    assert not gc.isenabled()
    assert gc.get_freeze_count() > 0
