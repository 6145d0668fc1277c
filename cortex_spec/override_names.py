"""Names in `environments:` overrides must name an item of the base spec.

An override item of a named list (`apis`, `node_groups`, `containers`) changes the base item
of the same name. A name the base lacks is almost always a typo (`inferentia` for `inf`,
`sentimnet` for `sentiment`), and read as a new item it would silently add one (an always-on
inf2 group) or fail on fields the user never meant to write. So it is an error with "did you
mean", unless the item is marked `add: true`: then it is a new item of that environment
only, and must be complete (it is validated like any base item). `add: true` on a name the
base has is an error too, since nothing would be added.
"""

from __future__ import annotations

import difflib
from typing import Final

from cortex_spec.diagnostics import Finding
from cortex_spec.source import MapNode, Node, ScalarNode, SeqNode

NAMED_LISTS: Final = frozenset({"apis", "node_groups", "containers"})
# The key that marks an override item as a new item rather than a change.
ADD_KEY: Final = "add"
_NOUNS: Final = {"apis": "API", "node_groups": "node group", "containers": "container"}
_ARTICLES: Final = {"API": "an", "node group": "a", "container": "a"}


def name_of(node: Node) -> str | None:
    name = node.get("name") if isinstance(node, MapNode) else None
    return name.value if isinstance(name, ScalarNode) and isinstance(name.value, str) else None


def marked_added(node: Node) -> bool:
    flag = node.get(ADD_KEY) if isinstance(node, MapNode) else None
    return isinstance(flag, ScalarNode) and flag.value is True


def without_mark(node: Node) -> Node:
    """The item as the models read it: `add` is an instruction to the merge, not a field."""
    if not isinstance(node, MapNode) or ADD_KEY not in node.entries:
        return node
    return MapNode(node.loc, {k: v for k, v in node.entries.items() if k != ADD_KEY})


def suggestion(name: str, known: list[str]) -> str | None:
    """The base name a typo most likely meant: a close spelling, else the one name that is a
    prefix of it or that it is a prefix of (`inferentia` → `inf`)."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return close[0]
    prefixed = [k for k in known if name.startswith(k) or k.startswith(name)]
    return prefixed[0] if len(prefixed) == 1 else None


def check_override_names(root: MapNode) -> list[Finding]:
    """Every override item naming what its base list lacks, in every environment."""
    envs = root.get("environments")
    if not isinstance(envs, MapNode):
        return []
    findings: list[Finding] = []
    for env, entry in envs.entries.items():
        if isinstance(entry.value, MapNode):
            findings.extend(_walk(root, entry.value, ("environments", env)))
    return findings


def _walk(base: Node | None, over: MapNode, path: tuple[str | int, ...]) -> list[Finding]:
    findings: list[Finding] = []
    for key, entry in over.entries.items():
        sub = entry.value
        below = base.get(key) if isinstance(base, MapNode) else None
        if key in NAMED_LISTS and isinstance(sub, SeqNode):
            findings.extend(_named(below, sub, (*path, key), key))
        elif isinstance(sub, MapNode):
            findings.extend(_walk(below, sub, (*path, key)))
    return findings


def _named(
    base: Node | None, over: SeqNode, path: tuple[str | int, ...], key: str
) -> list[Finding]:
    present = base.items if isinstance(base, SeqNode) else ()
    items = {n: item for item in present if (n := name_of(item))}
    noun = _NOUNS[key]
    findings: list[Finding] = []
    for index, item in enumerate(over.items):
        name = name_of(item)
        if name is None:
            continue  # check_overrides reports a missing name
        added = marked_added(item)
        if name in items:
            if added:
                findings.append(
                    Finding(
                        (*path, index, ADD_KEY),
                        f"the base spec already has {_ARTICLES[noun]} {noun} named `{name}`: "
                        "nothing to add",
                        f"remove `{ADD_KEY}: true` to change that {noun} in this environment",
                    )
                )
            if isinstance(item, MapNode):
                findings.extend(_walk(items[name], item, (*path, index)))
        elif not added:
            guess = suggestion(name, list(items))
            message = f"the base spec has no {noun} named `{name}`"
            if guess:
                message += f"; did you mean `{guess}`?"
            fix = f"rename it to `{guess}`" if guess else "use the name of a base " + noun
            findings.append(
                Finding(
                    (*path, index, "name"),
                    message,
                    f"{fix} to change that {noun} here; to add a new {noun} in this "
                    f"environment only, mark it `{ADD_KEY}: true` and give it every field a "
                    f"base {noun} needs",
                )
            )
    return findings
