"""Each pod's state and reason from its API document (shapes: tests/kube/documents.py)."""

from __future__ import annotations

from typing import Any

from cortex_kube.node_state import autoscaler_status, group_states
from cortex_kube.pod_state import api_replicas, replica, unschedulable
from tests.kube import documents


def _waiting(reason: str, message: str = "") -> dict[str, Any]:
    pod = documents.pod("p", "a", phase="Pending", ready=False)
    pod["status"]["containerStatuses"][0]["state"] = {
        "waiting": {"reason": reason, "message": message}
    }
    return pod


def test_ready_and_not_yet_ready_pods() -> None:
    """Ready condition True: ready; running but not ready: pending on its readiness probe."""
    assert replica(documents.pod("p", "a")).state == "ready"
    waiting = replica(documents.pod("p", "a", ready=False))
    assert (waiting.state, waiting.reason) == (
        "pending",
        "running, not ready yet (readiness probe)",
    )


def test_image_pull_failures_are_failed_with_the_kubelet_message() -> None:
    """ImagePullBackOff will not fix itself: failed, naming the container and message."""
    found = replica(_waiting("ImagePullBackOff", 'Back-off pulling image "x:1"'))
    assert found.state == "failed"
    assert found.reason == 'image pull (ImagePullBackOff) in api: Back-off pulling image "x:1"'


def test_a_starting_container_is_pending() -> None:
    """ContainerCreating: pending, starting."""
    found = replica(_waiting("ContainerCreating"))
    assert (found.state, found.reason) == ("pending", "starting (ContainerCreating)")


def test_terminating_and_failed_pods() -> None:
    """A deletion timestamp is terminating; phase Failed (an eviction) is failed with why."""
    pod = documents.pod("p", "a")
    pod["metadata"]["deletionTimestamp"] = "2026-12-03T10:00:00Z"
    assert replica(pod).state == "terminating"
    evicted = documents.pod("q", "a", phase="Failed", ready=False)
    evicted["status"].update(reason="Evicted", message="The node was low on resource: memory.")
    assert replica(evicted).reason == "Evicted: The node was low on resource: memory."


def test_unschedulable_names_every_short_resource_once() -> None:
    """`Insufficient cpu` and `Insufficient aws.amazon.com/neuron` both lead the reason."""
    message = "0/4 nodes are available: 1 Insufficient cpu, 3 Insufficient aws.amazon.com/neuron."
    assert unschedulable(message).startswith(
        "unschedulable: insufficient cpu, aws.amazon.com/neuron ("
    )


def test_an_api_without_deployment_is_not_deployed() -> None:
    """No Deployment: not deployed, no desired count."""
    found = api_replicas("a", None, [])
    assert (found.deployed, found.desired) == (False, None)


def test_autoscaler_groups_map_to_managed_groups_and_old_text_is_ignored() -> None:
    """An ASG `eks-<group>-<suffix>-<uuid>` is the managed group; a pre-1.30 plain-text
    status has no structure and gives no targets (unknown, not zero)."""
    asg = "eks-gpu-spot-on-demand-20261203100000000012345678-0ac7c1b2-5e5f-4c1d-9d3e-1f2a3b4c5d6e"
    status = autoscaler_status(documents.autoscaler_status([(asg, 3, 1, "InProgress")]))
    [group] = group_states(["gpu-spot-on-demand"], [], status)
    assert (group.target, group.pending_scale_up) == (3, 2)
    plain = {"data": {"status": "Cluster-autoscaler status at 2026-12-03 10:00:00"}}
    [unknown] = group_states(["cpu"], [], autoscaler_status(plain))
    assert unknown.pending_scale_up is None
