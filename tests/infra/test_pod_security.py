"""Pod Security admission: each namespace the stack owns enforces the strictest standard its
pods meet, pinned to the cluster's minor, and every pod of a `restricted` namespace meets it."""

from __future__ import annotations

from typing import Any, Final

import pytest

from cortex_spec import naming
from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import (
    EXAMPLE_STACKS,
    example_plan,
    kubernetes_version,
    of_type,
    secrets_plan,
    serving_plan,
)

pytestmark = pytest.mark.slow

PREFIX: Final = "pod-security.kubernetes.io"
# Pod Security Standards, "Restricted" (kubernetes.io/docs/concepts/security/
# pod-security-standards/): the volume types it allows.
RESTRICTED_VOLUMES: Final = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)


def _namespace_labels(plan: PlanGraph, name: str) -> dict[str, str]:
    for resource in of_type(plan, "core/v1:Namespace"):
        if resource.inputs["metadata"]["name"] == name:
            labels: dict[str, str] = resource.inputs["metadata"].get("labels", {})
            return labels
    raise AssertionError(f"no namespace {name}")


def _container_violations(container: dict[str, Any], pod_context: dict[str, Any]) -> list[str]:
    context = container.get("securityContext", {})
    capabilities = context.get("capabilities", {})
    seccomp = context.get("seccompProfile", pod_context.get("seccompProfile", {}))
    checks = {
        "privileged": bool(context.get("privileged")),
        "allowPrivilegeEscalation": context.get("allowPrivilegeEscalation") is not False,
        "runAsNonRoot": not context.get("runAsNonRoot", pod_context.get("runAsNonRoot")),
        "runAsUser 0": context.get("runAsUser", pod_context.get("runAsUser")) == 0,
        "seccompProfile": seccomp.get("type") not in ("RuntimeDefault", "Localhost"),
        "capabilities not dropped": "ALL" not in capabilities.get("drop", []),
        "capabilities added": bool(set(capabilities.get("add", [])) - {"NET_BIND_SERVICE"}),
        "hostPort": any("hostPort" in port for port in container.get("ports", [])),
    }
    return [f"{container['name']}: {name}" for name, failed in checks.items() if failed]


def restricted_violations(pod: dict[str, Any]) -> list[str]:
    """What keeps a pod spec from the Restricted standard (its controls, checked as written)."""
    problems = [key for key in ("hostNetwork", "hostPID", "hostIPC") if pod.get(key)]
    for volume in pod.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            problems.append(f"volume {volume['name']}: {sorted(kinds)}")
    for container in pod.get("initContainers", []) + pod["containers"]:
        problems += _container_violations(container, pod.get("securityContext", {}))
    return problems


def _plans() -> list[tuple[str, PlanGraph, str]]:
    found = [
        (f"{example}/{env}", example_plan(example, env), kubernetes_version(example, env))
        for example, env in EXAMPLE_STACKS
    ]
    return [*found, ("serving", serving_plan(), "1.35"), ("secrets", secrets_plan(), "1.35")]


def test_cortex_namespace_enforces_the_level_its_pods_allow() -> None:
    """restricted when every API runs the runtime image, else baseline; warn and audit at
    restricted; versions pinned to the cluster's minor."""
    levels = set()
    for label, plan, version in _plans():
        labels = _namespace_labels(plan, naming.NAMESPACE)
        deployments = [
            r
            for r in of_type(plan, "apps/v1:Deployment")
            if r.inputs["metadata"].get("namespace") == naming.NAMESPACE
        ]
        # The runtime's own containers: the predictor, the router, an AsyncAPI's worker
        # sidecar and gateway; any other is a user's (the container form).
        containers_form = any(
            c["name"] not in ("api", "envoy", "dequeuer", "gateway")
            for d in deployments
            for c in d.inputs["spec"]["template"]["spec"]["containers"]
        )
        expected = "baseline" if containers_form else "restricted"
        assert labels[f"{PREFIX}/enforce"] == expected, label
        assert labels[f"{PREFIX}/warn"] == labels[f"{PREFIX}/audit"] == "restricted", label
        for mode in ("enforce", "warn", "audit"):
            assert labels[f"{PREFIX}/{mode}-version"] == f"v{version}", label
        levels.add(expected)
    assert levels == {"restricted", "baseline"}, "the plans cover both levels"


def test_every_pod_of_a_restricted_namespace_meets_restricted() -> None:
    """The runtime's pods and the router: non-root, RuntimeDefault seccomp, no capabilities,
    no escalation, allowed volume types only."""
    checked = 0
    for label, plan, _ in _plans():
        if _namespace_labels(plan, naming.NAMESPACE)[f"{PREFIX}/enforce"] != "restricted":
            continue
        for deployment in of_type(plan, "apps/v1:Deployment"):
            if deployment.inputs["metadata"].get("namespace") != naming.NAMESPACE:
                continue
            pod = deployment.inputs["spec"]["template"]["spec"]
            assert restricted_violations(pod) == [], f"{label}: {deployment.name}"
            checked += 1
    assert checked > 0


def test_runtime_pods_meet_restricted_even_in_a_baseline_namespace() -> None:
    """Only users' own images lower the level: the runtime's containers (proxy, secrets init
    step) meet restricted wherever they run."""
    for deployment in of_type(secrets_plan(), "apps/v1:Deployment"):
        pod = deployment.inputs["spec"]["template"]["spec"]
        own = {
            **pod,
            "containers": [c for c in pod["containers"] if c["name"] in ("api", "proxy", "envoy")],
        }
        assert restricted_violations(own) == [], deployment.name


def test_controller_namespaces_enforce_baseline() -> None:
    """keda and monitoring run pinned charts whose pods are not all restricted."""
    plan = example_plan("cpu", None)
    for namespace in ("keda", "monitoring"):
        labels = _namespace_labels(plan, namespace)
        assert labels[f"{PREFIX}/enforce"] == "baseline"
        assert labels[f"{PREFIX}/warn"] == "restricted"
