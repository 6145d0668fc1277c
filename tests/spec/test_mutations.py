"""Robustness: however a valid spec is damaged, loading it succeeds or raises a located SpecError.

Seeds are the examples and the valid golden cases. Each example draws one to three mutations of the
text (truncation, re-indentation, a duplicated or junk line) or of the parsed tree (a key
deleted, a value of another type, a junk key), applied to the spec or to its Cortex
cluster.yaml. Anything but success or SpecError is a bug.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from cortex_spec import SpecError, load_spec
from tests.conftest import EXAMPLES

VALID = Path(__file__).parent / "cases" / "valid"
# libyaml keeps 2,000 examples fast; the loader under test uses it too.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Wrong types, and values at the edges of the parsers (huge quantities and durations).
JUNK_VALUES: list[Any] = [
    *(None, 0, -1, 10**6, 10**30, 2.5, 1e300, True, "", "x", "-3", "1e400"),
    *("9" * 5000, "2562048h", "0.0001m", [], {}, [1], {"a": 1}, [{"name": 1}]),
]
JUNK_LINES = ["junk: [", "  - 1", "::", "\t- x", "apis: 5", "? a", "cluster: null", "&a *a"]


@dataclass(frozen=True)
class Seed:
    folder: Path
    spec: str
    cluster: str | None
    environments: tuple[str | None, ...]


def _seeds() -> list[Seed]:
    seeds = []
    for spec in sorted(EXAMPLES.glob("*/cortex.yaml")):
        cluster = spec.parent / "cluster.yaml"
        data = yaml.safe_load(spec.read_text())
        envs = tuple(data.get("environments") or ()) if isinstance(data, dict) else ()
        seeds.append(
            Seed(
                spec.parent,
                spec.read_text(),
                cluster.read_text() if cluster.exists() else None,
                (None, *envs),
            )
        )
    for spec in sorted(VALID.glob("*.yaml")):
        if spec.name.count(".") == 1:
            cluster = spec.with_suffix(".cluster.yaml")
            text = cluster.read_text() if cluster.exists() else None
            seeds.append(Seed(VALID, spec.read_text(), text, (None,)))
    return seeds


SEEDS = _seeds()


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """A scratch copy of the examples' Python files, so predictor paths resolve."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for seed in SEEDS:
            for source in seed.folder.glob("*.py"):
                shutil.copy(source, root / source.name)
        yield root


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _tree_mutation(draw: st.DrawFn, text: str) -> str:
    data = yaml.load(text, Loader=_LOADER)
    paths = [p for p in _paths(data) if p]
    if not paths:
        return yaml.dump(draw(st.sampled_from(JUNK_VALUES)), Dumper=_DUMPER)
    path = draw(st.sampled_from(paths))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["delete", "replace", "junk_key"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "replace":
        parent[path[-1]] = draw(st.sampled_from(JUNK_VALUES))
    elif isinstance(parent[path[-1]], dict):
        parent[path[-1]][draw(st.sampled_from(["zzz", "name", "kind", "spot", "1"]))] = draw(
            st.sampled_from(JUNK_VALUES)
        )
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False)


def _text_mutation(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines()
    action = draw(st.sampled_from(["truncate", "indent", "duplicate", "junk_line"]))
    if action == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if not lines:
        return text
    index = draw(st.integers(0, len(lines) - 1))
    if action == "indent":
        shift = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
        line = lines[index]
        lines[index] = " " * shift + line if shift > 0 else line[min(-shift, len(line)) :]
    elif action == "duplicate":
        lines.insert(index, lines[index])
    else:
        lines.insert(index, draw(st.sampled_from(JUNK_LINES)))
    return "\n".join(lines) + "\n"


@st.composite
def damaged(draw: st.DrawFn) -> tuple[Seed, str, str | None, str | None]:
    seed = draw(st.sampled_from(SEEDS))
    spec, cluster = seed.spec, seed.cluster
    for _ in range(draw(st.integers(1, 3))):
        mutate = draw(st.sampled_from([_tree_mutation, _text_mutation]))
        try:
            if cluster is not None and draw(st.booleans()):
                cluster = mutate(draw, cluster)
            else:
                spec = mutate(draw, spec)
        except yaml.YAMLError:
            break  # an earlier text mutation left YAML the tree mutations cannot parse
    return seed, spec, cluster, draw(st.sampled_from(seed.environments))


@given(case=damaged())
def test_damaged_spec_loads_or_raises_located_spec_error(
    case: tuple[Seed, str, str | None, str | None], workdir: Path
) -> None:
    """Loading never raises anything but SpecError, and every problem has a location."""
    _, spec_text, cluster_text, environment = case
    spec = workdir / "cortex.yaml"
    spec.write_text(spec_text)
    cluster = workdir / "cluster.yaml"
    if cluster_text is not None:
        cluster.write_text(cluster_text)
    error: SpecError | None = None
    try:
        load_spec(
            spec,
            cluster_config=cluster if cluster_text is not None else None,
            environment=environment,
        )
    except SpecError as caught:
        error = caught
    if error is None:
        event("loaded")
        return
    event("yaml error" if "invalid YAML" in error.render() else "spec error")
    assert error.problems
    for problem in error.problems:
        assert problem.location is not None, problem.render()
        assert problem.location.line >= 1
        assert problem.location.col >= 1
    assert error.render()
