"""Acceptance of the serving layer's pods under mocks: CPU predictor, GPU container,
Inferentia predictor scaling to zero. The way in (load balancer, routes, HTTPS) is pinned
in test_serving_traffic.py."""

from __future__ import annotations

from typing import Any

import pytest

from infra.serving.api_documents import spec_hash
from offline.engine import evaluate
from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import (
    PROGRAM,
    REGION,
    THREE_APIS,
    is_plain_kubernetes,
    named,
    of_type,
    serving_plan,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return serving_plan()


def pod_spec(plan: PlanGraph, api: str) -> dict[str, Any]:
    deployment = named(plan, "apps/v1:Deployment", f"serving-{api}-deployment")
    spec: dict[str, Any] = deployment.inputs["spec"]["template"]["spec"]
    return spec


def container(plan: PlanGraph, api: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in pod_spec(plan, api)["containers"] if c["name"] == name)
    return found


def api_objects(plan: PlanGraph, suffix: str) -> list[Any]:
    """Objects of a kind that belong to an API (they carry its label), the router's aside."""
    return [
        r
        for r in of_type(plan, suffix)
        if "cortex.dev/api" in r.inputs["metadata"].get("labels", {})
    ]


def test_three_deployments_request_what_the_spec_asks(plan: PlanGraph) -> None:
    """Per API: cpu and memory requests, memory as the limit, GPUs and Neuron devices as limits."""
    assert len(api_objects(plan, "apps/v1:Deployment")) == 3
    assert container(plan, "sentiment", "api")["resources"] == {
        "requests": {"cpu": "1", "memory": "1Gi"},
        "limits": {"memory": "1Gi"},
    }
    assert container(plan, "classifier", "triton")["resources"] == {
        "requests": {"cpu": "4", "memory": "16Gi"},
        "limits": {"memory": "16Gi", "nvidia.com/gpu": "1"},
    }
    assert container(plan, "embedder", "api")["resources"] == {
        "requests": {"cpu": "2", "memory": "6Gi"},
        "limits": {"memory": "6Gi", "aws.amazon.com/neuron": "1"},
    }


def test_tolerations_only_for_the_taints_an_api_needs(plan: PlanGraph) -> None:
    """A CPU API tolerates nothing; GPU and Neuron APIs tolerate exactly their taint."""
    assert "tolerations" not in pod_spec(plan, "sentiment")
    assert [t["key"] for t in pod_spec(plan, "classifier")["tolerations"]] == ["nvidia.com/gpu"]
    assert [t["key"] for t in pod_spec(plan, "embedder")["tolerations"]] == [
        "aws.amazon.com/neuron"
    ]


def _affinity(plan: PlanGraph, api: str) -> dict[str, Any]:
    affinity: dict[str, Any] = pod_spec(plan, api)["affinity"]["nodeAffinity"]
    return affinity


def test_affinity_required_to_node_groups_and_preferred_by_priority(plan: PlanGraph) -> None:
    """`node_groups` are required; each group is preferred with its priority as weight."""
    embedder = _affinity(plan, "embedder")
    required = embedder["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert required[0]["matchExpressions"] == [
        {"key": "cortex.dev/node-group", "operator": "In", "values": ["inf2-large", "inf2-small"]}
    ]
    preferred = embedder["preferredDuringSchedulingIgnoredDuringExecution"]
    assert [(p["preference"]["matchExpressions"][0]["values"], p["weight"]) for p in preferred] == [
        (["inf2-small"], 30),
        (["inf2-large"], 5),
    ]
    # Without node_groups: the fitting groups of its accelerator, never the system group.
    sentiment = _affinity(plan, "sentiment")["requiredDuringSchedulingIgnoredDuringExecution"]
    assert sentiment["nodeSelectorTerms"][0]["matchExpressions"][0]["values"] == ["cpu"]


def test_neuron_scheduler_only_where_a_pod_takes_part_of_a_multi_device_node(
    plan: PlanGraph,
) -> None:
    """inf: 1 may land on inf2.24xlarge (6 devices): the Neuron scheduler places it."""
    assert pod_spec(plan, "embedder")["schedulerName"] == "my-scheduler"
    assert "schedulerName" not in pod_spec(plan, "classifier")


def test_container_form_runs_user_containers_behind_the_proxy(plan: PlanGraph) -> None:
    """The proxy sidecar serves 8888 and 15000; user containers keep their command and env."""
    proxy = container(plan, "classifier", "proxy")
    assert proxy["command"] == ["cortex-runtime", "proxy"]
    assert [p["containerPort"] for p in proxy["ports"]] == [8888, 15000]
    assert proxy["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": "admin"}
    triton = container(plan, "classifier", "triton")
    assert triton["image"] == "nvcr.io/nvidia/tritonserver:24.08-py3"
    assert triton["readinessProbe"]["httpGet"] == {"path": "/v2/health/ready", "port": 8000}
    names = [e["name"] for e in triton["env"]]
    assert names[-2:] == ["A_VAR", "B_VAR"]  # user variables last, sorted by key
    shm = next(v for v in pod_spec(plan, "classifier")["volumes"] if v["name"] == "dshm-triton")
    assert shm["emptyDir"] == {"medium": "Memory", "sizeLimit": "2Gi"}


def test_pods_are_unprivileged(plan: PlanGraph) -> None:
    """No privileged container, no escalation, capabilities dropped, seccomp RuntimeDefault."""
    for api in ("sentiment", "classifier", "embedder"):
        spec = pod_spec(plan, api)
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["terminationGracePeriodSeconds"] == 60
        for item in spec["containers"]:
            context = item["securityContext"]
            assert context["privileged"] is False
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
    assert container(plan, "sentiment", "api")["securityContext"]["runAsNonRoot"] is True


def test_runtime_containers_have_liveness_and_a_read_only_root(plan: PlanGraph) -> None:
    """The runtime's containers: /livez liveness (3 s timeout) beside /healthz readiness, a
    read-only root filesystem, and an emptyDir only at /tmp and the project folder."""
    for api, name, port in (("sentiment", "api", "http"), ("classifier", "proxy", "admin")):
        item = container(plan, api, name)
        assert item["livenessProbe"]["httpGet"] == {"path": "/livez", "port": port}
        assert item["livenessProbe"]["timeoutSeconds"] == 3
        assert item["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {
        m["mountPath"]: m["name"] for m in container(plan, "sentiment", "api")["volumeMounts"]
    }
    assert mounts == {"/cortex/spec": "spec", "/mnt/project": "project", "/tmp": "tmp"}
    volumes = {v["name"]: v for v in pod_spec(plan, "sentiment")["volumes"]}
    assert volumes["tmp"] == {"name": "tmp", "emptyDir": {}}
    assert (
        "readOnlyRootFilesystem" not in container(plan, "classifier", "triton")["securityContext"]
    )


def test_replicas_start_at_init_and_belong_to_the_autoscaler(plan: PlanGraph) -> None:
    """`spec.replicas` starts at init_replicas and Pulumi ignores it afterwards."""
    for api, replicas in (("sentiment", 2), ("classifier", 1), ("embedder", 0)):
        deployment = named(plan, "apps/v1:Deployment", f"serving-{api}-deployment")
        assert deployment.inputs["spec"]["replicas"] == replicas
        assert deployment.options["ignoreChanges"] == ["spec.replicas"]
    classifier = named(plan, "apps/v1:Deployment", "serving-classifier-deployment")
    assert classifier.inputs["spec"]["strategy"]["rollingUpdate"] == {
        "maxSurge": 0,
        "maxUnavailable": 1,
    }


def test_services_and_disruption_budgets_per_api(plan: PlanGraph) -> None:
    """Each API has a headless Service the router resolves to its ready pods and a
    PodDisruptionBudget over its pods; the API that scales to zero also has the ClusterIP
    Service on 8888 its InterceptorRoute sends to, and the route waits for it."""
    services = {
        s.inputs["metadata"]["name"]: s.inputs["spec"] for s in api_objects(plan, "core/v1:Service")
    }
    assert sorted(services) == [
        "api-embedder",
        "pods-classifier",
        "pods-embedder",
        "pods-sentiment",
    ]
    for name, spec in services.items():
        assert spec["ports"] == [{"name": "http", "port": 8888, "targetPort": "http"}]
        assert spec.get("clusterIP") == ("None" if name.startswith("pods-") else None)
        assert spec["selector"] == {"cortex.dev/api": name.split("-", 1)[1]}
    route = of_type(plan, "InterceptorRoute")[0]
    assert route.inputs["spec"]["target"] == {"service": "api-embedder", "port": 8888}
    assert named(plan, "core/v1:Service", "serving-embedder-service").urn in route.dependencies
    budgets = api_objects(plan, "policy/v1:PodDisruptionBudget")
    assert len(budgets) == 3
    assert all(b.inputs["spec"]["maxUnavailable"] in ("25%", 1) for b in budgets)


def test_one_autoscaler_per_api_and_only_the_zero_api_scales_to_zero(plan: PlanGraph) -> None:
    """Three ScaledObjects; min 0 and an interceptor route only for `min_replicas: 0`."""
    scaled = {r.inputs["metadata"]["name"]: r.inputs["spec"] for r in of_type(plan, "ScaledObject")}
    assert sorted(scaled) == ["api-classifier", "api-embedder", "api-sentiment"]
    assert scaled["api-embedder"]["minReplicaCount"] == 0
    assert [t["type"] for t in scaled["api-embedder"]["triggers"]] == [
        "prometheus",
        "external-push",
    ]
    assert scaled["api-sentiment"]["minReplicaCount"] == 2
    assert [t["type"] for t in scaled["api-sentiment"]["triggers"]] == ["prometheus"]
    routes = of_type(plan, "InterceptorRoute")
    assert [r.inputs["metadata"]["name"] for r in routes] == ["api-embedder"]


def test_spec_hash_rolls_pods_on_code_or_config_change(plan: PlanGraph) -> None:
    """The pod template carries a hash of image and spec file, which holds the bundle hash."""
    deployment = named(plan, "apps/v1:Deployment", "serving-sentiment-deployment")
    annotations = deployment.inputs["spec"]["template"]["metadata"]["annotations"]
    config_map = named(plan, "core/v1:ConfigMap", "serving-sentiment-spec")
    document = config_map.inputs["data"]["api.json"]
    image = container(plan, "sentiment", "api")["image"]
    assert annotations["cortex.dev/spec-hash"] == spec_hash(image, document)
    assert spec_hash(image, document.replace("0.5", "0.6")) != spec_hash(image, document)
    assert annotations["prometheus.io/port"] == "8080"


def test_every_kubernetes_object_has_an_explicit_name(plan: PlanGraph) -> None:
    """No Kubernetes object relies on autonaming."""
    objects = [r for r in plan.resources if r.type.startswith("kubernetes:")]
    releases = [r for r in objects if r.type.startswith("kubernetes:helm.sh/")]
    assert all(r.inputs.get("name") for r in releases)
    assert all(r.inputs["metadata"].get("name") for r in objects if r not in releases)
    assert any(is_plain_kubernetes(r) for r in objects)


def test_runtime_image_defaults_to_the_stack_repository(plan: PlanGraph) -> None:
    """Without predictor.image or cluster.runtime_image, pods run a base the stack builds
    into its ECR repository, by digest; the container form's proxy runs the cpu base."""
    repository = of_type(plan, "ecr/repository:Repository")[0].inputs
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository["imageTagMutability"] == "IMMUTABLE"
    image = container(plan, "sentiment", "api")["image"]
    assert image.startswith("123456789012.dkr.ecr.us-west-2.amazonaws.com/serving-test/runtime@")
    assert container(plan, "classifier", "proxy")["image"] == image
    assert container(plan, "embedder", "api")["image"] != image
    targets = {r.name: r.inputs["target"] for r in of_type(plan, "index:Image")}
    assert targets == {"serving-images-base-cpu": "cpu", "serving-images-base-neuron": "neuron"}


def test_plan_is_byte_identical_across_evaluations(plan: PlanGraph) -> None:
    """Two evaluations of the same spec give the same plan, byte for byte."""
    again = evaluate(
        {"cortex:spec": str(THREE_APIS)}, stack="serving", region=REGION, program=PROGRAM
    )
    assert again.to_json() == plan.to_json()
