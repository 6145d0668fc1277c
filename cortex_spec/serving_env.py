"""What a serving container is given (docs/runtime-contract.md): its environment and spec file.

Pure functions of the validated spec, shared by the Pulumi program (which sets them on the
pod and in the spec ConfigMap) and by `cortex-infra serve` (which gives the local runtime
exactly the same), so the two cannot drift apart.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cortex_spec.api_iam import container_has_references
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.secret_literals import looks_secret, marker, pointer, walk
from runtime import contract

if TYPE_CHECKING:
    from cortex_spec.loader import Spec

# Fields only the infrastructure acts on: the spec file leaves them out, so that scaling,
# placement or IAM changes update the autoscaler, the scheduling rules or the API's role
# without restarting pods (AWS evaluates a role's policies on every call).
INFRASTRUCTURE_ONLY = (
    "autoscaling",
    "update_strategy",
    "node_groups",
    "iam_policy_arns",
    "secrets_kms_key_arns",
)
# Predictor fields the same way: `bundle_root` decides which files the bundle holds, and
# reaches the pod as the bundle's hash.
PREDICTOR_INFRASTRUCTURE_ONLY = ("bundle_root",)


def _require_bundle(api: WorkloadAPI, bundle_uri: str | None, bundle_sha256: str | None) -> None:
    if api.form == "predictor" and (bundle_uri is None or bundle_sha256 is None):
        raise ValueError(f"API {api.name}: the predictor form needs the bundle's URI and SHA-256")


def serving_environment(
    api: WorkloadAPI,
    spec: Spec,
    *,
    bundle_uri: str | None = None,
    bundle_sha256: str | None = None,
    container: str | None = None,
    keep_alive_seconds: int = contract.DEFAULT_KEEP_ALIVE_SECONDS,
    hold_back_secrets: bool = False,
) -> dict[str, str]:
    """The environment of one container, in the contract's order, user variables last.

    `keep_alive_seconds` must outlast the idle timeout of whatever load balancer sends
    the requests (the Pulumi program passes its ALB's timeout plus a margin).

    `hold_back_secrets` (the cluster's pods, whose spec file is masked): the predictor's
    secret-looking config values travel in `CORTEX_SECRET_CONFIG` instead of the spec file.

    `container` is `api` (the predictor form's only container), `proxy` (the container
    form's sidecar) or the name of one of `pod.containers`; by default the container that
    serves the contract's HTTP surface (`api`, or `proxy` in the container form).
    """
    _require_bundle(api, bundle_uri, bundle_sha256)
    if container is None:
        predictor_form = api.form == "predictor"
        container = contract.API_CONTAINER_NAME if predictor_form else contract.PROXY_CONTAINER_NAME
    user: dict[str, str]
    if api.form == "predictor":
        if container != contract.API_CONTAINER_NAME:
            raise ValueError(f"API {api.name} has one container, {contract.API_CONTAINER_NAME}")
        assert api.predictor is not None
        user = api.predictor.env
    elif container == contract.PROXY_CONTAINER_NAME:
        user = {}
    else:
        containers = api.pod.containers if api.pod and api.pod.containers else []
        matches = [c for c in containers if c.name == container]
        if not matches:
            raise ValueError(f"API {api.name} has no container {container}")
        user = matches[0].env
    proxy = container == contract.PROXY_CONTAINER_NAME
    env = {
        contract.ENV_CONTRACT_VERSION: contract.CONTRACT_VERSION,
        contract.ENV_API_NAME: api.name,
        contract.ENV_API_KIND: api.kind,
        contract.ENV_PORT: str(contract.PROXY_PORT if proxy else api.port),
    }
    if proxy:
        env[contract.ENV_UPSTREAM_PORT] = str(api.port)
    env[contract.ENV_ENDPOINT] = api.endpoint
    env[contract.ENV_API_SPEC_PATH] = contract.SPEC_PATH
    if api.predictor is not None:
        env[contract.ENV_PROJECT_BUNDLE] = str(bundle_uri)
        env[contract.ENV_PROJECT_SHA256] = str(bundle_sha256)
        env[contract.ENV_PROJECT_DIR] = contract.PROJECT_DIR
    env[contract.ENV_MAX_CONCURRENCY] = str(api.max_concurrency)
    env[contract.ENV_MAX_QUEUE_LENGTH] = str(api.max_queue_length)
    if api.predictor is not None:
        env[contract.ENV_PROCESSES] = str(api.predictor.processes_per_replica)
        env[contract.ENV_THREADS] = str(api.predictor.threads_per_process)
    env[contract.ENV_DRAIN_SECONDS] = str(contract.DRAIN_SECONDS)
    env[contract.ENV_KEEP_ALIVE_SECONDS] = str(keep_alive_seconds)
    # A request outliving the load balancer's idle timeout (the router's route timeout too)
    # has been answered 504 by them. An AsyncAPI's requests come from its worker sidecar,
    # which waits as long as a prediction may take (contract.ASYNC_PREDICTION_SECONDS).
    env[contract.ENV_REQUEST_TIMEOUT_SECONDS] = str(
        contract.ASYNC_PREDICTION_SECONDS
        if api.is_async
        else contract.request_timeout_seconds(keep_alive_seconds)
    )
    env[contract.ENV_MAX_BODY_BYTES] = str(max_body_bytes(api))
    # Cortex v0.26-v0.35's predictor.log_level (debug, info, warning, error) is the level.
    level = api.predictor.log_level if api.predictor is not None else None
    env[contract.ENV_LOG_LEVEL] = level.upper() if level else contract.LOG_LEVEL
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = spec.cluster.region
    held_back = held_back_config(api) if hold_back_secrets and not proxy else {}
    if held_back:
        env[contract.ENV_SECRET_CONFIG] = json.dumps(held_back, sort_keys=True)
    if api.form == "container" and not proxy and container_has_references(api, container):
        env[contract.ENV_SECRETS_DIR] = contract.SECRETS_DIR
    # Sorted, so that reordering keys in YAML does not change the pod template (Cortex did too).
    return {**env, **dict(sorted(user.items()))}


def max_body_bytes(api: WorkloadAPI) -> int:
    """The body limit of the container that reads request bodies whole: the runtime in the
    predictor form, the proxy (100Mi) in the container form (runtime.contract)."""
    if api.form == "predictor":
        mem = api.computes[0].mem
        memory = mem.whole if mem is not None else None
    else:
        memory = contract.PROXY_MEMORY_MIB * 2**20
    return contract.max_body_bytes(memory, api.max_concurrency + api.max_queue_length)


def held_back_config(api: WorkloadAPI) -> dict[str, Any]:
    """The predictor's secret-looking config values, by JSON pointer: kept out of the spec
    file (a ConfigMap, readable by anyone who may read the namespace's ConfigMaps)."""
    if api.predictor is None:
        return {}
    return {pointer(item.path): item.value for item in walk(api.predictor.config, (), None)}


def _mask_env(env: dict[str, Any]) -> dict[str, Any]:
    return {k: marker(v) if looks_secret(k, v) else v for k, v in env.items()}


def _mask_config(value: Any, name: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _mask_config(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_config(v, name) for v in value]
    return marker(value) if looks_secret(name, value) else value


def masked(document: dict[str, Any]) -> dict[str, Any]:
    """The `api` of the spec file with every secret-looking literal replaced by its marker
    (references stay: they are not secrets). Same decisions as `held_back_config`."""
    predictor = document.get("predictor")
    if isinstance(predictor, dict):
        predictor["env"] = _mask_env(predictor.get("env") or {})
        predictor["config"] = _mask_config(predictor.get("config") or {}, None)
    for container in (document.get("pod") or {}).get("containers") or []:
        container["env"] = _mask_env(container.get("env") or {})
    return document


# Older Cortex releases' fields, when unset, stay out of the spec file: adding them to the
# models must not change every API's spec file (and so roll every pod) on upgrade.
_HISTORY_KEYS = frozenset(
    {
        "handler",
        "monitoring",
        "node_groups",
        "server_side_batching",
        "shm_size",
        "log_level",
        "dependencies",
        "protobuf_path",
        "models",
        "multi_model_reloading",
        "model_path",
        "signature_key",
        "tensorflow_serving_image",
    }
)


def _without_unset_history(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _without_unset_history(item)
            for key, item in value.items()
            if not (key in _HISTORY_KEYS and item is None)
        }
    if isinstance(value, list):
        return [_without_unset_history(item) for item in value]
    return value


def api_spec_document(
    api: WorkloadAPI,
    spec: Spec | None = None,
    *,
    bundle_uri: str | None = None,
    bundle_sha256: str | None = None,
    hold_back_secrets: bool = False,
) -> dict[str, Any]:
    """The JSON at `$CORTEX_API_SPEC_PATH`; `project` is null in the container form.

    It depends on the API alone (`spec` is accepted so both functions are called alike).
    `processes_per_replica` and `threads_per_process` are null in the container form, where
    the user's image decides its own parallelism. With `hold_back_secrets` (the cluster's
    spec ConfigMap), secret-looking literals are replaced by their markers.
    """
    _require_bundle(api, bundle_uri, bundle_sha256)
    predictor = api.predictor
    dump = _without_unset_history(
        api.model_dump(
            mode="json",
            exclude={
                **dict.fromkeys(INFRASTRUCTURE_ONLY, True),
                "predictor": set(PREDICTOR_INFRASTRUCTURE_ONLY),
            },
        )
    )
    return {
        "contract_version": contract.CONTRACT_VERSION,
        "api": masked(dump) if hold_back_secrets else dump,
        "resolved": {
            "name": api.name,
            "form": api.form,
            "endpoint": api.endpoint,
            "port": api.port,
            "max_concurrency": api.max_concurrency,
            "max_queue_length": api.max_queue_length,
            "processes_per_replica": predictor.processes_per_replica if predictor else None,
            "threads_per_process": predictor.threads_per_process if predictor else None,
        },
        "project": (
            {"bundle": bundle_uri, "sha256": bundle_sha256} if predictor is not None else None
        ),
    }
