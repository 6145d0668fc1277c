"""A deployed Pulumi checkpoint as a `PlanGraph`, comparable with the offline plan.

The checkpoint format is `{"version": 3, "checkpoint": {"stack", "latest": {"manifest",
"resources": [ResourceV3…]}}}` (pulumi `sdk/go/common/apitype/core.go`). Only inputs are
kept: outputs carry computed values the mock never has. What the engine and the providers
add to stored inputs is taken out again, so that equal inputs compare equal:

- `__defaults` (pulumi-terraform-bridge): the keys it lists were filled in by provider
  defaults, not by the program;
- a provider's `version` (and `pluginDownloadURL`, `__internal`), set by the engine;
- default providers (`pulumi:providers:aws::default_7_51_1`): the mock registers none, so
  references to them become "" as in the mock graph;
- secrets, `{SIG: SECRET_SIG, "ciphertext": …}` or with `"plaintext"`, become `[secret]`:
  they cannot be compared with the program's values and must never be printed;
- a dynamic resource's pickled provider (`offline.graph.configured_inputs`), as in the plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from cortex_spec.errors import StateError
from offline.graph import SECRET, PlanGraph, PlannedResource, configured_inputs

SIG: Final = "4dabf18193072939515e22adb298388d"
SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - a marker, not a secret
ASSET_SIG: Final = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG: Final = "0def7320c3a5731c473e5ecbe6d01bc7"
STACK_TYPE: Final = "pulumi:pulumi:Stack"
_ENGINE_PROVIDER_KEYS: Final = frozenset({"version", "pluginDownloadURL", "__internal"})


def graph_from_checkpoint(document: Mapping[str, Any], *, stack: str, project: str) -> PlanGraph:
    """The deployed resources of a stack file; an empty graph if it was never deployed."""
    version = document.get("version")
    if version != 3:
        raise StateError(
            f"unsupported Pulumi checkpoint version {version!r} (this reads version 3)",
            hint="upgrade the state with a current Pulumi CLI (`pulumi stack export`/`import`)",
        )
    checkpoint = document.get("checkpoint")
    if not isinstance(checkpoint, Mapping):
        raise StateError("the stack file has no `checkpoint` object; is it a Pulumi stack file?")
    latest = checkpoint.get("latest") or {}
    raw = latest.get("resources") or []
    if not isinstance(raw, list) or not all(isinstance(r, Mapping) for r in raw):
        raise StateError("`checkpoint.latest.resources` is not a list of resources")
    stack_urns = {str(r.get("urn")) for r in raw if r.get("type") == STACK_TYPE}
    defaults = {str(r.get("urn")) for r in raw if _is_default_provider(r)}
    kept = [r for r in raw if _deployed(r) and str(r.get("urn")) not in defaults | stack_urns]
    present = {str(r["urn"]) for r in kept}
    resources = tuple(
        sorted((_resource(r, stack_urns, defaults, present) for r in kept), key=lambda r: r.urn)
    )
    return PlanGraph(stack=stack, project=project, resources=resources, outputs={}, warnings=())


def _deployed(resource: Mapping[str, Any]) -> bool:
    # `delete: true` marks a replaced resource awaiting deletion; `external` ones were only
    # read (`.get`, StackReference), which the offline plan does not record.
    return (
        bool(resource.get("urn"))
        and not resource.get("delete")
        and not resource.get("external")
        and resource.get("type") != STACK_TYPE
    )


def _is_default_provider(resource: Mapping[str, Any]) -> bool:
    urn = str(resource.get("urn", ""))
    return str(resource.get("type", "")).startswith("pulumi:providers:") and urn.rsplit("::", 1)[
        -1
    ].startswith("default")


def _provider_urn(reference: str, defaults: set[str]) -> str:
    """`<urn>::<id>` → `<urn>`; a default provider → "" (the mock never registers one)."""
    if not reference:
        return ""
    urn = reference.rsplit("::", 1)[0] if reference.count("::") > 3 else reference
    return "" if urn in defaults else urn


def _resource(
    raw: Mapping[str, Any], stack_urns: set[str], defaults: set[str], present: set[str]
) -> PlannedResource:
    type_token = str(raw.get("type", ""))
    inputs = normalize_state(raw.get("inputs") or {})
    if not isinstance(inputs, dict):
        inputs = {}
    if type_token.startswith("pulumi:providers:"):
        inputs = {k: v for k, v in inputs.items() if k not in _ENGINE_PROVIDER_KEYS}
    inputs = configured_inputs(type_token, inputs)
    parent = str(raw.get("parent") or "")
    options: dict[str, Any] = {}
    for option in ("protect", "retainOnDelete"):
        if raw.get(option):
            options[option] = True
    property_dependencies = {
        str(key): tuple(sorted(str(u) for u in urns if u in present))
        for key, urns in (raw.get("propertyDependencies") or {}).items()
        if isinstance(urns, list)
    }
    return PlannedResource(
        urn=str(raw["urn"]),
        type=type_token,
        name=str(raw["urn"]).rsplit("::", 1)[-1],
        parent="" if parent in stack_urns else parent,
        provider=_provider_urn(str(raw.get("provider") or ""), defaults),
        dependencies=tuple(sorted(d for d in raw.get("dependencies") or () if d in present)),
        inputs=inputs,
        options=options,
        property_dependencies={k: v for k, v in property_dependencies.items() if v},
    )


def normalize_state(value: Any) -> Any:
    """Stored property values in the offline plan's normal form (see module docstring)."""
    if isinstance(value, dict):
        signature = value.get(SIG)
        if signature == SECRET_SIG:
            return SECRET
        if signature == ASSET_SIG:
            return _asset(value)
        if signature == ARCHIVE_SIG:
            return {"asset": "archive", "sha256": value.get("hash")}
        filled = set(value.get("__defaults") or ())
        return {
            str(k): normalize_state(v)
            for k, v in value.items()
            if k != "__defaults" and k not in filled
        }
    if isinstance(value, list):
        return [normalize_state(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _asset(value: Mapping[str, Any]) -> dict[str, Any]:
    if "uri" in value:
        return {"asset": "remote", "uri": value["uri"]}
    kind = "string" if "text" in value else "file"
    return {"asset": kind, "sha256": value.get("hash")}
