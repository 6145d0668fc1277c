"""What a serving container is given (docs/runtime-contract.md): its environment and spec file.

Pure functions of the validated spec, shared by the Pulumi program (which sets them on the
pod and in the spec ConfigMap) and by `cortex-infra serve` (which gives the local runtime
exactly the same), so the two cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cortex_spec.models.api import RealtimeAPI
from runtime import contract

if TYPE_CHECKING:
    from cortex_spec.loader import Spec

# Fields only the infrastructure acts on: the spec file leaves them out, so that scaling or
# placement changes update the autoscaler or the scheduling rules without restarting pods.
INFRASTRUCTURE_ONLY = ("autoscaling", "update_strategy", "node_groups")
# Predictor fields the same way: `bundle_root` decides which files the bundle holds, and
# reaches the pod as the bundle's hash.
PREDICTOR_INFRASTRUCTURE_ONLY = ("bundle_root",)


def _require_bundle(api: RealtimeAPI, bundle_uri: str | None, bundle_sha256: str | None) -> None:
    if api.form == "predictor" and (bundle_uri is None or bundle_sha256 is None):
        raise ValueError(f"API {api.name}: the predictor form needs the bundle's URI and SHA-256")


def serving_environment(
    api: RealtimeAPI,
    spec: Spec,
    *,
    bundle_uri: str | None = None,
    bundle_sha256: str | None = None,
    container: str | None = None,
    keep_alive_seconds: int = contract.DEFAULT_KEEP_ALIVE_SECONDS,
) -> dict[str, str]:
    """The environment of one container, in the contract's order, user variables last.

    `keep_alive_seconds` must outlast the idle timeout of whatever load balancer sends
    the requests (the Pulumi program passes its ALB's timeout plus a margin).

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
    # has been answered 504 by them.
    env[contract.ENV_REQUEST_TIMEOUT_SECONDS] = str(
        contract.request_timeout_seconds(keep_alive_seconds)
    )
    env[contract.ENV_MAX_BODY_BYTES] = str(max_body_bytes(api))
    env[contract.ENV_LOG_LEVEL] = contract.LOG_LEVEL
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = spec.cluster.region
    # Sorted, so that reordering keys in YAML does not change the pod template (Cortex did too).
    return {**env, **dict(sorted(user.items()))}


def max_body_bytes(api: RealtimeAPI) -> int:
    """The body limit of the container that reads request bodies whole: the runtime in the
    predictor form, the proxy (100Mi) in the container form (runtime.contract)."""
    if api.form == "predictor":
        mem = api.computes[0].mem
        memory = mem.whole if mem is not None else None
    else:
        memory = contract.PROXY_MEMORY_MIB * 2**20
    return contract.max_body_bytes(memory, api.max_concurrency + api.max_queue_length)


def api_spec_document(
    api: RealtimeAPI,
    spec: Spec | None = None,
    *,
    bundle_uri: str | None = None,
    bundle_sha256: str | None = None,
) -> dict[str, Any]:
    """The JSON at `$CORTEX_API_SPEC_PATH`; `project` is null in the container form.

    It depends on the API alone (`spec` is accepted so both functions are called alike).
    `processes_per_replica` and `threads_per_process` are null in the container form, where
    the user's image decides its own parallelism.
    """
    _require_bundle(api, bundle_uri, bundle_sha256)
    predictor = api.predictor
    return {
        "contract_version": contract.CONTRACT_VERSION,
        "api": api.model_dump(
            mode="json",
            exclude={
                **dict.fromkeys(INFRASTRUCTURE_ONLY, True),
                "predictor": set(PREDICTOR_INFRASTRUCTURE_ONLY),
            },
        ),
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
