"""`cortex-infra schema` in an editor: Red Hat's yaml-language-server (the engine of the
YAML editor extensions, tools/yaml-ls) applies the printed schema through a file's modeline.
Both files of the Cortex v0.42 pair and every example get no diagnostic; a typo in an
optional field gets one, on the typo's own key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cortex_spec.schema import json_schema
from tests.cli.editor import Editor
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Editor, Path, str]]:
    folder = tmp_path_factory.mktemp("editor")
    schema = folder / "cortex.schema.json"
    schema.write_text(json.dumps(json_schema()))
    server = Editor()
    try:
        yield server, folder, f"# yaml-language-server: $schema={schema.as_uri()}\n"
    finally:
        server.close()


@pytest.mark.parametrize(
    "spec",
    [
        EXAMPLES / "cortex-v0.42" / "cortex.yaml",
        EXAMPLES / "cortex-v0.42" / "cluster.yaml",
        *sorted(p for p in EXAMPLES.glob("*/cortex.yaml") if p.parent.name != "cortex-v0.42"),
    ],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_examples_and_the_cortex_pair_have_no_diagnostics(
    editor: tuple[Editor, Path, str], spec: Path
) -> None:
    """The editor flags nothing in files `validate` accepts, Cortex v0.42's included."""
    server, folder, modeline = editor
    opened = folder / f"{spec.parent.name}-{spec.name}"
    assert server.diagnostics(modeline + spec.read_text(), opened) == []


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        (
            "cluster:\n  region: us-west-2\n  node_groups:\n    - name: a\n"
            "      instance_type: m5.large\n      min_instancez: 1\n",
            6,
            "min_instancez",
        ),
        (
            "- name: a\n  kind: RealtimeAPI\n  pod:\n    containers:\n      - name: api\n"
            "        image: x:1\n  autoscaling:\n    max_replicaz: 3\n",
            8,
            "max_replicaz",
        ),
    ],
)
def test_a_typo_is_flagged_on_its_own_key(
    editor: tuple[Editor, Path, str], text: str, line: int, key: str
) -> None:
    """One diagnostic, on the mistyped key's line and columns (not on the list above it)."""
    server, folder, modeline = editor
    [found] = server.diagnostics(modeline + text, folder / f"typo-{key}.yaml")
    start, end = found["range"]["start"], found["range"]["end"]
    source = (modeline + text).splitlines()[start["line"]]
    assert start["line"] == line
    assert source[start["character"] : end["character"]] == key
