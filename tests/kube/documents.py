"""Kubernetes API documents for the fake API server, in the real API's documented shapes.

Nothing here was captured from a live cluster (none is reachable from the tests): each
document is written field by field from the Kubernetes API reference for v1.35
(https://kubernetes.io/docs/reference/kubernetes-api/): `Pod` and `PodList` (core/v1,
workload-resources/pod-v1: `status.phase`, `status.conditions[]` with `PodScheduled` /
`Unschedulable`, `status.containerStatuses[].state.waiting.reason` and
`lastState.terminated.exitCode`), `Deployment` (apps/v1, `status.updatedReplicas`), `Node`
(core/v1, with EKS's
`eks.amazonaws.com/nodegroup` label), `ConfigMap` (with cluster-autoscaler's status YAML,
kubernetes/autoscaler `clusterstate/api/types.go`) and `Status` for errors; Prometheus's
instant query answer is from its HTTP API reference (/api/v1/query, resultType vector).
The scheduler's and kubelet's messages are their own wording (kube-scheduler's
`0/3 nodes are available: 3 Insufficient nvidia.com/gpu.`, kubelet's `back-off 5m0s
restarting failed container=...`). Jobs and gateway pods: kind_documents.py.
"""

from __future__ import annotations

from typing import Any

CREATED = "2026-12-03T10:00:00Z"


def pod(
    name: str,
    api: str,
    *,
    phase: str = "Running",
    ready: bool = True,
    node: str | None = "ip-10-0-1-10.us-west-2.compute.internal",
    containers: tuple[str, ...] = ("api",),
    conditions: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    created: str = CREATED,
    labels: dict[str, str] | None = None,
    owner: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A pod of an API's Deployment (ReplicaSet-owned, labelled cortex.dev/api), or with
    `labels` and `owner` another workload's (a gateway's, a Job's)."""
    found_conditions = conditions or [
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": created},
        {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": created},
    ]
    spec: dict[str, Any] = {
        "containers": [{"name": c, "image": "runtime@sha256:0"} for c in containers]
    }
    if node:
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "cortex",
            "labels": labels or {"cortex.dev/api": api, "pod-template-hash": "7d9f8c6b5"},
            "creationTimestamp": created,
            "ownerReferences": [
                owner
                or {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"api-{api}-7d9f8c6b5"}
            ],
        },
        "spec": spec,
        "status": {
            "phase": phase,
            "conditions": found_conditions,
            "containerStatuses": statuses
            if statuses is not None
            else [
                {
                    "name": c,
                    "ready": ready,
                    "restartCount": 0,
                    "image": "runtime@sha256:0",
                    "imageID": "",
                    "started": True,
                    "state": {"running": {"startedAt": created}},
                }
                for c in containers
            ],
        },
    }


def unschedulable_pod(name: str, api: str, resource: str) -> dict[str, Any]:
    """Pending: the scheduler found no node with enough of `resource` (no node arrived)."""
    message = (
        f"0/3 nodes are available: 3 Insufficient {resource}. preemption: 0/3 nodes are "
        "available: 3 No preemption victims found for incoming pod."
    )
    return pod(
        name,
        api,
        phase="Pending",
        ready=False,
        node=None,
        conditions=[
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "Unschedulable",
                "message": message,
                "lastTransitionTime": CREATED,
            }
        ],
        statuses=[],
    )


def crash_looping_pod(name: str, api: str, exit_code: int, restarts: int) -> dict[str, Any]:
    """Running phase, the container waiting in CrashLoopBackOff after exiting `exit_code`."""
    return pod(
        name,
        api,
        ready=False,
        statuses=[
            {
                "name": "api",
                "ready": False,
                "restartCount": restarts,
                "image": "runtime@sha256:0",
                "imageID": "",
                "started": False,
                "state": {
                    "waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": f"back-off 5m0s restarting failed container=api pod={name}",
                    }
                },
                "lastState": {
                    "terminated": {
                        "exitCode": exit_code,
                        "reason": "Error",
                        "startedAt": "2026-12-03T10:04:00Z",
                        "finishedAt": "2026-12-03T10:04:02Z",
                    }
                },
            }
        ],
    )


def deployment(
    api: str,
    replicas: int,
    *,
    name: str | None = None,
    selector: dict[str, str] | None = None,
    updated: int | None = None,
) -> dict[str, Any]:
    """An API's Deployment `api-<name>`, or another (`gateway-<name>`, `jobs-<name>`)."""
    labels = selector or {"cortex.dev/api": api}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name or f"api-{api}", "namespace": "cortex", "labels": labels},
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels}},
        "status": {
            "replicas": replicas,
            "updatedReplicas": replicas if updated is None else updated,
            "readyReplicas": 0,
        },
    }


def node(name: str, physical_group: str, *, ready: bool = True) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"eks.amazonaws.com/nodegroup": physical_group},
        },
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]},
    }


def autoscaler_status(groups: list[tuple[str, int, int, str]]) -> dict[str, Any]:
    """cluster-autoscaler-status: per (ASG name, target, registered, scale-up status)."""
    lines = [
        "time: 2026-12-03 10:05:00.000000 +0000 UTC",
        "autoscalerStatus: Running",
        "nodeGroups:",
    ]
    for asg, target, registered, scale_up in groups:
        lines += [
            f"- name: {asg}",
            "  health:",
            "    status: Healthy",
            "    nodeCounts:",
            "      registered:",
            f"        total: {registered}",
            f"        ready: {registered}",
            "        notStarted: 0",
            "      longUnregistered: 0",
            f"      unregistered: {target - registered}",
            f"    cloudProviderTarget: {target}",
            "    minSize: 0",
            "    maxSize: 6",
            "  scaleUp:",
            f"    status: {scale_up}",
        ]
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cluster-autoscaler-status", "namespace": "kube-system"},
        "data": {"status": "\n".join(lines) + "\n"},
    }


def prometheus_vector(values: dict[str, float]) -> dict[str, Any]:
    return {
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [
                {"metric": {"api_name": name}, "value": [1764756300.0, f"{value:g}"]}
                for name, value in values.items()
            ],
        },
    }


def status_404(what: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "message": f"{what} not found",
        "reason": "NotFound",
        "code": 404,
    }
