"""What importing a package drags in, seen from a fresh interpreter (so earlier tests cannot
have loaded anything already): the dependency-direction tests of each package use it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

# Imports every module of the package, then reports which top-level packages got loaded.
_PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module({package!r})
for module in pkgutil.walk_packages(package.__path__, {package!r} + "."):
    importlib.import_module(module.name)
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def loaded_by(package: str) -> set[str]:
    """Top-level packages loaded once every module of `package` is imported."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(package=package)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    names: list[str] = json.loads(result.stdout)
    return set(names)
