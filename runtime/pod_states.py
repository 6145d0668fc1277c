"""A job's workers counted by state from their pods, as Cortex v0.42's `worker_counts`
(docs/workloads/batch/jobs.md): pending, initializing, running, succeeded, failed, stalled.

Pod phases and container states are the Kubernetes API's (kubernetes.io/docs/concepts/
workloads/pods/pod-lifecycle/). Stalled is Cortex's: pending for more than 10 minutes
(pkg/types/status/worker_counts.go)."""

from __future__ import annotations

import datetime
from typing import Any

STALLED_AFTER = datetime.timedelta(minutes=10)


def _created(pod: dict[str, Any]) -> datetime.datetime | None:
    stamp = (pod.get("metadata") or {}).get("creationTimestamp")
    if not isinstance(stamp, str):
        return None
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _state(pod: dict[str, Any], now: datetime.datetime) -> str:
    status = pod.get("status") or {}
    phase = status.get("phase")
    if phase == "Succeeded":
        return "succeeded"
    if phase == "Failed":
        return "failed"
    if phase == "Running":
        return "running"
    scheduled = any(
        c.get("type") == "PodScheduled" and c.get("status") == "True"
        for c in status.get("conditions") or []
    )
    if scheduled:
        return "initializing"
    created = _created(pod)
    if created is not None and now - created > STALLED_AFTER:
        return "stalled"
    return "pending"


def _oom(pod: dict[str, Any]) -> bool:
    for container in (pod.get("status") or {}).get("containerStatuses") or []:
        for state in (container.get("state"), container.get("lastState")):
            if ((state or {}).get("terminated") or {}).get("reason") == "OOMKilled":
                return True
    return False


def worker_counts(pods: list[dict[str, Any]]) -> dict[str, int]:
    """Counts per state, plus `oom`: pods a container of which was killed out of memory."""
    now = datetime.datetime.now(datetime.UTC)
    counts: dict[str, int] = {}
    for pod in pods:
        state = _state(pod, now)
        counts[state] = counts.get(state, 0) + 1
        if _oom(pod):
            counts["oom"] = counts.get("oom", 0) + 1
    return counts
