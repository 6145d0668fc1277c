"""Dependency direction: cortex_spec is pure (no pulumi, no boto3, no infra or CLI code)."""

from __future__ import annotations

import pytest

from tests.imports import loaded_by

FORBIDDEN = (
    "pulumi",
    "pulumi_aws",
    "pulumi_kubernetes",
    "boto3",
    "botocore",
    "infra",
    "cortex_cli",
)


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """Top-level packages loaded by a fresh interpreter that imports all of cortex_spec."""
    return loaded_by("cortex_spec")


@pytest.mark.parametrize("package", FORBIDDEN)
def test_cortex_spec_does_not_import(package: str, loaded: set[str]) -> None:
    """Importing any cortex_spec module never loads pulumi, boto3, infra or cortex_cli."""
    assert package not in loaded


def test_probe_sees_what_it_imports(loaded: set[str]) -> None:
    """The probe itself works: it reports cortex_spec and its real dependencies."""
    assert {"cortex_spec", "pydantic", "yaml"} <= loaded
