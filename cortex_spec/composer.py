"""YAML text to located nodes, one parser event at a time, refusing what is too big first.

PyYAML's composers (libyaml's through `CSafeLoader`, and the pure-Python one) build the whole
document before anything can be checked, and recurse once per nesting level: ~30,000 nested
`[` crashed the process. Here the document is built from the parser's event stream with an
explicit stack, and every bound of `cortex_spec.limits` is checked on the event that would
cross it: depth when a list or mapping opens, written nodes on every node, expanded values on
every alias (by the size of the value it repeats, without copying it). Aliases share the
node they name, so the located tree is never larger than the file.

Scalars are resolved and constructed as `yaml.safe_load` does (YAML 1.1, PyYAML's resolver),
except that integer literals are bounded before conversion, timestamps and binary scalars
stay text, and text that cannot be written as UTF-8 (lone surrogates) is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import yaml
from yaml import events

from cortex_spec import limits
from cortex_spec.errors import Location
from cortex_spec.frames import Anchor, Frame
from cortex_spec.nodes import Entry, MapNode, Node, ScalarNode, SeqNode
from cortex_spec.scalars import MERGE, PLAIN_YAML, TAG, Event, Mark, construct, resolve, short
from cortex_spec.syntax import Refused, describe_scalar

# libyaml's event parser when PyYAML was built with it; its events are the pure parser's.
_Parser: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
USES_LIBYAML: Final = _Parser is not yaml.SafeLoader
_MAP, _SEQ = f"{TAG}map", f"{TAG}seq"
_TEXT_KEY = "write keys as plain words, e.g. region:"


class Composer:
    """Builds one document's located tree from `text`, which came from file `name`."""

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.parser = _Parser(text)
        self.anchors: dict[str, Anchor] = {}
        self.stack: list[Frame] = []
        self.nodes = 0
        self.values = 0
        self.root: Node | None = None

    def compose(self) -> Node | None:
        handlers: dict[type[events.Event], Callable[[Any], None]] = {
            events.ScalarEvent: self._scalar,
            events.MappingStartEvent: self._open_map,
            events.SequenceStartEvent: self._open_seq,
            events.MappingEndEvent: self._close,
            events.SequenceEndEvent: self._close,
            events.AliasEvent: self._alias,
            events.DocumentStartEvent: self._document,
        }
        try:
            while True:
                event = self.parser.get_event()  # type: ignore[no-untyped-call]
                if event is None or type(event) is events.StreamEndEvent:
                    return self.root
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
        finally:
            self.parser.dispose()

    # --- events -----------------------------------------------------------------------

    def _document(self, event: Event) -> None:
        if self.root is not None or self.nodes:
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                None,
                "but found another document",
                event.start_mark,
            )

    def _count(self, mark: Mark) -> None:
        self.nodes += 1
        self.values += 1
        if self.nodes > limits.MAX_NODES:
            raise Refused(
                mark,
                f"the document has more than {limits.MAX_NODES:,} values",
                "a spec is a few thousand values; split the file or shrink predictor.config",
            )
        if self.values > limits.MAX_EXPANDED_VALUES:
            self._expanded_too_far(mark, None)

    def _expanded_too_far(self, mark: Mark, alias: str | None) -> None:
        where = f" once alias *{alias} is expanded" if alias else ""
        raise Refused(
            mark,
            f"the document expands to more than {limits.MAX_EXPANDED_VALUES:,} values{where}",
            "YAML aliases (*name) repeat whole values; copy fewer of them",
        )

    def _open_map(self, event: Event) -> None:
        self._open(event, True)

    def _open_seq(self, event: Event) -> None:
        self._open(event, False)

    def _open(self, event: Event, is_map: bool) -> None:
        mark = event.start_mark
        self._count(mark)
        if self._awaiting_key():
            kind = "a mapping" if is_map else "a list"
            raise Refused(mark, f"mapping keys must be text (got {kind})", _TEXT_KEY)
        if len(self.stack) >= limits.MAX_DEPTH:
            raise Refused(
                mark,
                f"values are nested more than {limits.MAX_DEPTH} levels deep",
                "a spec is a few levels deep; check the brackets on this line",
            )
        if event.tag not in (None, "!", _MAP if is_map else _SEQ):
            raise Refused(
                mark, f"could not determine a constructor for the tag {event.tag!r}", PLAIN_YAML
            )
        if event.anchor is not None:
            self._anchor(event)
        self.stack.append(Frame(mark, self._loc(mark), event.anchor, is_map, self.values))

    def _close(self, _: Event) -> None:
        frame = self.stack.pop()
        node: Node
        if frame.entries is not None:
            entries = frame.entries
            merged: dict[str, Entry] = {}
            # PyYAML's precedence: the mapping's own keys, then later `<<` keys before
            # earlier ones, and within one `<<: [*a, *b]` list, *a before *b.
            for group in reversed(frame.merges):
                for source in group:
                    for key, entry in source.entries.items():
                        merged.setdefault(key, entry)
            for key, entry in merged.items():
                entries.setdefault(key, entry)
            node = MapNode(frame.loc, entries)
        else:
            node = SeqNode(frame.loc, tuple(frame.items or ()))
        if frame.anchor is not None:
            size = self.values - frame.values_before + 1
            line = self.anchors[frame.anchor].line
            self.anchors[frame.anchor] = Anchor(node, size, frame.height + 1, line)
        self._attach(node, frame.mark, frame.height + 1)

    def _alias(self, event: Event) -> None:
        mark = event.start_mark
        self._count(mark)
        anchor = self.anchors.get(event.anchor)
        if anchor is None:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", mark
            )
        if anchor.node is None:
            raise Refused(
                mark,
                "an alias (*name) refers to a value that contains it",
                "YAML aliases may not be recursive; write the values out",
            )
        if len(self.stack) + anchor.height > limits.MAX_DEPTH:
            raise Refused(
                mark,
                f"values are nested more than {limits.MAX_DEPTH} levels deep once alias "
                f"*{event.anchor} is expanded",
                "write the aliased value out, or nest it less deeply",
            )
        # Counted as one value when read; the rest of its expansion now.
        self.values += anchor.size - 1
        if self.values > limits.MAX_EXPANDED_VALUES:
            self._expanded_too_far(mark, event.anchor)
        if self._awaiting_key():
            self._key(anchor.node, mark, None)
        else:
            self._attach(anchor.node, mark, anchor.height)

    def _scalar(self, event: Event) -> None:
        mark = event.start_mark
        self._count(mark)
        tag = resolve(event)
        if event.anchor is not None:
            self._anchor(event)
        awaiting_key = self._awaiting_key()
        if tag == MERGE and awaiting_key:
            self.stack[-1].merge_next = True
            return
        node = ScalarNode(self._loc(mark), construct(tag, event))
        if event.anchor is not None:
            self.anchors[event.anchor] = Anchor(node, 1, 0, mark.line + 1)
        if awaiting_key:
            self._key(node, mark, event.value)
        else:
            self._attach(node, mark, 0)

    # --- building ---------------------------------------------------------------------

    def _anchor(self, event: Event) -> None:
        first = self.anchors.get(event.anchor)
        if first is not None:
            raise Refused(
                event.start_mark,
                f"the anchor &{event.anchor} is defined twice (first on line {first.line})",
                "rename one of them; yaml.safe_load refuses repeated anchors too",
            )
        self.anchors[event.anchor] = Anchor(None, line=event.start_mark.line + 1)

    def _awaiting_key(self) -> bool:
        if not self.stack:
            return False
        frame = self.stack[-1]
        return frame.entries is not None and frame.key is None and not frame.merge_next

    def _key(self, node: Node, mark: Mark, text: str | None) -> None:
        frame = self.stack[-1]
        assert frame.entries is not None
        if not isinstance(node, ScalarNode):
            kind = "a list" if isinstance(node, SeqNode) else "a mapping"
            raise Refused(mark, f"mapping keys must be text (got {kind})", _TEXT_KEY)
        key = node.value
        if not isinstance(key, str):
            raise Refused(
                mark,
                f"mapping keys must be text (got {describe_scalar(key)})",
                f'quote the key: "{short(text or str(key).lower())}"',
            )
        if key in frame.entries:
            first = frame.entries[key].key_loc.line
            raise Refused(
                mark,
                f"duplicate key {short(key)!r} (first defined on line {first})",
                "keep one of the two; a later key would silently replace the earlier one",
            )
        frame.key = (key, node.loc)

    def _attach(self, node: Node, mark: Mark, height: int) -> None:
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        frame.height = max(frame.height, height)
        if frame.items is not None:
            frame.items.append(node)
        elif frame.merge_next:
            frame.merge_next = False
            frame.merges.append(_merge_sources(node, mark))
        else:
            assert frame.key is not None
            assert frame.entries is not None
            key, key_loc = frame.key
            frame.entries[key] = Entry(key_loc, node)
            frame.key = None

    def _loc(self, mark: Mark) -> Location:
        return Location(self.name, mark.line + 1, mark.column + 1)


def _merge_sources(node: Node, mark: Mark) -> list[MapNode]:
    targets = node.items if isinstance(node, SeqNode) else (node,)
    sources = []
    for target in targets:
        if not isinstance(target, MapNode):
            where = mark if target is node else _mark(target.loc)
            raise Refused(
                where,
                "a '<<' merge key must refer to a mapping",
                "merge an anchored mapping: <<: *defaults",
            )
        sources.append(target)
    return sources


def _mark(loc: Location) -> Mark:
    return yaml.Mark(loc.file, 0, loc.line - 1, loc.col - 1, None, None)  # type: ignore[arg-type]
