"""The JSON Schema of cortex.yaml, for editors (yaml-language-server) and documentation.

It accepts every file `validate` reads: a cortex.yaml mapping (`cluster:`, `apis:`,
`environments:`), and both files of a Cortex v0.42 pair, the API list (a YAML list) and
cluster.yaml (a cluster mapping at the top level). The root picks the shape with
`if`/`then`/`else` rather than `anyOf`, and so does every optional field (`X or null`), so
that a validator reports a mistake on the key that is wrong, not "not valid under any of
the given schemas" on its parent.
"""

from __future__ import annotations

import copy
from typing import Any

from cortex_spec.models.document import SpecDocument
from cortex_spec.models.kinds import SUPPORTED_KINDS
from cortex_spec.override_names import NAMED_LISTS

SCHEMA_ID = "https://cortex-infra.dev/schema/cortex.json"


# The keys that make a mapping a cortex.yaml rather than a Cortex v0.42 cluster.yaml.
_DOCUMENT_KEYS = ("cluster", "apis", "environments")
ADD_DESCRIPTION = (
    "Marks an item the base spec lacks as new in this environment (it must then be complete). "
    "Without it, an override must name an item of the base: a name the base lacks is an error."
)


def json_schema() -> dict[str, Any]:
    """SpecDocument's schema, partial shapes for `environments` overrides, and the root that
    also takes a Cortex v0.42 API list or cluster.yaml."""
    schema = SpecDocument.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema.pop("$defs")
    cluster = defs["ClusterConfig"]
    cluster["properties"]["cluster_name"] = {
        **cluster["properties"]["name"],
        "description": "Cortex v0.42 spelling of `name`.",
        "deprecated": True,
    }
    overrides = _Overrides(defs)
    # Every kind's items chosen by their `kind`, so a mistake is reported inside the API.
    apis = {"$ref": "#/$defs/AnyAPI"}
    defs["AnyAPI"] = by_kind({k: f"#/$defs/{k}" for k in SUPPORTED_KINDS}, required=True)
    documented = schema["properties"]["apis"]
    schema["properties"]["apis"] = {
        "anyOf": [{"type": "array", "items": apis}, {"type": "null"}],
        "default": documented.get("default", []),
        "description": documented.get("description", ""),
    }
    override = defs["EnvironmentOverride"]["properties"]
    override["cluster"] = {
        "anyOf": [{"$ref": overrides.ref("ClusterConfig")}, {"type": "null"}],
        "description": override["cluster"].get("description", ""),
    }
    override["apis"] = {
        "anyOf": [
            {
                "type": "array",
                # An override may leave `kind` out (it comes from the base).
                "items": by_kind(
                    {k: overrides.ref(k, item=True) for k in SUPPORTED_KINDS}, required=False
                ),
            },
            {"type": "null"},
        ],
        "description": override["apis"].get("description", ""),
    }
    defs.update(overrides.made)
    defs["SpecDocument"] = schema
    paired = {k: v for k, v in copy.deepcopy(schema).items() if k != "required"}
    paired["title"] = "API file of a Cortex pair (its cluster from --cluster-config)"
    defs["ApiDocument"] = paired
    root = {
        "title": "cortex.yaml, or a Cortex v0.42 API list or cluster.yaml",
        "if": {"type": "array"},
        "then": {"type": "array", "items": apis},
        "else": {
            "if": {"required": ["cluster"]},
            "then": {"$ref": "#/$defs/SpecDocument"},
            "else": {
                # With --cluster-config the API file may also be a mapping of `apis:` and
                # `environments:` (or empty), its cluster coming from the other file.
                "if": {
                    "anyOf": [
                        *({"required": [key]} for key in _DOCUMENT_KEYS if key != "cluster"),
                        {"maxProperties": 0},
                    ]
                },
                "then": {"$ref": "#/$defs/ApiDocument"},
                "else": {"$ref": "#/$defs/ClusterConfig"},
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **precise(root),
        "$defs": {name: precise(definition) for name, definition in defs.items()},
    }


def by_kind(refs: dict[str, str], *, required: bool) -> dict[str, Any]:
    """`if kind is K then K's schema else ...`: one kind's errors, not every kind's. The last
    `else` takes an item without `kind` (an override's: the base has it) by any kind, or
    rejects an unknown kind on its own key."""
    kinds = list(refs)
    if required:
        last: dict[str, Any] = {
            "required": ["kind"],
            "properties": {"kind": {"enum": kinds}},
        }
    else:
        last = {"anyOf": [{"$ref": ref} for ref in refs.values()]}
    for kind in reversed(kinds):
        last = {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {"$ref": refs[kind]},
            "else": last,
        }
    return last


def precise(node: Any) -> Any:
    """`anyOf: [X, null]` as `if null then valid else X`: same meaning, and a mistake inside
    X is reported inside X (on the offending key) instead of on the field holding it."""
    if isinstance(node, list):
        return [precise(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: precise(value) for key, value in node.items()}
    branches = out.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        other = next(b for b in branches if b != {"type": "null"})
        del out["anyOf"]
        out["if"] = {"type": "null"}
        out["else"] = other
    return out


class _Overrides:
    """`<Def>Override`: what an environment may write where the base has `<Def>`. Mappings
    merge key by key, so nothing in them is required; items of the named lists (`apis`,
    `node_groups`, `containers`) merge by name, so they need `name`, and one marked
    `add: true` is new and needs everything its definition does; any other list replaces
    the base's whole, so its items stay complete."""

    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.made: dict[str, Any] = {}

    def ref(self, name: str, *, item: bool = False) -> str:
        target = f"{name}Override"
        if target not in self.made:
            self.made[target] = {}  # reserved first: definitions may refer to themselves
            self.made[target] = self._partial(self.defs[name], item)
        return f"#/$defs/{target}"

    def _partial(self, definition: dict[str, Any], item: bool) -> dict[str, Any]:
        out = copy.deepcopy(definition)
        complete = out.pop("required", [])
        if item:
            out["required"] = ["name"]
            out["properties"]["add"] = {"type": "boolean", "description": ADD_DESCRIPTION}
            out["if"] = {"properties": {"add": {"const": True}}, "required": ["add"]}
            out["then"] = {"required": complete}
        for key, value in out.get("properties", {}).items():
            out["properties"][key] = self._rewrite(value, key)
        out["title"] = f"{out.get('title', '')} (override)"
        return out

    def _rewrite(self, schema: Any, key: str) -> Any:
        if not isinstance(schema, dict):
            return schema
        reference = schema.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            return {**schema, "$ref": self.ref(reference.removeprefix("#/$defs/"))}
        if "anyOf" in schema:
            return {**schema, "anyOf": [self._rewrite(b, key) for b in schema["anyOf"]]}
        items = schema.get("items")
        if schema.get("type") == "array" and key in NAMED_LISTS and isinstance(items, dict):
            target = str(items.get("$ref", "")).removeprefix("#/$defs/")
            if target in self.defs:
                return {**schema, "items": {"$ref": self.ref(target, item=True)}}
        return schema
