"""An API's replicas from its Deployment and pods, as the Kubernetes API returns them.

Input is the API server's JSON (Pod and Deployment, core/v1 and apps/v1 in the Kubernetes
API reference). Each pod is ready, pending (scheduling, starting, waiting for readiness),
failed (crash loop, image pull, out of memory, a failed pod) or terminating, with the reason
a person acts on: a pending pod that no node can take names the resource that is short
(the scheduler's `Insufficient nvidia.com/gpu`); a crash loop names the last exit.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final, Literal

State = Literal["ready", "pending", "failed", "terminating"]
# Waiting reasons of a container that will not get better by itself (kubelet's reasons).
_IMAGE_PULL: Final = frozenset({"ErrImagePull", "ImagePullBackOff", "InvalidImageName"})
_CONFIG: Final = frozenset({"CreateContainerConfigError", "CreateContainerError"})
_INSUFFICIENT: Final = re.compile(r"Insufficient ([\w./-]*\w)")


@dataclass(frozen=True)
class Replica:
    pod: str
    state: State
    reason: str | None
    node: str | None
    restarts: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "pod": self.pod,
            "state": self.state,
            "reason": self.reason,
            "node": self.node,
            "restarts": self.restarts,
        }


def _condition(pod: dict[str, Any], kind: str) -> dict[str, Any]:
    for condition in pod.get("status", {}).get("conditions") or []:
        if condition.get("type") == kind:
            return dict(condition)
    return {}


def unschedulable(message: str) -> str:
    """The scheduler's message, led by what is short: `insufficient nvidia.com/gpu`."""
    short = list(dict.fromkeys(_INSUFFICIENT.findall(message)))
    if short:
        return f"unschedulable: insufficient {', '.join(short)} ({message.strip()})"
    return f"unschedulable: {message.strip()}" if message else "unschedulable"


def _last_exit(status: dict[str, Any]) -> str:
    last = (status.get("lastState") or {}).get("terminated") or {}
    if not last:
        return "no exit recorded yet"
    reason = f" ({last['reason']})" if last.get("reason") else ""
    when = f" at {last['finishedAt']}" if last.get("finishedAt") else ""
    message = f": {str(last['message']).strip()[:160]}" if last.get("message") else ""
    return f"last exit code {last.get('exitCode')}{reason}{when}{message}"


def _container_failure(statuses: list[dict[str, Any]]) -> str | None:
    for status in statuses:
        name = status.get("name", "?")
        waiting = (status.get("state") or {}).get("waiting") or {}
        reason = waiting.get("reason")
        if reason == "CrashLoopBackOff":
            restarts = status.get("restartCount", 0)
            return f"crash loop in {name}: {_last_exit(status)}; {restarts} restarts"
        if reason in _IMAGE_PULL:
            return f"image pull ({reason}) in {name}: {waiting.get('message', '').strip()}"
        if reason in _CONFIG:
            return f"{reason} in {name}: {waiting.get('message', '').strip()}"
        terminated = (status.get("state") or {}).get("terminated") or {}
        if terminated.get("reason") == "OOMKilled":
            return f"out of memory in {name} (OOMKilled): raise compute.mem"
    return None


def replica(pod: dict[str, Any]) -> Replica:
    meta, status = pod.get("metadata", {}), pod.get("status", {})
    name = str(meta.get("name", "?"))
    node = pod.get("spec", {}).get("nodeName")
    statuses = list(status.get("containerStatuses") or [])
    restarts = sum(int(s.get("restartCount", 0)) for s in statuses)

    def made(state: State, reason: str | None) -> Replica:
        return Replica(name, state, reason, node, restarts)

    if meta.get("deletionTimestamp"):
        return made("terminating", None)
    phase = status.get("phase")
    if phase in ("Failed", "Succeeded"):
        why = status.get("reason") or phase
        return made("failed", f"{why}: {status['message']}" if status.get("message") else why)
    failure = _container_failure(statuses)
    if failure:
        return made("failed", failure)
    scheduled = _condition(pod, "PodScheduled")
    if scheduled.get("status") == "False":
        if scheduled.get("reason") == "Unschedulable":
            return made("pending", unschedulable(str(scheduled.get("message", ""))))
        return made("pending", "waiting to be scheduled")
    if phase == "Pending":
        waiting = [(s.get("state") or {}).get("waiting", {}).get("reason") for s in statuses]
        reason = next((w for w in waiting if w), None)
        return made("pending", f"starting ({reason})" if reason else "starting")
    if _condition(pod, "Ready").get("status") == "True":
        return made("ready", None)
    return made("pending", "running, not ready yet (readiness probe)")


@dataclass(frozen=True)
class ApiReplicas:
    api: str
    deployed: bool
    desired: int | None
    replicas: tuple[Replica, ...]
    # The Deployment's `status.updatedReplicas`: pods of its current template (Cortex's
    # "up-to-date"); None when not deployed.
    up_to_date: int | None = None

    def count(self, state: State) -> int:
        return sum(1 for r in self.replicas if r.state == state)

    def reasons(self) -> list[str]:
        """`2 pending: unschedulable: insufficient nvidia.com/gpu (...)`, most frequent first."""
        found = Counter((r.state, r.reason) for r in self.replicas if r.reason)
        return [f"{n} {state}: {reason}" for (state, reason), n in found.most_common()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "deployed": self.deployed,
            "desired": self.desired,
            "up_to_date": self.up_to_date,
            "ready": self.count("ready"),
            "pending": self.count("pending"),
            "failed": self.count("failed"),
            "terminating": self.count("terminating"),
            "reasons": self.reasons(),
            "replicas": [r.to_dict() for r in self.replicas],
        }


def api_replicas(
    api: str, deployment: dict[str, Any] | None, pods: list[dict[str, Any]]
) -> ApiReplicas:
    """Desired from the Deployment (its autoscaler sets it), each pod classified."""
    if deployment is None:
        return ApiReplicas(api, deployed=False, desired=None, replicas=())
    desired = deployment.get("spec", {}).get("replicas")
    updated = int((deployment.get("status") or {}).get("updatedReplicas") or 0)
    ordered = sorted(pods, key=lambda p: str(p.get("metadata", {}).get("name", "")))
    return ApiReplicas(api, True, desired, tuple(replica(p) for p in ordered), updated)
