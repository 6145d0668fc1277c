"""Secret-looking values written into a spec: out of the pod spec, into a Kubernetes Secret.

A value that looks like a secret (`cortex_spec.secret_literals`) but was typed in instead of
referenced still has to reach the pod. It goes into one immutable Secret per API,
`api-<name>-literals-<hash>`, and the pod's variable takes it with `secretKeyRef`: the
Deployment, the spec ConfigMap, the plan and the diff never hold the value, the Secret is
encrypted at rest with the stack's KMS key, and each value is a Pulumi secret (encrypted in
the state, shown as its marker in the offline plan). The predictor's secret-looking config
values travel the same way, as `CORTEX_SECRET_CONFIG`.

The name hashes the values' markers, so a changed value is a new Secret that the pods roll
onto (created before the old one is deleted), never a value changing under running pods.
Pure: the program builds the resource from this (`api_objects.py`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Final

from cortex_spec import naming
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.secret_literals import env_literals, marker
from cortex_spec.serving_env import held_back_config
from runtime import contract

# Secret data keys: "alphanumeric characters, '-', '_' or '.'" (Kubernetes Secret `data`).
_KEY: Final = re.compile(r"^[-._a-zA-Z0-9]+$")


@dataclass(frozen=True)
class LiteralSecret:
    """The Secret of one API: its object name, its data, and which variable reads which key."""

    name: str
    data: dict[str, str]
    # container → variable → data key
    keys: dict[str, dict[str, str]]


def literal_values(api: WorkloadAPI) -> dict[str, dict[str, str]]:
    """container → variable → value, for every variable that holds a secret literal."""
    out: dict[str, dict[str, str]] = {}
    if api.predictor is not None:
        values = {str(item.path[-1]): item.value for item in env_literals(api.predictor.env, ())}
        held_back = held_back_config(api)
        if held_back:
            values[contract.ENV_SECRET_CONFIG] = json.dumps(held_back, sort_keys=True)
        if values:
            out[contract.API_CONTAINER_NAME] = values
    for container in api.pod.containers if api.pod and api.pod.containers else []:
        values = {str(item.path[-1]): item.value for item in env_literals(container.env, ())}
        if values:
            out[container.name] = values
    return out


def literal_secret(api: WorkloadAPI) -> LiteralSecret | None:
    """The API's Secret, or None when its spec holds no secret-looking literal."""
    values = literal_values(api)
    if not values:
        return None
    data: dict[str, str] = {}
    keys: dict[str, dict[str, str]] = {}
    for container, variables in sorted(values.items()):
        for index, (variable, value) in enumerate(sorted(variables.items())):
            key = f"{container}.{variable}"
            if not _KEY.match(key):
                key = f"{container}.{index}"
            data[key] = value
            keys.setdefault(container, {})[variable] = key
    fingerprint = json.dumps({k: marker(v) for k, v in data.items()}, sort_keys=True)
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:10]
    return LiteralSecret(
        name=f"{naming.deployment_name(api.name)}-literals-{digest}", data=data, keys=keys
    )
