"""Dependency direction: the program (infra) never reaches into the tools about it."""

from __future__ import annotations

import pytest

from tests.imports import loaded_by


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """Top-level packages loaded by a fresh interpreter that imports all of infra."""
    return loaded_by("infra")


@pytest.mark.parametrize("name", ["offline", "cortex_cli", "cortex_aws", "typer", "boto3"])
def test_infra_does_not_load(loaded: set[str], name: str) -> None:
    """Importing any infra module never loads `name`: the offline engine, the CLI and the
    boto3 checks are about the program, never part of it."""
    assert name not in loaded


def test_infra_loads_pulumi_and_the_spec(loaded: set[str]) -> None:
    """The probe imports for real: the providers and cortex_spec are there."""
    assert {"pulumi", "pulumi_aws", "pulumi_kubernetes", "cortex_spec"} <= loaded
