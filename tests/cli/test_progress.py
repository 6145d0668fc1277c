"""The spinner: on a terminal only, and only for work that outlasts its delay."""

from __future__ import annotations

import time

import pytest

from cortex_cli.progress import progress


def test_nothing_is_printed_off_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Piped or captured stderr (CI logs, tests) never gets a spinner."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "dumb")
    with progress("planning", delay=0.0):
        time.sleep(0.1)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("work", "shown"), [(0.0, False), (0.4, True)])
def test_on_a_terminal_only_slow_work_shows_the_spinner(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    work: float,
    shown: bool,
) -> None:
    """On a terminal the message appears once the block outlasts the delay, never before."""
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich: stderr is a terminal
    with progress("planning the stack", delay=0.1):
        time.sleep(work)
    assert ("planning the stack" in capsys.readouterr().err) is shown
