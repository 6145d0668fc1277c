"""Fixtures the CLI tests of several commands share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kube import kinds
from tests.kube.fake_api import serving


@pytest.fixture
def kinds_fake(tmp_path: Path) -> Iterator[kinds.Served]:
    """The project of every API kind (tests/kube/kinds.py) and a fake API server running
    it: (its cluster state, a kubeconfig reaching it, the project's spec)."""
    spec = kinds.project(tmp_path)
    state = kinds.cluster()
    with serving(state, tmp_path) as kubeconfig:
        yield state, kubeconfig, spec
