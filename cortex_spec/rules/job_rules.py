"""Rules of the job kinds (BatchAPI, TaskAPI), each located at its field.

Cortex v0.42 (pkg/types/spec/validations.go, `batchAPIValidation`, `taskAPIValidation`):
neither kind has `autoscaling` or `update_strategy` (Cortex refused the keys: its jobs run
`workers` pods per submission, nothing between jobs), and every container of either needs a
`command`. Cortex v0.20-v0.33 refused `processes_per_replica` > 1 for a BatchAPI (one batch
at a time per worker).
"""

from __future__ import annotations

from collections.abc import Iterator

from cortex_spec.diagnostics import Finding
from cortex_spec.models.job_apis import JobAPI
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
    predictor = api.predictor
    if predictor is not None and predictor.processes_per_replica > 1:
        field = "handler" if "handler" in api.model_fields_set else "predictor"
        yield Finding(
            (*path, field, "processes_per_replica"),
            f"must be 1 for a {api.kind} (got {predictor.processes_per_replica})",
            "run more workers per job instead (the submission's `workers`)",
        )
