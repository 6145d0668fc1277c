"""Which pods `cortex-infra logs` reads, per kind (Cortex's `cortex logs API [JOB_ID]`).

- RealtimeAPI: its replicas (`cortex.dev/api=<name>`).
- AsyncAPI: its workers (the same label), or with `gateway` its gateway's pods
  (`cortex.dev/gateway=<name>`, infra/serving/async_workload.py).
- BatchAPI, TaskAPI: with a job id, that Job's pods (`cortex.dev/job-id=<id>`, set by the
  job gateway, runtime/cluster_jobs.py); without one, the job gateway's pods
  (`cortex.dev/component=job-gateway`, infra/serving/job_template.py).

A job id the cluster has no Job for is bad input; the known ids, newest first, are in the
hint (finished Jobs are deleted 7 days after they end).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cortex_kube.connection import Kube
from cortex_kube.job_state import COMPONENT_LABEL, GATEWAY_COMPONENT, JOB_ID_LABEL, job_states
from cortex_kube.kind_state import ASYNC_GATEWAY_LABEL
from cortex_spec import naming
from cortex_spec.errors import CortexError
from cortex_spec.models.api import ApiBase
from cortex_spec.models.job_apis import is_job
from runtime import job_contract

API_LABEL: Final = job_contract.API_LABEL
_KNOWN_SHOWN: Final = 5


@dataclass(frozen=True)
class LogTarget:
    selector: str
    what: str  # "the workers of summarizer", for messages
    hint: str  # what to do when it has no pods


def _job(kube: Kube, api: str, job_id: str) -> LogTarget:
    jobs = kube.read(
        f"listing the Jobs of {api}",
        kube.batch.list_namespaced_job,
        naming.NAMESPACE,
        label_selector=f"{API_LABEL}={api}",
    ).get("items", [])
    known = [job.job_id for job in job_states(jobs, [])]
    if job_id not in known:
        shown = ", ".join(known[:_KNOWN_SHOWN]) + (", ..." if len(known) > _KNOWN_SHOWN else "")
        raise CortexError(
            f'{api} has no job "{job_id}" in the cluster',
            hint=f"job ids of {api}, newest first: {shown}"
            if known
            else f"{api} has no jobs in the cluster (finished Jobs are deleted after 7 days)",
        )
    return LogTarget(
        f"{API_LABEL}={api},{JOB_ID_LABEL}={job_id}",
        f"job {job_id} of {api}",
        "its pods are not created yet or were deleted: run again in a few seconds; "
        "`cortex-infra get SPEC API` shows the job's state and why workers wait",
    )


def log_target(kube: Kube, api: ApiBase, *, gateway: bool, job_id: str | None) -> LogTarget:
    """The pods to read for the API and the choice made on the command line (the CLI has
    checked that the choice fits the kind: `cortex_cli/commands/logs.py`)."""
    name = api.name
    if is_job(api):
        if job_id is not None:
            return _job(kube, name, job_id)
        return LogTarget(
            f"{API_LABEL}={name},{COMPONENT_LABEL}={GATEWAY_COMPONENT}",
            f"the job gateway of {name}",
            "the gateway is not running: `cortex-infra get SPEC API` shows why",
        )
    if api.kind == "AsyncAPI" and gateway:
        return LogTarget(
            f"{ASYNC_GATEWAY_LABEL}={name}",
            f"the gateway of {name}",
            "the gateway is not running: `cortex-infra get SPEC API` shows why",
        )
    if api.kind == "AsyncAPI":
        return LogTarget(
            f"{API_LABEL}={name}",
            f"the workers of {name}",
            "no worker runs now (with min_replicas 0 they scale to zero on an empty queue); "
            "read the gateway with --gateway",
        )
    return LogTarget(
        f"{API_LABEL}={name}",
        name,
        "the API has no replicas: `cortex-infra get SPEC API` shows why",
    )
