"""Pulumi stack files written the way the engine writes them, for the state-diff tests.

Format: `{"version": 3, "checkpoint": {"stack", "latest": {"manifest", "secrets_providers",
"resources": [ResourceV3…]}}}` (pulumi sdk/go/common/apitype/core.go), with what the engine
and the providers add on top of the program's inputs: the stack resource, a default
provider, `::<id>` provider references, `version` in provider inputs, `__defaults` from the
Terraform bridge, and secrets as ciphertext.
"""

from __future__ import annotations

import uuid
from typing import Any

from offline.diff import canonical
from offline.graph import SECRET, PlanGraph
from offline.state_graph import SECRET_SIG, SIG

PROVIDER_VERSION = "7.51.1"


def _stored(value: Any) -> Any:
    if value == SECRET:
        return {SIG: SECRET_SIG, "ciphertext": "v1:c2VjcmV0LWluLXN0YXRl"}
    if isinstance(value, dict):
        return {k: _stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return value


def checkpoint(
    graph: PlanGraph, *, defaults: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The stack file `pulumi up` of `graph` would leave (inputs only matter here).

    `defaults` maps a resource name to provider-filled inputs, listed under `__defaults`.
    """
    graph = canonical(graph)
    prefix = f"urn:pulumi:{graph.stack}::{graph.project}"
    stack_urn = f"{prefix}::pulumi:pulumi:Stack::{graph.project}-{graph.stack}"
    default_provider = f"{prefix}::pulumi:providers:aws::default_7_51_1"
    ids = {r.urn: str(uuid.uuid5(uuid.NAMESPACE_URL, r.urn)) for r in graph.resources}
    resources: list[dict[str, Any]] = [
        {"urn": stack_urn, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {}},
        {
            "urn": default_provider,
            "custom": True,
            "id": "00000000-0000-0000-0000-000000000001",
            "type": "pulumi:providers:aws",
            "inputs": {"region": "us-west-2", "version": PROVIDER_VERSION},
            "outputs": {"region": "us-west-2", "version": PROVIDER_VERSION},
            "parent": stack_urn,
        },
    ]
    for r in graph.resources:
        inputs = _stored(r.inputs)
        extra = (defaults or {}).get(r.name, {})
        if extra:
            inputs = {**inputs, **extra, "__defaults": sorted(extra)}
        if r.type.startswith("pulumi:providers:"):
            inputs = {**inputs, "version": PROVIDER_VERSION}
        provider = f"{r.provider}::{ids[r.provider]}" if r.provider else ""
        if not provider and r.type.startswith("aws:"):
            provider = f"{default_provider}::00000000-0000-0000-0000-000000000001"
        entry: dict[str, Any] = {
            "urn": r.urn,
            "custom": not r.type.startswith("cortex:"),
            "type": r.type,
            "inputs": inputs,
            # Outputs carry computed values the diff must ignore.
            "outputs": {**inputs, "arn": f"arn:aws:::{r.name}", "__meta": "{}"},
            "parent": r.parent or stack_urn,
            "dependencies": list(r.dependencies),
            "propertyDependencies": {k: list(v) for k, v in r.property_dependencies.items()},
        }
        if entry["custom"]:
            entry["id"] = ids[r.urn]
        if provider:
            entry["provider"] = provider
        if r.options.get("protect"):
            entry["protect"] = True
        resources.append(entry)
    return {
        "version": 3,
        "checkpoint": {
            "stack": f"organization/{graph.project}/{graph.stack}",
            "latest": {
                "manifest": {"time": "2026-01-01T00:00:00Z", "magic": "", "version": "v3.272.0"},
                "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:x"}},
                "resources": resources,
            },
        },
    }
