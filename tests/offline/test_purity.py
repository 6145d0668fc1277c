"""Dependency direction: the offline engine evaluates the program and never prints."""

from __future__ import annotations

import pytest

from tests.imports import loaded_by


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """Top-level packages loaded by a fresh interpreter that imports all of offline."""
    return loaded_by("offline")


@pytest.mark.parametrize("name", ["cortex_cli", "typer", "rich"])
def test_offline_does_not_load(loaded: set[str], name: str) -> None:
    """Importing any offline module never loads `name`: only the CLI prints."""
    assert name not in loaded


def test_offline_loads_pulumi(loaded: set[str]) -> None:
    """The probe imports for real: the Pulumi SDK is there."""
    assert "pulumi" in loaded
