"""One entry of `get` per API of the spec, with the state that matters for its kind.

Every entry has `api` and `kind`. Then, by kind (the objects the program creates,
infra/serving; docs/operations.md lists every key):

- RealtimeAPI: its Deployment `api-<name>` and pods (`cortex.dev/api`): requested
  (`desired`), `up_to_date`, ready, pending, failed with the reasons, and `in_flight`.
- AsyncAPI: the same for its workers (the Deployment `api-<name>`), and `gateway`, its
  gateway Deployment `gateway-<name>` and pods (`cortex.dev/gateway`). The queue's depth is
  SQS's: the `get` command adds it (`cortex_aws/async_queues.py`).
- BatchAPI, TaskAPI: `gateway`, the job gateway Deployment `jobs-<name>` and its pods
  (`cortex.dev/component: job-gateway`), and `jobs`, the API's Kubernetes Jobs newest
  first (job_state.py), with `job_counts` per state and `latest_job_id`.
- TrafficSplitter: `targets`, each target's weight and shadow flag from the spec and its
  replicas (requested, up-to-date, ready) read as for a RealtimeAPI. It runs no pods itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from cortex_kube.job_state import COMPONENT_LABEL, GATEWAY_COMPONENT, counts, job_states
from cortex_kube.pod_state import ApiReplicas, api_replicas
from cortex_spec import naming
from cortex_spec.models.api import ApiBase
from cortex_spec.models.job_apis import is_job
from cortex_spec.models.traffic_splitter import TrafficSplitter
from runtime import job_contract

ASYNC_GATEWAY_LABEL: Final = "cortex.dev/gateway"  # infra/serving/async_workload.py


@dataclass
class Read:
    """What the cluster answered, indexed for the entries."""

    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Pods labelled cortex.dev/api, and an AsyncAPI's gateway pods, per API name.
    pods: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    gateway_pods: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    jobs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    in_flight: dict[str, float] | None = None


def _is_job_gateway(pod: dict[str, Any]) -> bool:
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return labels.get(COMPONENT_LABEL) == GATEWAY_COMPONENT


def _replicas(read: Read, api: str, deployment: str, pods: list[dict[str, Any]]) -> ApiReplicas:
    return api_replicas(api, read.deployments.get(deployment), pods)


def _gateway(replicas: ApiReplicas, deployment: str) -> dict[str, Any]:
    document = replicas.to_dict()
    del document["api"]
    return {"deployment": deployment, **document}


def _in_flight(read: Read, name: str) -> float | None:
    return None if read.in_flight is None else read.in_flight.get(name, 0.0)


def workload(read: Read, name: str, kind: str) -> dict[str, Any]:
    """A RealtimeAPI, or an AsyncAPI (its workers, then its gateway)."""
    own = _replicas(read, name, naming.deployment_name(name), read.pods.get(name, []))
    entry = {"kind": kind, **own.to_dict(), "in_flight": _in_flight(read, name)}
    if kind == "AsyncAPI":
        gateway = naming.gateway_name(name)
        found = _replicas(read, name, gateway, read.gateway_pods.get(name, []))
        entry["gateway"] = _gateway(found, gateway)
    return entry


def job_api(read: Read, name: str, kind: str) -> dict[str, Any]:
    pods = read.pods.get(name, [])
    gateway = job_contract.gateway_name(name)
    found = _replicas(read, name, gateway, [p for p in pods if _is_job_gateway(p)])
    workers = [p for p in pods if not _is_job_gateway(p)]
    jobs = job_states(read.jobs.get(name, []), workers)
    return {
        "api": name,
        "kind": kind,
        "gateway": _gateway(found, gateway),
        "jobs": [job.to_dict() for job in jobs],
        "job_counts": counts(jobs),
        "latest_job_id": jobs[0].job_id if jobs else None,
    }


def splitter(read: Read, api: TrafficSplitter) -> dict[str, Any]:
    targets = []
    for target in api.apis:
        name = target.name
        replicas = _replicas(read, name, naming.deployment_name(name), read.pods.get(name, []))
        targets.append(
            {
                "api": name,
                "weight": target.weight,
                "shadow": target.shadow,
                "deployed": replicas.deployed,
                "desired": replicas.desired,
                "up_to_date": replicas.up_to_date,
                "ready": replicas.count("ready"),
            }
        )
    return {"api": api.name, "kind": api.kind, "targets": targets}


def entry(read: Read, api: ApiBase) -> dict[str, Any]:
    """The `get` entry of one API of the spec, whatever its kind."""
    if isinstance(api, TrafficSplitter):
        return splitter(read, api)
    if is_job(api):
        return job_api(read, api.name, api.kind)
    return workload(read, api.name, api.kind)
