"""The recorded resource graph in its published form: the `plan --json` document.

Normalisation makes it reviewable and byte-stable: resources sorted by URN, integral
numbers as ints (protobuf sends every number as a double), secrets masked, assets shown by
content hash rather than by their (temporary) path, unknowns spelled out.

A Pulumi secret is shown as markers, `[secret sha256:<12 hex>]`
(`cortex_spec.secret_literals.marker`), one per scalar: a secret object keeps its keys
(a Secret's `stringData` stays a mapping that schema checks accept, and the diff names the
key that changed), never a value, but a changed value is a changed marker.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import rpc

from cortex_spec.secret_literals import is_marker, marker

SECRET = "[secret]"  # noqa: S105 - the mask shown instead of a secret
UNKNOWN = "[unknown]"
# A Pulumi dynamic resource (infra/node_scaling.py) sends its pickled provider as the input
# `__provider` (pulumi/dynamic/dynamic.py, PROVIDER_KEY): implementation, not configuration,
# a secret blob that would only add noise to plans and diffs. It is left out of both.
DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
DYNAMIC_PROVIDER_KEY = "__provider"


def configured_inputs(type_token: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """`inputs` without what Pulumi adds to a dynamic resource's (see DYNAMIC_PROVIDER_KEY)."""
    if not type_token.startswith(DYNAMIC_TYPE_PREFIX):
        return inputs
    return {k: v for k, v in inputs.items() if k != DYNAMIC_PROVIDER_KEY}


@dataclass(frozen=True)
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: str
    provider: str
    dependencies: tuple[str, ...]
    inputs: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    # input name → the URNs its value came from. Kept out of `to_dict` (the plan document
    # stays as it was); the update simulator reads it to follow a reference to its source.
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "provider": self.provider,
            "dependencies": list(self.dependencies),
            "inputs": self.inputs,
        }
        if self.options:
            out["options"] = self.options
        return out


@dataclass(frozen=True)
class PlanGraph:
    stack: str
    project: str
    resources: tuple[PlannedResource, ...]
    outputs: dict[str, Any]
    warnings: tuple[str, ...]

    def by_type(self, type_token: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_token]

    def get(self, urn: str) -> PlannedResource:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "resources": [r.to_dict() for r in self.resources],
            "outputs": self.outputs,
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def normalize(value: Any) -> Any:
    """Plain JSON data, stable across runs and machines."""
    # The common kinds first: a plan normalises every value of every resource.
    if isinstance(value, str):
        return UNKNOWN if value == rpc.UNKNOWN else value
    if isinstance(value, dict):
        if rpc.is_rpc_secret(value):
            return masked(normalize(value.get("value")))
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return value
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if isinstance(value, pulumi.FileAsset | pulumi.FileArchive):
        return _file_digest(Path(str(value.path)))
    if isinstance(value, pulumi.StringAsset):
        return {"asset": "string", "sha256": hashlib.sha256(str(value.text).encode()).hexdigest()}
    if isinstance(value, pulumi.RemoteAsset | pulumi.RemoteArchive):
        return {"asset": "remote", "uri": str(value.uri)}
    return value


def masked(value: Any) -> Any:
    """A normalized secret: every scalar replaced by its marker, keys and nesting kept."""
    if value == UNKNOWN:
        return SECRET
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return marker(value)


def is_masked(value: Any) -> bool:
    """Whether every scalar of `value` is a marker (what `masked` returns)."""
    if isinstance(value, dict):
        return all(is_masked(item) for item in value.values())
    if isinstance(value, list):
        return all(is_masked(item) for item in value)
    return is_marker(value)


def _file_digest(path: Path) -> dict[str, Any]:
    if path.is_file():
        return {"asset": "file", "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    return {"asset": "file", "name": path.name}
