"""The located-YAML parser: plain values survive, locations are exact, and hostile YAML is
refused with a located SpecError instead of a crash."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cortex_spec.errors import Location, SpecError
from cortex_spec.source import MAX_DEPTH, MAX_VALUES, MapNode, locate, node_at, parse_yaml, to_plain

# Surrogates cannot be written as UTF-8, so no YAML file can hold them.
TEXT = st.text(st.characters(codec="utf-8"), max_size=20)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**64), 2**64), st.floats(allow_nan=False), TEXT
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=30,
)


# yaml.safe_dump's libyaml twin: the same safe representer, an emitter fast enough for
# 2,000 examples.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
KEYS = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


@given(DOCUMENTS)
def test_plain_values_survive_a_round_trip(value: Any) -> None:
    """to_plain(parse_yaml(yaml.safe_dump(x))) == x for any JSON-like document."""
    node, _ = parse_yaml(yaml.dump(value, Dumper=_DUMPER), "doc.yaml")
    assert to_plain(node) == value


@given(st.dictionaries(KEYS, SCALARS, min_size=1))
def test_every_key_is_located_on_its_own_line(value: dict[str, Any]) -> None:
    """Block-style keys are located at line N, column 1 of the line that holds them."""
    text = yaml.dump(value, Dumper=_DUMPER, default_flow_style=False, width=10**6)
    node, _ = parse_yaml(text, "doc.yaml")
    lines = text.splitlines()
    for key in value:
        loc = locate(node, (key,))
        assert loc is not None
        # YAML 1.1 words such as `no` are dumped quoted.
        assert lines[loc.line - 1].startswith((f"{key}:", f"'{key}':"))
        assert loc.col == 1


def test_locate_falls_back_to_the_nearest_parent() -> None:
    """A path that leaves the tree resolves to the deepest node that exists."""
    node, _ = parse_yaml("cluster:\n  region: us-west-2\n", "c.yaml")
    assert locate(node, ("cluster", "node_groups", 0, "name")) == Location("c.yaml", 1, 1)
    assert locate(node, ("cluster", "region")) == Location("c.yaml", 2, 3)
    assert node_at(node, ("cluster", "missing")) is None


def test_merge_keys_keep_their_own_locations() -> None:
    """`<<: *base` copies keys with the location they were written at; local keys win."""
    text = "base: &b\n  a: 1\n  b: 2\nitem:\n  <<: *b\n  b: 3\n"
    node, _ = parse_yaml(text, "m.yaml")
    assert to_plain(node_at(node, ("item",))) == {"a": 1, "b": 3}
    assert locate(node, ("item", "a")) == Location("m.yaml", 2, 3)
    assert locate(node, ("item", "b")) == Location("m.yaml", 6, 3)


def _refusal(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        parse_yaml(text, "bad.yaml")
    (problem,) = caught.value.problems
    assert problem.location is not None
    return problem.render()


def test_recursive_alias_is_refused() -> None:
    """An alias inside the value it names would recurse forever; it is refused."""
    assert "refers to a value that contains it" in _refusal("a: &x\n  b: *x\n")


def test_alias_bombs_are_refused() -> None:
    """Aliases that multiply into more than MAX_VALUES values are refused, quickly."""
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 40)]
    assert f"more than {MAX_VALUES} values" in _refusal("\n".join(lines))


def test_deep_nesting_is_refused() -> None:
    """More than MAX_DEPTH levels is refused instead of exhausting the stack."""
    depth = MAX_DEPTH + 10
    assert "nested more than" in _refusal("a: " + "[" * depth + "]" * depth)


def test_huge_integers_are_refused() -> None:
    """Integers Python will not convert from text are a located error, not a ValueError."""
    assert "too large to read" in _refusal("a: " + "9" * 5000)


def test_control_characters_are_located() -> None:
    """A control character is reported at its own line and column."""
    rendered = _refusal("a: 1\nb: x\x01y\n")
    assert rendered.startswith("bad.yaml:2:5: invalid YAML: the character U+0001")


def test_non_text_keys_are_refused() -> None:
    """Keys must be text; `1:` or `[a]:` are refused with a quoting hint."""
    assert "mapping keys must be text (got integer 1)" in _refusal("1: a\n")
    assert "mapping keys must be text (got a list)" in _refusal("? [a]\n: 1\n")


def test_unclosed_bracket_points_at_the_bracket() -> None:
    """An unclosed flow list is reported where the [ opens, not at the end of the file."""
    rendered = _refusal("a:\n  b: [1, 2\n  c: 3\n")
    assert rendered.startswith("bad.yaml:2:6: invalid YAML: this list is never closed with ]")


def test_empty_document_is_none() -> None:
    """Whitespace and comments parse to no document at all."""
    assert parse_yaml("# nothing\n\n", "e.yaml")[0] is None
    node, source = parse_yaml("a: 1\n", "e.yaml")
    assert isinstance(node, MapNode)
    assert source.excerpt(Location("e.yaml", 1, 1)) == "a: 1"
    assert source.excerpt(Location("e.yaml", 9, 1)) is None
