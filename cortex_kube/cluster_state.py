"""Everything `cortex-infra get` shows, read from the cluster for one spec.

Per API of every kind, its objects in the `cortex` namespace (kind_state.py says which):
Deployments, pods (label `cortex.dev/api`, and an AsyncAPI's gateway pods,
`cortex.dev/gateway`) and a job API's Jobs, each listed once for all APIs; and the
requests in flight now, from the Prometheus the stack runs for autoscaling (the runtime's
`cortex_in_flight_requests` gauge, summed per API, through the API server's service
proxy). Per node group: nodes and pending scale-ups (`node_state.py`). The names are the
program's (infra/serving), pinned equal to them by tests/kube/test_names.py; this package
does not import the program (it imports pulumi).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from cortex_kube.connection import Kube, NotFoundError
from cortex_kube.kind_state import ASYNC_GATEWAY_LABEL, Read, entry
from cortex_kube.node_state import STATUS_CONFIG_MAP, GroupState, autoscaler_status, group_states
from cortex_spec import naming
from cortex_spec.errors import ProvisionError
from cortex_spec.loader import Spec
from cortex_spec.models.api import ApiBase
from cortex_spec.models.job_apis import is_job
from runtime import contract

API_LABEL: Final = "cortex.dev/api"  # infra/serving/pod_template.py API_LABEL
METRICS_NAMESPACE: Final = "monitoring"  # infra/serving/metrics_stack.py
# The prometheus chart's server Service and port (infra/serving/metrics_stack.py).
PROMETHEUS_SERVICE: Final = "prometheus-server:80"
IN_FLIGHT_QUERY: Final = f"sum by (api_name) ({contract.IN_FLIGHT_METRIC})"


@dataclass(frozen=True)
class ClusterState:
    apis: tuple[dict[str, Any], ...]
    groups: tuple[GroupState, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "apis": list(self.apis),
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


def _by_label(items: list[dict[str, Any]], label: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        value = (item.get("metadata") or {}).get("labels", {}).get(label)
        if value:
            found.setdefault(str(value), []).append(item)
    return found


def _listed_by_label(
    kube: Kube, what: str, list_objects: Any, label: str
) -> dict[str, list[dict[str, Any]]]:
    """The namespace's objects carrying `label`, grouped by its value."""
    items = kube.read(f"listing {what}", list_objects, naming.NAMESPACE, label_selector=label).get(
        "items", []
    )
    return _by_label(items, label)


def _read(kube: Kube, apis: list[ApiBase], notes: list[str]) -> Read:
    """Each kind of object once, and only those the APIs shown need."""
    namespace = naming.NAMESPACE
    read = Read()
    pods = kube.read(
        "listing the APIs' pods", kube.core.list_namespaced_pod, namespace, label_selector=API_LABEL
    ).get("items", [])
    read.pods = _by_label(pods, API_LABEL)
    read.deployments = {
        d["metadata"]["name"]: d
        for d in kube.read(
            "listing the APIs' deployments", kube.apps.list_namespaced_deployment, namespace
        ).get("items", [])
    }
    if any(api.kind == "AsyncAPI" for api in apis):
        read.gateway_pods = _listed_by_label(
            kube, "the AsyncAPIs' gateway pods", kube.core.list_namespaced_pod, ASYNC_GATEWAY_LABEL
        )
    if any(is_job(api) for api in apis):
        read.jobs = _listed_by_label(
            kube, "the job APIs' Jobs", kube.batch.list_namespaced_job, API_LABEL
        )
    if any(api.kind in ("RealtimeAPI", "AsyncAPI") for api in apis):
        read.in_flight = _in_flight(kube, notes)
    return read


def read_state(kube: Kube, spec: Spec, only: str | None = None) -> ClusterState:
    """Every API of the spec (of every kind, in the file's order) and the node groups; or,
    with `only`, that one API and no node groups."""
    notes: list[str] = []
    apis = [api for api in spec.entries if only is None or api.name == only]
    read = _read(kube, apis, notes)
    entries = tuple(entry(read, api) for api in apis)
    if only is not None:
        return ClusterState(entries, (), tuple(notes))
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
    return ClusterState(entries, tuple(groups), tuple(notes))
