"""Dependency direction: cortex_aws uses boto3 and cortex_spec, never pulumi, infra or the CLI."""

from __future__ import annotations

import pytest

from tests.imports import loaded_by

FORBIDDEN = ("pulumi", "pulumi_aws", "pulumi_kubernetes", "infra", "cortex_cli", "typer", "rich")


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """Top-level packages loaded by a fresh interpreter that imports all of cortex_aws."""
    return loaded_by("cortex_aws")


@pytest.mark.parametrize("name", FORBIDDEN)
def test_cortex_aws_does_not_load(loaded: set[str], name: str) -> None:
    """Importing any cortex_aws module never loads `name` (nothing here prints or deploys)."""
    assert name not in loaded


def test_cortex_aws_loads_boto3_and_the_spec(loaded: set[str]) -> None:
    """The probe imports for real: boto3 and cortex_spec are there."""
    assert {"boto3", "botocore", "cortex_spec"} <= loaded


def test_price_table_ships_with_the_package() -> None:
    """The dated table is package data, with its source note beside it."""
    from importlib import resources

    data = resources.files("cortex_aws").joinpath("data")
    assert data.joinpath("aws-prices-cortex-v0.42.1.json").is_file()
    assert "Capture date: 2022-04-24" in data.joinpath("README.md").read_text(encoding="utf-8")
