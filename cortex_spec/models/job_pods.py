"""The pods of the job kinds (BatchAPI, TaskAPI): what `pod:` holds for each."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from cortex_spec.models.base import StrictModel
from cortex_spec.models.workload import Container, ServingPort, check_pod_port
from runtime import contract

# A job's pods take one batch (or the task) at a time: Cortex's batch dequeuer had one worker.
_ONE = 1


class BatchPod(StrictModel):
    """A BatchAPI's pod: the port its server takes batches on, and its containers."""

    port: ServingPort
    containers: Annotated[
        list[Container] | None,
        Field(
            default=None,
            min_length=1,
            description="Container form: the containers of each worker; one serves batches "
            "(POST /, a JSON list) on `port`, and each needs `command`.",
        ),
    ]

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        return check_pod_port(value)

    @property
    def max_concurrency(self) -> int:
        """One batch at a time per worker."""
        return _ONE


class TaskPod(StrictModel):
    """A TaskAPI's pod: its containers (no port: a task serves nothing)."""

    containers: Annotated[
        list[Container] | None,
        Field(
            default=None,
            min_length=1,
            description="Container form: the containers of the task's pod; each needs "
            "`command`. The job's spec is at /cortex/spec/job.json.",
        ),
    ]

    @property
    def port(self) -> int:
        """A task listens on nothing; the contract's default stands in for the env."""
        return contract.DEFAULT_PORT

    @property
    def max_concurrency(self) -> int:
        return _ONE
