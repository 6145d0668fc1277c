"""YAML scalars as `yaml.safe_load` reads them (YAML 1.1, PyYAML's resolver and safe
constructors), with the spec's bounds: integer literals are bounded before conversion,
timestamps and `!!binary` stay text (a spec has no use for dates or bytes, and they are not
JSON), other tags are refused, and text that cannot be written as UTF-8 (a lone surrogate)
is refused. `cortex_spec.composer` calls these on each scalar event.
"""

from __future__ import annotations

from typing import Any, Final

import yaml

from cortex_spec import limits
from cortex_spec.syntax import Refused

# Events and marks come from libyaml (yaml._yaml) or from PyYAML's pure parser; both have
# the same attributes, which their stubs do not share.
Event = Any
Mark = Any

TAG: Final = "tag:yaml.org,2002:"
MERGE: Final = f"{TAG}merge"
PLAIN_YAML: Final = "remove the tag (!!...): a spec holds plain YAML values"
_STR, _INT = f"{TAG}str", f"{TAG}int"
_PLAIN = {f"{TAG}{name}" for name in ("null", "bool", "int", "float", "str")}
_AS_TEXT = {f"{TAG}timestamp", f"{TAG}binary"}
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# First characters for which PyYAML's resolver may read a plain scalar as other than text
# (it files every implicit resolver under the first characters it can match; a resolver
# filed under None would match any, and turns the shortcut off).
_RESOLVED_FIRST = frozenset(key for key in _RESOLVER.yaml_implicit_resolvers if key)
_SHORTCUT = None not in _RESOLVER.yaml_implicit_resolvers


def resolve(event: Event) -> str:
    """The scalar's tag: its own, else the one PyYAML's implicit resolvers give it."""
    tag = event.tag
    if tag is not None and tag != "!":
        return str(tag)
    value = event.value
    if not event.implicit[0] or (_SHORTCUT and value and value[0] not in _RESOLVED_FIRST):
        return _STR  # quoted, or a plain scalar no implicit resolver can claim
    resolved: str = _RESOLVER.resolve(yaml.ScalarNode, value, event.implicit)  # type: ignore[no-untyped-call]
    return resolved


def construct(tag: str, event: Event) -> Any:
    """The scalar's value for `tag`, or a Refused error at its mark."""
    text = event.value
    if not text.isascii() and not _encodable(text):
        raise Refused(
            event.start_mark,
            "this text holds a lone surrogate (an escape such as \\ud800), which is not Unicode",
            "remove the \\ud800-\\udfff escape, or write the character itself",
        )
    if tag in _AS_TEXT:
        return text
    if tag not in _PLAIN:
        raise Refused(
            event.start_mark, f"could not determine a constructor for the tag {tag!r}", PLAIN_YAML
        )
    if tag == _STR:
        return text
    if tag == _INT and len(text) > limits.MAX_INTEGER_CHARS:
        raise Refused(
            event.start_mark,
            f"this integer is {len(text):,} characters long (at most "
            f"{limits.MAX_INTEGER_CHARS} are read)",
            "write a smaller number, or quote it to make it text",
        )
    if tag == _INT and text.isdecimal() and text.isascii() and (text[0] != "0" or text == "0"):
        return int(text)  # the common case, directly (YAML 1.1 reads a leading 0 as octal)
    node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
    except (ValueError, KeyError, OverflowError):
        kind = tag.removeprefix(TAG)
        raise Refused(
            event.start_mark,
            f"this value cannot be read as {kind} ({short(text)!r})",
            PLAIN_YAML,
        ) from None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def short(text: str) -> str:
    """`text` as quoted in a message: at most 40 characters."""
    return text if len(text) <= 40 else text[:37] + "..."
