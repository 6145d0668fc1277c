"""`environments:` overrides, deep-merged over the base spec on located trees.

Mappings merge key by key; lists of named items (`apis`, `node_groups`, `containers`) merge
item by item on `name`; an item the base lacks is appended only when marked `add: true`
(an unmarked one is a typo, reported by `override_names.check_override_names` and left out
here, so that it causes no second, misleading error); any other value is replaced. Every
merged node keeps its own location, so an error in an override points at the override's
line.
"""

from __future__ import annotations

from cortex_spec.diagnostics import Finding
from cortex_spec.models.base import shown
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.override_names import NAMED_LISTS, marked_added, name_of, without_mark
from cortex_spec.source import Entry, MapNode, Node, ScalarNode, SeqNode


def environment_names(root: MapNode) -> list[str]:
    node = root.get("environments")
    return list(node.entries) if isinstance(node, MapNode) else []


def check_overrides(root: MapNode) -> list[Finding]:
    """Shape checks on `environments:` itself, located in the override."""
    node = root.get("environments")
    if node is None or (isinstance(node, ScalarNode) and node.value is None):
        return []
    if not isinstance(node, MapNode):
        return [Finding(("environments",), "must be a mapping of environment name to overrides")]
    findings = []
    for env, entry in node.entries.items():
        base = ("environments", env)
        override = entry.value
        if isinstance(override, ScalarNode) and override.value is None:
            continue
        if not isinstance(override, MapNode):
            findings.append(Finding(base, "must be a mapping with cluster: and/or apis:"))
            continue
        for key, sub in override.entries.items():
            if key == "cluster":
                if not isinstance(sub.value, MapNode):
                    findings.append(Finding((*base, key), "must be a mapping of cluster fields"))
            elif key == "apis":
                findings.extend(_check_named_items(sub.value, (*base, key)))
            else:
                findings.append(
                    Finding(
                        (*base, key),
                        f"unknown field '{shown(key)}'",
                        "an environment overrides only cluster: and apis:"
                        + ("; move it under cluster:" if key in ClusterConfig.model_fields else ""),
                    )
                )
    return findings


def _check_named_items(node: Node, path: tuple[str | int, ...]) -> list[Finding]:
    if not isinstance(node, SeqNode):
        return [Finding(path, "must be a list of API overrides, each with a name")]
    findings = []
    for index, item in enumerate(node.items):
        name = item.get("name") if isinstance(item, MapNode) else None
        if not (isinstance(name, ScalarNode) and isinstance(name.value, str)):
            findings.append(
                Finding(
                    (*path, index),
                    "each override needs the name of the API it changes",
                    "add `name: <api name>`",
                )
            )
    return findings


def apply_environment(root: MapNode, env: str) -> MapNode:
    """The base with `environments.<env>` merged over it, and `environments` removed."""
    envs = root.get("environments")
    override = envs.get(env) if isinstance(envs, MapNode) else None
    entries = {k: v for k, v in root.entries.items() if k != "environments"}
    base = MapNode(root.loc, entries)
    if not isinstance(override, MapNode):
        return base
    return _merge_map(base, override)


def _merge(base: Node, over: Node, key: str | None) -> Node:
    if isinstance(base, MapNode) and isinstance(over, MapNode):
        return _merge_map(base, over)
    if key in NAMED_LISTS and isinstance(base, SeqNode) and isinstance(over, SeqNode):
        return _merge_named(base, over)
    return over


def _merge_map(base: MapNode, over: MapNode) -> MapNode:
    entries = dict(base.entries)
    for key, entry in over.entries.items():
        if key in entries:
            merged = _merge(entries[key].value, entry.value, key)
            entries[key] = Entry(entry.key_loc, merged)
        elif key in NAMED_LISTS and isinstance(entry.value, SeqNode):
            # A list the base lacks: every item is new, so the same rule applies.
            empty = SeqNode(entry.value.loc, ())
            entries[key] = Entry(entry.key_loc, _merge_named(empty, entry.value))
        else:
            entries[key] = entry
    return MapNode(base.loc, entries)


def _merge_named(base: SeqNode, over: SeqNode) -> SeqNode:
    items = list(base.items)
    index = {name: i for i, item in enumerate(items) if (name := name_of(item)) is not None}
    for item in over.items:
        name = name_of(item)
        if name is not None and name in index:
            items[index[name]] = _merge(items[index[name]], without_mark(item), None)
        elif name is None or marked_added(item):
            items.append(without_mark(item))
    return SeqNode(base.loc, tuple(items))
