"""The JSON Schema of cortex.yaml, for editors (yaml-language-server) and documentation."""

from __future__ import annotations

import copy
from typing import Any

from cortex_spec.models.document import SpecDocument
from cortex_spec.models.kinds import SUPPORTED_KINDS

SCHEMA_ID = "https://cortex-infra.dev/schema/cortex.json"


def json_schema() -> dict[str, Any]:
    """SpecDocument's schema, plus partial shapes for `environments` overrides."""
    schema = SpecDocument.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema["$defs"]
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
    for kind in SUPPORTED_KINDS:
        defs[f"{kind}Override"] = _partial(defs[kind], keep=("name",))
    override = defs["EnvironmentOverride"]["properties"]
    override["cluster"] = {
        "anyOf": [{"$ref": "#/$defs/ClusterOverride"}, {"type": "null"}],
        "description": override["cluster"].get("description", ""),
    }
    override["apis"] = {
        "anyOf": [
            {
                "type": "array",
                # An override may leave `kind` out (it comes from the base), so no discriminator.
                "items": {"anyOf": [{"$ref": f"#/$defs/{k}Override"} for k in SUPPORTED_KINDS]},
            },
            {"type": "null"},
        ],
        "description": override["apis"].get("description", ""),
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


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
