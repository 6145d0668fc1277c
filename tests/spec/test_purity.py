"""Dependency direction: cortex_spec is pure (no pulumi, no boto3, no infra or CLI code)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

FORBIDDEN = (
    "pulumi",
    "pulumi_aws",
    "pulumi_kubernetes",
    "boto3",
    "botocore",
    "infra",
    "cortex_cli",
)

# Imports every module of the package, then reports which top-level packages got loaded.
_PROBE = """
import importlib, json, pkgutil, sys
import cortex_spec
for module in pkgutil.walk_packages(cortex_spec.__path__, "cortex_spec."):
    importlib.import_module(module.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.fixture(scope="module")
def loaded() -> list[str]:
    """Top-level packages loaded by a fresh interpreter that imports all of cortex_spec."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    names: list[str] = json.loads(result.stdout)
    return names


@pytest.mark.parametrize("package", FORBIDDEN)
def test_cortex_spec_does_not_import(package: str, loaded: list[str]) -> None:
    """Importing any cortex_spec module never loads pulumi, boto3, infra or cortex_cli."""
    assert package not in loaded


def test_probe_sees_what_it_imports(loaded: list[str]) -> None:
    """The probe itself works: it reports cortex_spec and its real dependencies."""
    assert {"cortex_spec", "pydantic", "yaml"} <= set(loaded)
