"""The located-YAML parser: plain values survive, locations are exact, and hostile YAML is
refused with a located SpecError instead of a crash."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cortex_spec import composer, source
from cortex_spec.errors import Location, SpecError
from cortex_spec.limits import MAX_INTEGER_CHARS
from cortex_spec.source import MAX_DEPTH, MAX_VALUES, MapNode, locate, node_at, parse_yaml, to_plain
from tests.conftest import EXAMPLES

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
    """Aliases that multiply into more than MAX_VALUES values are refused, at the alias that
    crosses the bound, without expanding anything."""
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 40)]
    rendered = _refusal("\n".join(lines))
    assert f"expands to more than {MAX_VALUES:,} values once alias *a" in rendered
    assert rendered.startswith("bad.yaml:16:18: ")


def test_deep_nesting_is_refused() -> None:
    """More than MAX_DEPTH levels is refused instead of exhausting the stack."""
    depth = MAX_DEPTH + 10
    assert "nested more than" in _refusal("a: " + "[" * depth + "]" * depth)


@pytest.mark.parametrize(
    "literal",
    ["9" * 5000, "0x" + "f" * 5000, "0b" + "1" * 200, "-" + "1_" * 100 + "1", "1" + ":59" * 60],
    ids=["decimal", "hexadecimal", "binary", "separators", "sexagesimal"],
)
def test_long_integer_literals_are_refused_before_conversion(literal: str) -> None:
    """An integer literal longer than MAX_INTEGER_CHARS is a located error: Python refuses
    decimal ones past 4,300 digits, and converts hexadecimal ones into floats' overflow."""
    rendered = _refusal(f"a: {literal}")
    assert rendered.startswith(f"bad.yaml:1:4: invalid YAML: this integer is {len(literal):,}")


def test_integer_literals_within_the_bound_are_read() -> None:
    """At MAX_INTEGER_CHARS characters an integer is still read, exactly."""
    literal = "9" * MAX_INTEGER_CHARS
    node, _ = parse_yaml(f"a: {literal}\nb: 0x{'f' * 126}\n", "doc.yaml")
    assert to_plain(node) == {"a": int(literal), "b": int("f" * 126, 16)}


def test_deep_nesting_through_aliases_is_refused() -> None:
    """An alias counts as deep as the value it repeats: chains cannot nest past MAX_DEPTH."""
    deep = "[" * 40 + "]" * 40
    text = f"a: &a {deep}\nb: &b [[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
    assert f"nested more than {MAX_DEPTH} levels deep once alias *a" in _refusal(text)


def test_lone_surrogates_are_refused() -> None:
    """Text that cannot be written as UTF-8 never reaches an output that would crash on it."""
    rendered = _refusal('a: "\\ud800"\n')
    # libyaml refuses the escape as it scans; PyYAML's pure scanner lets the composer do it.
    assert rendered.startswith(
        (
            "bad.yaml:1:4: invalid YAML: this text holds a lone surrogate",
            "bad.yaml:1:7: invalid YAML: found invalid Unicode character escape code",
        )
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!python/object:os.system x\n", "could not determine a constructor"),
        ("a: !!set {x, y}\n", "could not determine a constructor for the tag"),
        ("a: !!int abc\n", "cannot be read as int"),
        ("a: !!bool maybe\n", "cannot be read as bool"),
        ("a: &x 1\nb: &x 2\n", "the anchor &x is defined twice (first on line 1)"),
        ("a: *nowhere\n", "found undefined alias 'nowhere'"),
        ("- <<\n", "could not determine a constructor for the tag"),
        ("a: 1\n---\nb: 2\n", "a second one starts here"),
    ],
)
def test_what_safe_load_refuses_is_refused(text: str, message: str) -> None:
    """Tags, anchors and documents yaml.safe_load refuses are located errors here too."""
    assert message in _refusal(text)


def test_timestamps_and_binary_stay_text() -> None:
    """Dates and !!binary are kept as written: a spec has no use for them, JSON has no type."""
    node, _ = parse_yaml("a: 2024-02-30\nb: !!binary aGk=\n", "doc.yaml")
    assert to_plain(node) == {"a": "2024-02-30", "b": "aGk="}


def test_merge_precedence_matches_pyyaml() -> None:
    """Own keys win over `<<`; in one `<<` list the first source wins; a later `<<` key wins
    over an earlier one, as in yaml.safe_load."""
    text = (
        "x: &x {a: x, b: x, c: x}\ny: &y {a: y, b: y, d: y}\nz: &z {a: z, e: z}\n"
        "m:\n  <<: [*x, *y]\n  <<: *z\n  c: own\n"
    )
    node, _ = parse_yaml(text, "doc.yaml")
    assert to_plain(node_at(node, ("m",))) == yaml.safe_load(text)["m"]


def test_one_line_excerpts_are_windowed() -> None:
    """A one-line document points at its mistake in about 160 characters, not megabytes."""
    rendered = _refusal("[" + "1, " * 100_000 + "&a 1, *b]")
    excerpt, caret = rendered.splitlines()[1:3]
    assert len(excerpt) < 200
    assert excerpt.index("*b") == caret.index("^")


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


@pytest.mark.parametrize(
    "text",
    [
        (EXAMPLES / "mixed" / "cortex.yaml").read_text(),
        "a: &a [1, {b: *x}]\n",
        "a: " + "[" * 5000,
        "a: 1\nb: x\x01y\n",
        'a: "\\ud800"\n',
    ],
    ids=["mixed-example", "undefined-alias", "deep", "control-character", "surrogate"],
)
def test_the_pure_python_parser_gives_the_same_answers(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml, PyYAML's own event parser feeds the same composer: the same tree, or
    a refusal at the same line."""

    def outcome() -> object:
        try:
            node, _ = parse_yaml(text, "doc.yaml")
        except SpecError as error:
            (problem,) = error.problems
            assert problem.location is not None
            return problem.location.line
        return to_plain(node)

    with_libyaml = outcome()
    monkeypatch.setattr(composer, "_Parser", yaml.SafeLoader)
    monkeypatch.setattr(composer, "USES_LIBYAML", False)
    monkeypatch.setattr(source, "USES_LIBYAML", False)
    assert outcome() == with_libyaml
