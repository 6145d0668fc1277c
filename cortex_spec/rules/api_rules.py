"""Rules of `apis[]`: Cortex's parse-time validations and the cross-API checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path as FsPath

from cortex_spec import limits, naming
from cortex_spec.diagnostics import Finding
from cortex_spec.models.api import UpdateStrategy, WorkloadAPI
from cortex_spec.models.api_base import ApiBase
from cortex_spec.models.cortex_history import ignored_fields
from cortex_spec.quantities import Quantity
from cortex_spec.rules.file_rules import check_files
from cortex_spec.rules.secret_rules import check_secrets
from cortex_spec.serving_env import api_spec_document
from cortex_spec.source import Path
from runtime import contract

_CORTEX_ONLY_NETWORKING = {
    "api_gateway": "every API is served by the cluster's shared load balancer",
    "local_port": "there is no Cortex local mode (use `cortex-infra serve`)",
}


def check_api(
    api: WorkloadAPI, path: Path, project_dir: FsPath | None, shown_dir: FsPath | None = None
) -> list[Finding]:
    """Cortex's per-API rules; `shown_dir` is the spec's folder as the user named it."""
    findings = list(_autoscaling(api, path))
    findings += _update_strategy(api.update_strategy, (*path, "update_strategy"))
    findings += _workload(api, path)
    findings += _spec_file_size(api, path)
    findings += check_secrets(api, path)
    if project_dir is not None:
        findings += check_files(api, path, project_dir, shown_dir or project_dir)
    for field, message, hint in ignored_fields(api):
        findings.append(Finding((*path, field), message, hint, severity="warning"))
    for key, reason in _CORTEX_ONLY_NETWORKING.items():
        if key in api.networking.model_fields_set:
            findings.append(
                Finding(
                    (*path, "networking", key),
                    f"Cortex-only setting, ignored: {reason}",
                    "remove it when Cortex no longer needs to read this file",
                    severity="warning",
                )
            )
    return findings


def check_unique(apis: list[tuple[int, ApiBase]]) -> Iterator[Finding]:
    """Names and endpoints are unique across the APIs of every kind (one router table)."""
    names: dict[str, int] = {}
    endpoints: dict[str, str] = {}
    for index, api in apis:
        if api.name in names:
            yield Finding(
                ("apis", index, "name"),
                f'name "{api.name}" must be unique across apis (also apis[{names[api.name]}])',
                "rename one of them",
            )
        names.setdefault(api.name, index)
        # `/a` and `/a/` are one route: the router matches whole path segments.
        path = naming.route_path(api.endpoint)
        owner = endpoints.get(path)
        if owner is not None and owner != api.name:
            yield Finding(
                ("apis", index, "networking", "endpoint")
                if api.networking.endpoint
                else ("apis", index, "name"),
                f"endpoint {api.endpoint} is already being used by {owner}",
                "set a distinct networking.endpoint",
            )
        endpoints.setdefault(path, api.name)


# A bundle's URI as long as the program can make it: s3://<63>/apis/<42>/<64>.zip.
_LONGEST_BUNDLE_URI = "s3://" + "b" * 63 + "/apis/" + "a" * 42 + "/" + "0" * 64 + ".zip"


def _spec_file_size(api: WorkloadAPI, path: Path) -> Iterator[Finding]:
    """The API's spec file fits the ConfigMap that carries it (the program writes it this
    way: infra/serving/workload.py)."""
    document = api_spec_document(api, bundle_uri=_LONGEST_BUNDLE_URI, bundle_sha256="0" * 64)
    limit = limits.MAX_CONFIG_MAP_BYTES - len(contract.SPEC_FILE_NAME)
    compact = json.dumps(document, sort_keys=True, ensure_ascii=False)
    # Indenting puts each value on a line of its own, indented at most 2 x the depth: a
    # bound from the compact text (C-encoded, fast) spares the exact, slow encoding.
    lines = compact.count(",") + 2 * (compact.count("[") + compact.count("{")) + 1
    if len(compact.encode("utf-8", "replace")) + lines * (4 * limits.MAX_DEPTH + 2) <= limit:
        return
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    size = len(text.encode("utf-8", "replace"))
    if size > limit:
        yield Finding(
            (*path, "predictor", "config") if api.predictor is not None else path,
            f"the API's spec file would be {size:,} bytes; Kubernetes holds at most "
            f"{limits.MAX_CONFIG_MAP_BYTES:,} in the ConfigMap that carries it",
            "ship large data in the project folder (the bundle) and read it in the predictor",
        )


def _autoscaling(api: WorkloadAPI, path: Path) -> Iterator[Finding]:
    scaling = api.autoscaling
    base = (*path, "autoscaling")
    if scaling.min_replicas > scaling.max_replicas:
        yield Finding(
            (*base, "min_replicas"),
            f"must be <= max_replicas (got {scaling.min_replicas} > {scaling.max_replicas})",
            "lower min_replicas or raise max_replicas",
        )
    init = scaling.init_replicas
    if init is not None and init > scaling.max_replicas:
        yield Finding(
            (*base, "init_replicas"),
            f"must be <= max_replicas (got {init} > {scaling.max_replicas})",
            "lower init_replicas or raise max_replicas",
        )
    if init is not None and init < scaling.min_replicas:
        yield Finding(
            (*base, "init_replicas"),
            f"must be >= min_replicas (got {init} < {scaling.min_replicas})",
            "raise init_replicas or lower min_replicas",
        )
    yield from _cortex_scaling_keys(api, base)
    ceiling = api.in_flight_limit
    for field in ("target_in_flight", "target_replica_concurrency"):
        target = getattr(scaling, field)
        # An AsyncAPI's in-flight requests are its queue's messages: no per-replica ceiling.
        if target is not None and target > ceiling and not api.is_async:
            limit = (
                "max_replica_concurrency"
                if api.form == "predictor" and not api.pod
                else "pod.max_concurrency + pod.max_queue_length"
            )
            yield Finding(
                (*base, field),
                f"must be <= {limit} (got {target:g} > {ceiling})",
                f"lower {field} or raise the in-flight limit",
            )


def _cortex_scaling_keys(api: WorkloadAPI, base: Path) -> Iterator[Finding]:
    """Cortex v0.20-v0.35's autoscaling keys next to their v0.36 replacements."""
    scaling = api.autoscaling
    if scaling.target_in_flight is not None and scaling.target_replica_concurrency is not None:
        yield Finding(
            (*base, "target_replica_concurrency"),
            "target_replica_concurrency and target_in_flight are both set",
            "keep target_in_flight (target_replica_concurrency is Cortex v0.20-v0.35's name)",
        )
    if scaling.max_replica_concurrency is None:
        return
    if api.form == "container":
        yield Finding(
            (*base, "max_replica_concurrency"),
            "Cortex v0.20-v0.35 predictor field, not supported by cortex-infra in the "
            "container form",
            "set pod.max_concurrency and pod.max_queue_length (Cortex v0.36+)",
        )
    elif api.pod is not None and "max_queue_length" in api.pod.model_fields_set:
        yield Finding(
            (*base, "max_replica_concurrency"),
            "max_replica_concurrency and pod.max_queue_length both set the in-flight limit",
            "keep one of them",
        )


def _update_strategy(strategy: UpdateStrategy, path: Path) -> Iterator[Finding]:
    def is_zero(value: int | str) -> bool:
        return value in (0, "0%")

    if is_zero(strategy.max_surge) and is_zero(strategy.max_unavailable):
        yield Finding(
            (*path, "max_surge"),
            "max_surge and max_unavailable cannot both be zero",
            "allow at least one extra or one unavailable pod during a rollout",
        )


def _workload(api: WorkloadAPI, path: Path) -> Iterator[Finding]:
    if api.predictor is not None:
        compute = api.compute
        where = (*path, "compute")
        if compute is not None:
            yield from _compute(compute.gpu, compute.inf, compute.shm, compute.mem, where)
        if api.predictor.type == "onnx" and compute is not None and (compute.gpu or compute.inf):
            # Cortex ran ONNX on GPUs too (onnxruntime-gpu); the onnx image is CPU-only.
            yield Finding(
                (*where, "gpu" if compute.gpu else "inf"),
                "type: onnx runs on CPU nodes only in cortex-infra: its image carries "
                "onnxruntime, not onnxruntime-gpu or Neuron",
                "drop compute.gpu/inf, or use type: python with onnxruntime-gpu in the "
                "bundle's requirements.txt and create the session in predictor.py",
            )
        return
    seen: dict[str, int] = {}
    containers = api.pod.containers if api.pod and api.pod.containers else []
    for index, container in enumerate(containers):
        where = (*path, "pod", "containers", index)
        if container.name in seen:
            yield Finding(
                (*where, "name"),
                f"container name {container.name} must be unique",
                "rename one of the containers",
            )
        seen.setdefault(container.name, index)
        c = container.compute
        yield from _compute(c.gpu, c.inf, c.shm, c.mem, (*where, "compute"))
        probe = container.readiness_probe
        if api.is_async and probe is not None and probe.exec is not None:
            yield Finding(
                (*where, "readiness_probe", "exec"),
                "an AsyncAPI's readiness probe cannot be exec",
                "use http_get or tcp_socket (Cortex allowed only those for AsyncAPI)",
            )
    request = api.request
    if request.gpu and request.inf:
        yield Finding(
            (*path, "pod", "containers"),
            "gpu and inf resources cannot be used together",
            "serve from GPUs or from Inferentia, not both in one pod",
        )


def _compute(
    gpu: int, inf: int, shm: Quantity | None, mem: Quantity | None, path: Path
) -> Iterator[Finding]:
    if gpu and inf:
        yield Finding(
            (*path, "gpu"),
            "gpu and inf resources cannot be used together",
            "serve from GPUs or from Inferentia, not both in one pod",
        )
    # validations.go (v0.42.1, line 812) compares shm with mem only when both are set:
    # shm without mem is accepted, as Cortex accepted it.
    if shm is not None and mem is not None and shm.value > mem.value:
        yield Finding(
            (*path, "shm"),
            f"shm ({shm}) cannot exceed total compute mem ({mem})",
            "lower shm or raise mem",
        )
