"""`kind: BatchAPI` and `kind: TaskAPI`: APIs whose endpoint takes jobs, not requests.

Cortex v0.42 semantics (docs/workloads/batch/jobs.md, docs/workloads/task/jobs.md at tag
v0.42.1): `POST <endpoint>` submits a job (a BatchAPI's items are split into batches on a
queue, worked off by `workers` pods; a TaskAPI runs its task once), `GET <endpoint>?jobID=`
answers the job's status and `DELETE <endpoint>?jobID=` stops it. Between jobs nothing runs
but the API's job gateway.

Both forms load: the container form of v0.36-v0.42 (`pod.containers`, each with a
`command`, which Cortex required for both kinds) and the predictor form of v0.20-v0.35: a
BatchAPI's `predictor:` (v0.34-v0.35 `handler:`) whose `predict(payload, batch_id)` (or
`handle_batch`) takes one batch, and a TaskAPI's `definition: {path: task.py}` whose
`Task()(config)` runs once. Neither kind has replicas to scale or roll: `autoscaling` and
`update_strategy` are refused, as Cortex refused them (pkg/types/spec/validations.go);
those rules, located at their fields, are in cortex_spec/rules/job_rules.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.base import fail
from cortex_spec.models.job_pods import BatchPod, TaskPod
from runtime import contract

JOB_KINDS = ("BatchAPI", "TaskAPI")


class JobAPI(WorkloadAPI):
    """What BatchAPI and TaskAPI share: jobs at the endpoint, no replicas between jobs."""

    @property
    def is_job(self) -> bool:
        return True


class BatchAPI(JobAPI):
    """Jobs of items, split into batches on a queue and worked off by `workers` pods."""

    kind: Annotated[Literal["BatchAPI"], Field(description="API kind; BatchAPI.")]
    pod: Annotated[
        BatchPod | None,
        Field(
            default=None,
            description="Port batches are posted to; container form: containers.",
        ),
    ]

    @property
    def sidecars(self) -> tuple[str, ...]:
        """The container form's worker gets its batches from the dequeuer sidecar (as in
        Cortex); the predictor form's worker dequeues itself."""
        return (contract.DEQUEUER_CONTAINER_NAME,) if self.form == "container" else ()


class TaskAPI(JobAPI):
    """A task run once per job, with the job's config."""

    kind: Annotated[Literal["TaskAPI"], Field(description="API kind; TaskAPI.")]
    pod: Annotated[
        TaskPod | None,
        Field(default=None, description="Container form: the task's containers."),
    ]
    definition: Annotated[
        dict[str, Any] | None,
        Field(
            default=None,
            description="Cortex v0.27-v0.35: `{path: task.py, config, python_path, image, "
            "env}`, a `Task` class called once with the config; read as predictor.",
        ),
    ]

    @model_validator(mode="before")
    @classmethod
    def _definition(cls, data: Any) -> Any:
        """v0.27-v0.35's `definition` is the predictor form of a task (type python)."""
        if not isinstance(data, dict) or data.get("definition") is None:
            return data
        if data.get("predictor") is not None:
            fail(
                "has both definition and predictor",
                "keep definition (Cortex's name) or predictor, not both",
            )
        data = dict(data)
        definition = data.pop("definition")
        if isinstance(definition, dict):
            definition = {"type": "python", **definition}
        data["predictor"] = definition
        return data

    @property
    def sidecars(self) -> tuple[str, ...]:
        return ()


def is_job(api: object) -> bool:
    """Whether the API takes jobs (BatchAPI, TaskAPI) rather than requests."""
    return isinstance(api, JobAPI)
