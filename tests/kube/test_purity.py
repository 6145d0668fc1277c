"""Dependency direction: cortex_kube uses the Kubernetes client and cortex_spec, never
pulumi, infra, boto3 or the CLI."""

from __future__ import annotations

import pytest

from tests.imports import loaded_by

FORBIDDEN = ("pulumi", "pulumi_kubernetes", "infra", "cortex_cli", "boto3", "typer", "rich")


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """Top-level packages loaded by a fresh interpreter that imports all of cortex_kube."""
    return loaded_by("cortex_kube")


@pytest.mark.parametrize("name", FORBIDDEN)
def test_cortex_kube_does_not_load(loaded: set[str], name: str) -> None:
    """Importing any cortex_kube module never loads `name` (it reads, never deploys)."""
    assert name not in loaded


def test_cortex_kube_loads_the_official_client(loaded: set[str]) -> None:
    """The probe imports for real: the kubernetes client and cortex_spec are there."""
    assert {"kubernetes", "cortex_spec"} <= loaded
