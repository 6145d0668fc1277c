"""Rules of the job kinds (BatchAPI, TaskAPI), each located at its field.

Cortex v0.42 (pkg/types/spec/validations.go at v0.42.1): neither kind has `autoscaling` or
`update_strategy` (Cortex refused the keys: its jobs run `workers` pods per submission,
nothing between jobs); every container of either needs a `command` (`validateContainers`);
a TaskAPI's containers take no `readiness_probe` and a BatchAPI's no `exec` one (its
dequeuer waits for a port; `podValidation` and `validateContainers`); neither takes
`pre_stop` (only RealtimeAPI and AsyncAPI had it, `podValidation`). Cortex v0.20-v0.33
refused `processes_per_replica` > 1 for a BatchAPI (one batch at a time per worker).
"""

from __future__ import annotations

from collections.abc import Iterator

from cortex_spec.diagnostics import Finding
from cortex_spec.models.job_apis import JobAPI
from cortex_spec.models.workload import Container
from cortex_spec.source import Path


def check_job(api: JobAPI, path: Path) -> Iterator[Finding]:
    for key in ("autoscaling", "update_strategy"):
        if key in api.model_fields_set:
            yield Finding(
                (*path, key),
                f"not supported by {api.kind}: it runs no replicas, each job runs its own workers",
                f"remove {key}; a job's submission sets its `workers`",
            )
    containers = api.pod.containers if api.pod and api.pod.containers else []
    for index, container in enumerate(containers):
        if not container.command:
            yield Finding(
                (*path, "pod", "containers", index, "name"),
                f"container {container.name} needs a command (Cortex requires it for {api.kind})",
                "add command: [...] (the entrypoint, not run in a shell)",
            )
    for index, container in enumerate(containers):
        yield from _probes(api, container, (*path, "pod", "containers", index))
    predictor = api.predictor
    field = "handler" if "handler" in api.model_fields_set else "predictor"
    if predictor is not None and predictor.type != "python":
        yield Finding(
            (*path, field, "type"),
            f"a {api.kind}'s {predictor.type} predictor is not supported yet: its workers run "
            "python predictors (predict(payload, batch_id)) only",
            "use type: python and load the model in the predictor (onnxruntime), or keep this "
            "API on Cortex",
        )
    if predictor is not None and predictor.processes_per_replica > 1:
        yield Finding(
            (*path, field, "processes_per_replica"),
            f"must be 1 for a {api.kind} (got {predictor.processes_per_replica})",
            "run more workers per job instead (the submission's `workers`)",
        )


def _probes(api: JobAPI, container: Container, path: Path) -> Iterator[Finding]:
    probe = container.readiness_probe
    if probe is not None and api.kind == "TaskAPI":
        yield Finding(
            (*path, "readiness_probe"),
            "not supported by TaskAPI: a task serves nothing, nothing waits for it to be ready",
            "remove readiness_probe (a liveness_probe is allowed)",
        )
    elif probe is not None and probe.exec is not None:
        yield Finding(
            (*path, "readiness_probe", "exec"),
            "a BatchAPI's readiness probe cannot be exec (Cortex's rule: batches are posted "
            "to the container's port)",
            "use http_get or tcp_socket on the port batches are posted to",
        )
    if container.pre_stop is not None:
        yield Finding(
            (*path, "pre_stop"),
            f"not supported by {api.kind}: a worker ends when its job does, not on a rollout",
            "remove pre_stop",
        )
