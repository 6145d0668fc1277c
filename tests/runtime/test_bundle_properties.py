"""Property tests of the bundle's path rules: defaults always win, the walk equals the rules."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from runtime import bundle
from runtime.bundle import Rules, build_bundle

NAMES = ["a", "b", "c.py", "d.txt", ".git", ".venv", "__pycache__", "x.pyc", "e f", "ü"]
PATTERNS = [
    "*.py",
    "a/",
    "/b",
    "!a/c.py",
    "c*",
    "**/d.txt",
    "!*.txt",
    "a/**/x.pyc",
    "!.venv/",
    "!*.pyc",
    "*",
    "!*/",
    "e f",
    "\\!x",
    "# c",
    "",
]
DEFAULT_FOLDERS = {".git", ".venv", "__pycache__"}

paths = st.lists(st.sampled_from(NAMES), min_size=1, max_size=3).map("/".join)


def consistent(files: list[str]) -> bool:
    """No path is both a file and a folder of another path."""
    folders = {f.rsplit("/", i)[0] for f in files for i in range(1, f.count("/") + 1)}
    return not folders & set(files)


trees = st.lists(paths, min_size=1, max_size=12, unique=True).filter(consistent)
ignores = st.lists(st.sampled_from(PATTERNS), max_size=5)


def default_excluded(path: str) -> bool:
    *folders, _ = path.split("/")
    # `*.pyc` has no slash, so as in git it names folders too
    return bool(DEFAULT_FOLDERS & set(folders)) or any(
        part.endswith(".pyc") for part in path.split("/")
    )


@given(trees, ignores)
def test_defaults_are_never_selected_and_selection_is_a_sorted_subset(
    files: list[str], ignore: list[str]
) -> None:
    """Whatever .cortexignore says, .git/.venv/__pycache__/*.pyc stay out; output is sorted."""
    kept = Rules(ignore).select(files)
    assert kept == sorted(set(kept))
    assert set(kept) <= set(files)
    assert not [path for path in kept if default_excluded(path)]


@given(trees)
def test_without_an_ignore_file_only_the_defaults_are_left_out(files: list[str]) -> None:
    """An empty .cortexignore keeps every file the default excludes do not name."""
    assert Rules([]).select(files) == sorted(f for f in files if not default_excluded(f))


# Each example writes a tree to disk; the pure properties above carry the example count.
@settings(max_examples=100)
@given(trees, ignores)
def test_the_folder_walk_ships_what_the_rules_select_and_unpacks_it_intact(
    files: list[str], ignore: list[str]
) -> None:
    """build_bundle's pruning walk equals Rules.select, and extract() restores every byte."""
    with tempfile.TemporaryDirectory() as temp:
        root, out = Path(temp, "src"), Path(temp, "out")
        for path in files:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(f"content of {path}")
        (root / ".cortexignore").write_text("\n".join(ignore))
        built = build_bundle(root)
        expected = Rules(ignore).select([*files, ".cortexignore"])
        assert list(built.files) == expected
        assert bundle.extract(built.data, out) == expected
        for path in expected:
            assert (out / path).read_bytes() == (root / path).read_bytes()
