"""Everything `cortex-infra get` shows, read from the cluster for one spec.

Per API: its Deployment (`api-<name>` in the `cortex` namespace) and its pods (label
`cortex.dev/api`), and the requests in flight now, from the Prometheus the stack runs for
autoscaling (the runtime's `cortex_in_flight_requests` gauge, summed per API, through the
API server's service proxy). Per node group: nodes and pending scale-ups
(`node_state.py`). The names are the program's (infra/serving), pinned equal to them by
tests/kube/test_names.py; this package does not import the program (it imports pulumi).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from cortex_kube.connection import Kube, NotFoundError
from cortex_kube.node_state import STATUS_CONFIG_MAP, GroupState, autoscaler_status, group_states
from cortex_kube.pod_state import ApiReplicas, api_replicas
from cortex_spec import naming
from cortex_spec.errors import ProvisionError
from cortex_spec.loader import Spec
from runtime import contract

API_LABEL: Final = "cortex.dev/api"  # infra/serving/pod_template.py API_LABEL
METRICS_NAMESPACE: Final = "monitoring"  # infra/serving/metrics_stack.py
# The prometheus chart's server Service and port (infra/serving/metrics_stack.py).
PROMETHEUS_SERVICE: Final = "prometheus-server:80"
IN_FLIGHT_QUERY: Final = f"sum by (api_name) ({contract.IN_FLIGHT_METRIC})"


@dataclass(frozen=True)
class ClusterState:
    apis: tuple[ApiReplicas, ...]
    in_flight: dict[str, float] | None
    groups: tuple[GroupState, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "apis": [
                {
                    **api.to_dict(),
                    "in_flight": None
                    if self.in_flight is None
                    else self.in_flight.get(api.api, 0.0),
                }
                for api in self.apis
            ],
            "node_groups": [group.to_dict() for group in self.groups],
            "notes": list(self.notes),
        }


def expected_groups(spec: Spec) -> list[str]:
    """The managed node groups the stack creates: system, then the workers in order."""
    workers = [group.name for profile in spec.profiles for group in profile.groups]
    return [*(g.name for g in spec.system_profile.groups), *workers]


def _in_flight(kube: Kube, notes: list[str]) -> dict[str, float] | None:
    try:
        answer = kube.proxy_get(
            "querying Prometheus for in-flight requests",
            METRICS_NAMESPACE,
            PROMETHEUS_SERVICE,
            "api/v1/query",
            [("query", IN_FLIGHT_QUERY)],
        )
    except (NotFoundError, ProvisionError) as error:
        notes.append(f"in-flight requests unknown: {error}")
        return None
    if answer.get("status") != "success":
        notes.append(f"in-flight requests unknown: Prometheus answered {answer.get('error')}")
        return None
    found: dict[str, float] = {}
    for sample in answer.get("data", {}).get("result") or []:
        name = sample.get("metric", {}).get("api_name")
        if name:
            found[str(name)] = float(sample["value"][1])
    return found


def read_state(kube: Kube, spec: Spec) -> ClusterState:
    """The replicas of every API of the spec, in-flight requests and node groups."""
    notes: list[str] = []
    namespace = naming.NAMESPACE
    pods = kube.read(
        "listing the APIs' pods", kube.core.list_namespaced_pod, namespace, label_selector=API_LABEL
    ).get("items", [])
    deployments = {
        d["metadata"]["name"]: d
        for d in kube.read(
            "listing the APIs' deployments", kube.apps.list_namespaced_deployment, namespace
        ).get("items", [])
    }
    by_api: dict[str, list[dict[str, Any]]] = {}
    for pod in pods:
        by_api.setdefault(pod["metadata"].get("labels", {}).get(API_LABEL, ""), []).append(pod)
    apis = tuple(
        api_replicas(
            api.name, deployments.get(naming.deployment_name(api.name)), by_api.get(api.name, [])
        )
        for api in spec.apis
    )
    nodes = kube.read("listing nodes", kube.core.list_node).get("items", [])
    try:
        config_map: dict[str, Any] | None = kube.read(
            "reading cluster-autoscaler's status",
            kube.core.read_namespaced_config_map,
            STATUS_CONFIG_MAP,
            naming.SYSTEM_NAMESPACE,
        )
    except NotFoundError:
        config_map = None
        notes.append("cluster-autoscaler has written no status yet: pending scale-ups unknown")
    groups = group_states(expected_groups(spec), nodes, autoscaler_status(config_map))
    return ClusterState(apis, _in_flight(kube, notes), tuple(groups), tuple(notes))
