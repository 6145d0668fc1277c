"""Dependency direction: cortex_aws uses boto3 and cortex_spec, never pulumi, infra or the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

FORBIDDEN = ("pulumi", "pulumi_aws", "pulumi_kubernetes", "infra", "cortex_cli", "typer", "rich")

# Imports every module of the package, then reports which top-level packages got loaded.
_PROBE = """
import importlib, json, pkgutil, sys
import cortex_aws
for module in pkgutil.walk_packages(cortex_aws.__path__, "cortex_aws."):
    importlib.import_module(module.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.fixture(scope="module")
def loaded() -> list[str]:
    """Top-level packages loaded by a fresh interpreter that imports all of cortex_aws."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    names: list[str] = json.loads(result.stdout)
    return names


@pytest.mark.parametrize("name", FORBIDDEN)
def test_cortex_aws_does_not_load(loaded: list[str], name: str) -> None:
    """Importing any cortex_aws module never loads `name` (nothing here prints or deploys)."""
    assert name not in loaded


def test_cortex_aws_loads_boto3_and_the_spec(loaded: list[str]) -> None:
    """The probe imports for real: boto3 and cortex_spec are there."""
    assert {"boto3", "botocore", "cortex_spec"} <= set(loaded)


def test_price_table_ships_with_the_package() -> None:
    """The dated table is package data, with its source note beside it."""
    from importlib import resources

    data = resources.files("cortex_aws").joinpath("data")
    assert data.joinpath("aws-prices-cortex-v0.42.1.json").is_file()
    assert "Capture date: 2022-04-24" in data.joinpath("README.md").read_text(encoding="utf-8")
