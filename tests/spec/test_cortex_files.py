"""Cortex's own v0.42 API files of every supported kind load unchanged (cortex_files/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cortex_spec import load_spec
from tests.conftest import EXAMPLES

FILES = Path(__file__).parent / "cortex_files"
CLUSTER = EXAMPLES / "cortex-v0.42" / "cluster.yaml"


def _files() -> list[str]:
    return sorted(p.name for p in FILES.glob("*.yaml"))


def _listed() -> dict[str, str]:
    """file → its kinds column, from the table of SOURCES.md."""
    rows = re.findall(
        r"^\| `([^`]+\.yaml)` \| `[^`]+` \| ([^|]+) \|$", (FILES / "SOURCES.md").read_text(), re.M
    )
    return {name: kinds.strip() for name, kinds in rows}


def test_every_file_has_its_origin() -> None:
    """Each copied file is listed in SOURCES.md with its Cortex path, and only those."""
    assert set(_listed()) == set(_files())


@pytest.mark.parametrize("name", _files())
def test_cortex_file_loads_unchanged(name: str) -> None:
    """The file loads with the Cortex cluster.yaml, with every API of the kinds listed."""
    spec = load_spec(FILES / name, cluster_config=CLUSTER)
    kinds = {api.kind for api in spec.entries}
    listed = {k.split(" ")[0] for k in _listed()[name].split(", ")}
    assert kinds == listed
    assert len(spec.entries) == len(spec.positions)


def test_traffic_splitter_file_splits_as_cortex_did() -> None:
    """hello-world: a 30/70 split between A and B, the shadow copied every request."""
    spec = load_spec(FILES / "trafficsplitter-hello-world-cpu.yaml", cluster_config=CLUSTER)
    splitter = spec.splitter("hello-world")
    assert [(t.name, t.weight) for t in splitter.primaries] == [
        ("hello-world-a", 30),
        ("hello-world-b", 70),
    ]
    assert splitter.shadow is not None
    assert (splitter.shadow.name, splitter.shadow.weight) == ("hello-world-shadow", 100)
    assert splitter.endpoint == "/hello-world"
