"""An API's pod template: labels, annotations, containers, volumes, placement, security.

Pure: every value is already resolved, so a test can build the template of any spec and
compare it field by field. The Deployment wraps it (`workload.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from cortex_spec.api_iam import container_has_references
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.node_profiles import NodeProfile
from cortex_spec.quantities import memory_text
from infra.serving import async_workload, containers, placement
from runtime import contract

Manifest = dict[str, Any]

API_LABEL: Final = "cortex.dev/api"
SPEC_HASH_ANNOTATION: Final = "cortex.dev/spec-hash"


@dataclass(frozen=True)
class PodInputs:
    """What the template needs beyond the spec, resolved."""

    api: WorkloadAPI
    profiles: list[NodeProfile]
    # The serving image (predictor form) or the proxy's image (container form).
    runtime_image: str
    # The contract's environment of each container, by container name.
    envs: dict[str, dict[str, str]]
    spec_hash: str
    service_account: str
    config_map: str
    kubernetes_version: str
    # The API's Secret of secret-looking literals (literal_secrets.py), and which of each
    # container's variables read which of its keys.
    literal_secret: str | None = None
    literal_keys: dict[str, dict[str, str]] = field(default_factory=dict)


def selector(api: WorkloadAPI) -> dict[str, str]:
    return {API_LABEL: api.name}


def scraped(api: WorkloadAPI) -> bool:
    """Whether a replica serves `/metrics`: the runtime does, the container form's proxy
    does; an AsyncAPI's user containers have no proxy (its worker posts to them directly)."""
    return api.form == "predictor" or not api.is_async


def metrics_port(api: WorkloadAPI) -> int:
    """Where `/metrics` is served: the runtime's port, or the proxy's admin port."""
    return api.port if api.form == "predictor" else contract.ADMIN_PORT


def pod_annotations(inputs: PodInputs) -> dict[str, str]:
    return {
        # Changes whenever the code bundle, the config or the API spec changes, so the
        # Deployment rolls even when only the ConfigMap behind the spec file changed.
        SPEC_HASH_ANNOTATION: inputs.spec_hash,
        "prometheus.io/scrape": "true" if scraped(inputs.api) else "false",
        "prometheus.io/port": str(metrics_port(inputs.api)),
        "prometheus.io/path": contract.METRICS_PATH,
    }


def secret_containers(api: WorkloadAPI) -> list[str]:
    """User containers (container form) whose variables hold `secret:` references."""
    users = api.pod.containers if api.pod and api.pod.containers else []
    return [c.name for c in users if container_has_references(api, c.name)]


def volumes(api: WorkloadAPI, config_map: str) -> list[Manifest]:
    out: list[Manifest] = [
        {
            "name": containers.SPEC_VOLUME,
            "configMap": {
                "name": config_map,
                "items": [{"key": contract.SPEC_FILE_NAME, "path": contract.SPEC_FILE_NAME}],
            },
        }
    ]
    if api.form == "predictor":
        out.append({"name": containers.PROJECT_VOLUME, "emptyDir": {}})
        out.append({"name": containers.TMP_VOLUME, "emptyDir": {}})
        shm = api.computes[0].shm
        if shm is not None:
            out.append(_shm_volume("shm", shm.whole))
    for container in api.pod.containers if api.pod and api.pod.containers else []:
        if container.compute.shm is not None:
            name = containers.shm_volume_name(container.name)
            out.append(_shm_volume(name, container.compute.shm.whole))
    if secret_containers(api):
        # Memory-backed: resolved secrets never touch the node's disk. A few KiB in practice;
        # the limit bounds what a misbehaving secret could take from the pod's memory.
        out.append(_shm_volume(containers.SECRETS_VOLUME, 2**20))
    return out


def _shm_volume(name: str, size: int) -> Manifest:
    # Memory-backed, as /dev/shm is on a host; the size counts against the memory limit.
    return {"name": name, "emptyDir": {"medium": "Memory", "sizeLimit": memory_text(size)}}


def _env(inputs: PodInputs, container: str) -> list[Manifest]:
    keys = inputs.literal_keys.get(container)
    return containers.env_list(inputs.envs[container], inputs.literal_secret, keys)


def pod_containers(inputs: PodInputs) -> list[Manifest]:
    serving = _serving_containers(inputs)
    if inputs.api.is_async:
        # Cortex's shape: the serving container(s) and the dequeuer, no proxy.
        if inputs.api.form == "container":
            serving = serving[1:]
        serving.append(async_workload.dequeuer_container(inputs.runtime_image, inputs.api))
    return serving


def _serving_containers(inputs: PodInputs) -> list[Manifest]:
    api = inputs.api
    if api.form == "predictor":
        env = _env(inputs, contract.API_CONTAINER_NAME)
        return [
            containers.predictor_container(
                api, inputs.runtime_image, env, inputs.kubernetes_version
            )
        ]
    with_secrets = set(secret_containers(api))
    user = [
        containers.user_container(
            c, _env(inputs, c.name), inputs.kubernetes_version, secrets=c.name in with_secrets
        )
        for c in (api.pod.containers if api.pod and api.pod.containers else [])
    ]
    proxy_env = inputs.envs[contract.PROXY_CONTAINER_NAME]
    return [
        containers.proxy_container(inputs.runtime_image, proxy_env, inputs.kubernetes_version),
        *user,
    ]


def pod_template(inputs: PodInputs) -> Manifest:
    api = inputs.api
    spec: Manifest = {
        "serviceAccountName": inputs.service_account,
        # Serving code never talks to the Kubernetes API; IRSA's web-identity token is a
        # separate projected volume, so AWS access keeps working without this one.
        "automountServiceAccountToken": False,
        "terminationGracePeriodSeconds": contract.TERMINATION_GRACE_SECONDS,
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "affinity": placement.affinity(api, inputs.profiles),
        "containers": pod_containers(inputs),
        "volumes": volumes(api, inputs.config_map),
    }
    if secret_containers(api):
        proxy_env = containers.env_list(inputs.envs[contract.PROXY_CONTAINER_NAME])
        spec["initContainers"] = [
            containers.secrets_init_container(inputs.runtime_image, proxy_env)
        ]
    tolerations = placement.tolerations(api, inputs.profiles)
    if tolerations:
        spec["tolerations"] = tolerations
    scheduler = placement.scheduler_name(api, inputs.profiles)
    if scheduler is not None:
        spec["schedulerName"] = scheduler
    return {
        "metadata": {"labels": selector(api), "annotations": pod_annotations(inputs)},
        "spec": spec,
    }
