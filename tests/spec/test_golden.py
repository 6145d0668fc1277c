"""Golden cases: every spec under cases/valid loads, every spec under cases/invalid fails
with exactly the message in its `.expected` file.

Files of a case `NAME` in its folder:
- `NAME.yaml`: the spec (the only files with a single dot are cases);
- `NAME.cluster.yaml`: a Cortex v0.42 cluster.yaml; the spec is then its API list;
- `NAME.env`: the environment to load (`--env`);
- `NAME.expected`: the full rendered SpecError (invalid cases only).
`predictor.py` in each folder serves the predictor-form cases.

Regenerate expectations with `CORTEX_UPDATE_GOLDEN=1`, then review the diff line by line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cortex_spec import Spec, SpecError, load_spec

CASES = Path(__file__).parent / "cases"
UPDATE = os.environ.get("CORTEX_UPDATE_GOLDEN") == "1"
HEADLINE = re.compile(r"^(?P<file>[\w.-]+\.yaml):\d+:\d+: ")


def _cases(kind: str) -> list[str]:
    return sorted(p.stem for p in (CASES / kind).glob("*.yaml") if p.name.count(".") == 1)


def _load(kind: str, name: str, monkeypatch: pytest.MonkeyPatch) -> Spec:
    folder = CASES / kind
    # Relative paths keep the rendered messages identical on every machine.
    monkeypatch.chdir(folder)
    cluster = folder / f"{name}.cluster.yaml"
    env_file = folder / f"{name}.env"
    return load_spec(
        f"{name}.yaml",
        cluster_config=cluster.name if cluster.exists() else None,
        environment=env_file.read_text().strip() if env_file.exists() else None,
    )


@pytest.mark.parametrize("name", _cases("valid"))
def test_valid_case_loads(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid case loads, and the files it was read from are recorded."""
    spec = _load("valid", name, monkeypatch)
    assert f"{name}.yaml" in spec.files


@pytest.mark.parametrize("name", _cases("invalid"))
def test_invalid_case_matches_expected(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An invalid case raises SpecError rendering exactly as its reviewed `.expected` file."""
    with pytest.raises(SpecError) as caught:
        _load("invalid", name, monkeypatch)
    rendered = caught.value.render() + "\n"
    expected = CASES / "invalid" / f"{name}.expected"
    if UPDATE:
        expected.write_text(rendered)
    assert expected.exists(), f"{expected.name} is missing; run with CORTEX_UPDATE_GOLDEN=1"
    assert rendered == expected.read_text()


@pytest.mark.parametrize("name", _cases("invalid"))
def test_invalid_case_locates_every_problem(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every problem of an invalid case starts with file:line:col in one of the case's files."""
    with pytest.raises(SpecError) as caught:
        _load("invalid", name, monkeypatch)
    assert caught.value.problems
    for problem in caught.value.problems:
        match = HEADLINE.match(problem.headline())
        assert match is not None, problem.headline()
        assert match["file"] in (f"{name}.yaml", f"{name}.cluster.yaml")


def test_every_expected_file_has_a_case() -> None:
    """No orphaned `.expected` files: each belongs to a case that still exists."""
    cases = set(_cases("invalid"))
    orphans = [p.name for p in (CASES / "invalid").glob("*.expected") if p.stem not in cases]
    assert orphans == []


def test_there_are_enough_invalid_cases() -> None:
    """The invalid corpus covers the rules: at least 25 cases."""
    assert len(_cases("invalid")) >= 25
