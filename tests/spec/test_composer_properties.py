"""Properties of the event-bounded YAML reader (`cortex_spec.composer`): within the bounds
it reads what `yaml.safe_load` reads, and past them it refuses with a located SpecError,
whatever the input, never with a crash."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from cortex_spec.errors import SpecError
from cortex_spec.limits import MAX_DEPTH, MAX_EXPANDED_VALUES, MAX_INTEGER_CHARS
from cortex_spec.source import parse_yaml, to_plain

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
KEYS = st.text(st.characters(codec="utf-8", exclude_characters="\x85"), min_size=1, max_size=8)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    TEXT,
)


@st.composite
def shared_documents(draw: st.DrawFn) -> Any:
    """JSON-like documents where one value appears several times as the same object: the
    dumper writes it once with an anchor, then as aliases."""
    shared = draw(
        st.one_of(st.lists(SCALARS, max_size=3), st.dictionaries(KEYS, SCALARS, max_size=3))
    )
    return draw(
        st.recursive(
            st.one_of(SCALARS, st.just(shared)),
            lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(KEYS, c, max_size=4)),
            max_leaves=12,
        )
    )


def _read(text: str) -> tuple[Any, str | None]:
    """(the plain document, None), or (None, the rendered refusal)."""
    name = "n.yaml" if text.startswith("n: ") else "junk.yaml"
    try:
        node, _ = parse_yaml(text, name)
    except SpecError as error:
        return None, error.render()
    return to_plain(node), None


STYLES = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([None, True, False]),
        "default_style": st.sampled_from([None, "'", '"']),
        "width": st.sampled_from([20, 80, 10**6]),
        "allow_unicode": st.booleans(),
    }
)


@given(shared_documents(), STYLES)
def test_within_the_bounds_the_document_is_what_safe_load_reads(
    value: Any, style: dict[str, Any]
) -> None:
    """Any YAML within the bounds (any style, anchors and aliases included) reads as
    yaml.safe_load reads it."""
    text = yaml.dump(value, Dumper=_DUMPER, **style)
    expected = yaml.load(text, Loader=_LOADER)
    read, refused = _read(text)
    if refused is not None:
        # Keys YAML reads as equal or as non-text are refused here, on purpose.
        assert "duplicate key" in refused or "mapping keys must be text" in refused
    else:
        assert read == expected


@given(
    depth=st.integers(MAX_DEPTH + 1, 5 * MAX_DEPTH),
    opener=st.lists(st.sampled_from(["[", "{a: ", "- ", "[{b: "]), min_size=1, max_size=3),
    tail=st.text(st.sampled_from("]}[{,: -\nab1"), max_size=20),
)
def test_nesting_past_the_bound_is_a_located_error(
    depth: int, opener: list[str], tail: str
) -> None:
    """More than MAX_DEPTH nested lists or mappings, in flow or block style, whatever
    follows, is refused with a location on the first line, never a crash."""
    parts = [opener[i % len(opener)] for i in range(depth)]
    text = "".join(p if p != "- " else "\n" + "  " * i + "- " for i, p in enumerate(parts))
    with pytest.raises(SpecError) as caught:
        parse_yaml(text + tail, "deep.yaml")
    (problem,) = caught.value.problems
    assert problem.location is not None
    assert problem.location.file == "deep.yaml"


@given(st.integers(1, 2 * MAX_DEPTH))
def test_nesting_up_to_the_bound_reads_and_beyond_refuses(depth: int) -> None:
    """Exactly MAX_DEPTH nested lists read; one more is refused."""
    text = "[" * depth + "]" * depth
    if depth <= MAX_DEPTH:
        node, _ = parse_yaml(text, "d.yaml")
        value = to_plain(node)
        for _ in range(depth - 1):
            (value,) = value
        assert value == []
    else:
        with pytest.raises(SpecError, match="nested more than"):
            parse_yaml(text, "d.yaml")


@given(width=st.integers(2, 5), levels=st.integers(1, 14))
def test_alias_expansion_is_counted_exactly(width: int, levels: int) -> None:
    """A chain of aliases, each repeating the previous value `width` times, is read iff the
    values it expands to (every node written, plus each alias's repeated value) fit."""
    lines = [f"l0: &l0 [{', '.join(['x'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    sizes = [width + 1]
    for _ in range(1, levels):
        sizes.append(1 + width * sizes[-1])
    expanded = 1 + sum(1 + size for size in sizes)  # the root, and each key with its value
    text = "\n".join(lines)
    if expanded <= MAX_EXPANDED_VALUES:
        node, _ = parse_yaml(text, "a.yaml")
        assert len(to_plain(node)) == levels
    else:
        with pytest.raises(SpecError, match="expands to more than"):
            parse_yaml(text, "a.yaml")


@given(st.integers(1, 3 * MAX_INTEGER_CHARS), st.sampled_from(["", "-", "0x", "0b", "0o"]))
def test_integer_literals_are_read_iff_within_the_bound(digits: int, prefix: str) -> None:
    """Integers up to MAX_INTEGER_CHARS characters read exactly as int(); longer ones are a
    located error."""
    body = "1" * digits
    literal = prefix + body
    assume(prefix != "0o")  # YAML 1.1 octal is `0` followed by digits, not `0o`
    read, refused = _read(f"n: {literal}\n")
    if len(literal) > MAX_INTEGER_CHARS:
        assert refused is not None
        assert refused.startswith("n.yaml:1:4: invalid YAML: this integer is")
    else:
        base = {"0x": 16, "0b": 2}.get(prefix, 10)
        assert read == {"n": int(literal.replace("0x", "").replace("0b", ""), base)}


@given(st.text(st.sampled_from("[]{}:,-&*!|>'\"#%@` \n\tab01.<?"), max_size=80))
def test_any_text_reads_or_is_a_located_error(text: str) -> None:
    """Arbitrary YAML punctuation either reads or raises SpecError, never anything else."""
    _, refused = _read(text)
    assert refused is None or refused.startswith("junk.yaml:")
