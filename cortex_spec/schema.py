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
    defs["ClusterOverride"] = _partial(
        cluster, keep=(), list_item=("node_groups", "NodeGroupOverride")
    )
    defs["NodeGroupOverride"] = _partial(defs["NodeGroup"], keep=("name",))
    defs["RealtimeAPIOverride"] = _partial(defs["RealtimeAPI"], keep=("name",))
    override = defs["EnvironmentOverride"]["properties"]
    override["cluster"] = {
        "anyOf": [{"$ref": "#/$defs/ClusterOverride"}, {"type": "null"}],
        "description": override["cluster"].get("description", ""),
    }
    override["apis"] = {
        "anyOf": [
            {"type": "array", "items": {"$ref": "#/$defs/RealtimeAPIOverride"}},
            {"type": "null"},
        ],
        "description": override["apis"].get("description", ""),
    }
    for name in ("NodeGroupOverride", "RealtimeAPIOverride"):
        defs[name]["properties"]["add"] = {"type": "boolean", "description": ADD_DESCRIPTION}
    defs["SpecDocument"] = schema
    root = {
        "title": "cortex.yaml, or a Cortex v0.42 API list or cluster.yaml",
        "if": {"type": "array"},
        "then": {"type": "array", "items": {"$ref": "#/$defs/RealtimeAPI"}},
        "else": {
            "if": {"anyOf": [{"required": [key]} for key in _DOCUMENT_KEYS]},
            "then": {"$ref": "#/$defs/SpecDocument"},
            "else": {"$ref": "#/$defs/ClusterConfig"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **precise(root),
        "$defs": {name: precise(definition) for name, definition in defs.items()},
    }


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


def _partial(
    definition: dict[str, Any], keep: tuple[str, ...], list_item: tuple[str, str] | None = None
) -> dict[str, Any]:
    out = copy.deepcopy(definition)
    out["required"] = [k for k in out.get("required", []) if k in keep]
    if not out["required"]:
        del out["required"]
    if list_item is not None:
        field, ref = list_item
        out["properties"][field] = {
            "anyOf": [{"type": "array", "items": {"$ref": f"#/$defs/{ref}"}}, {"type": "null"}]
        }
    out["title"] = f"{out.get('title', '')} (override)"
    return out
