"""The JSON Schema accepts everything the loader accepts: whenever a damaged example or
valid case (the mutations of test_mutations.py) still loads, in its base and in every
environment it defines, its files validate against the printed schema at the root, as an
editor applies it. (The loader checks the overrides of the environment it loads; the
schema checks every environment's, so a file is compared once valid in all of them.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import event, given

from cortex_spec import SpecError, load_spec
from cortex_spec.schema import json_schema
from tests.spec.test_mutations import Seed, damaged, workdir  # noqa: F401 - fixture

VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def _violations(text: str) -> list[str]:
    document: Any = yaml.safe_load(text)
    return [f"{list(e.absolute_path)}: {e.message[:160]}" for e in VALIDATOR.iter_errors(document)]


@given(case=damaged())
def test_whatever_loads_satisfies_the_schema(
    case: tuple[Seed, str, str | None, str | None],
    workdir: Path,  # noqa: F811
) -> None:
    """A spec the loader accepts (in any environment) is never flagged by the schema."""
    _, spec_text, cluster_text, environment = case
    spec = workdir / "cortex.yaml"
    spec.write_text(spec_text)
    cluster = workdir / "cluster.yaml"
    if cluster_text is not None:
        cluster.write_text(cluster_text)
    try:
        document = yaml.safe_load(spec_text)
        defined = document.get("environments") if isinstance(document, dict) else None
        names = [str(n) for n in defined] if isinstance(defined, dict) else []
        for name in dict.fromkeys([environment, None, *names]):
            load_spec(
                spec,
                cluster_config=cluster if cluster_text is not None else None,
                environment=name,
            )
    except (SpecError, yaml.YAMLError):
        event("rejected by the loader")
        return
    event("loaded")
    assert _violations(spec_text) == []
    if cluster_text is not None:
        assert _violations(cluster_text) == []


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_an_empty_file_is_not_flagged(text: str) -> None:
    """An empty document (null) is what an editor shows a new file as: no error."""
    assert _violations(text) == [] or yaml.safe_load(text) is None
