"""The router and the load balancer in the plan: one ALB → one target group → Envoy, with
identities and options that keep every second `pulumi up` safe."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from infra.serving import router_bootstrap, router_workload, timeouts
from offline.graph import PlanGraph, PlannedResource
from tests.infra.serving_fixtures.plans import (
    EXAMPLE_STACKS,
    example_plan,
    named,
    of_type,
    serving_plan,
)

pytestmark = pytest.mark.slow

# TargetGroupBinding v1beta1 spec fields of the pinned controller (kubernetes-sigs/
# aws-load-balancer-controller v2.17.1, helm/aws-load-balancer-controller/crds/crds.yaml):
# the binding may use these and nothing else; `serviceRef` is required.
BINDING_SPEC_FIELDS = {
    "assumeRoleExternalId",
    "iamRoleArnToAssume",
    "ipAddressType",
    "multiClusterTargetGroup",
    "networking",
    "nodeSelector",
    "serviceRef",
    "targetGroupARN",
    "targetGroupName",
    "targetGroupProtocol",
    "targetType",
    "vpcID",
}


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return serving_plan()


def router_object(plan: PlanGraph, suffix: str, name: str = "router") -> PlannedResource:
    [found] = [r for r in of_type(plan, suffix) if r.inputs["metadata"]["name"] == name]
    return found


def pod(plan: PlanGraph) -> dict[str, Any]:
    spec: dict[str, Any] = router_object(plan, "apps/v1:Deployment").inputs["spec"]["template"][
        "spec"
    ]
    return spec


def test_router_runs_unprivileged_on_the_system_nodes(plan: PlanGraph) -> None:
    """Non-root, read-only root, no capabilities, seccomp RuntimeDefault, no escalation,
    requests and a memory limit, on the system node group."""
    spec = pod(plan)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["nodeSelector"] == {"cortex.dev/node-group": "system"}
    assert spec["automountServiceAccountToken"] is False
    assert spec["enableServiceLinks"] is False
    [envoy] = spec["containers"]
    assert envoy["image"] == "envoyproxy/envoy:v1.40.0"
    context = envoy["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["privileged"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert set(envoy["resources"]["requests"]) == {"cpu", "memory"}
    assert set(envoy["resources"]["limits"]) == {"memory"}


def test_router_spreads_and_keeps_two_replicas(plan: PlanGraph) -> None:
    """Two replicas at least, never stacked while a node is free, zones preferred; a PDB
    and a CPU HPA; the HPA owns `spec.replicas`."""
    deployment = router_object(plan, "apps/v1:Deployment")
    assert deployment.inputs["spec"]["replicas"] == 2
    assert deployment.options["ignoreChanges"] == ["spec.replicas"]
    spread = {
        c["topologyKey"]: c["whenUnsatisfiable"] for c in pod(plan)["topologySpreadConstraints"]
    }
    assert spread == {
        "kubernetes.io/hostname": "DoNotSchedule",
        "topology.kubernetes.io/zone": "ScheduleAnyway",
    }
    budget = router_object(plan, "policy/v1:PodDisruptionBudget").inputs["spec"]
    assert budget == {"maxUnavailable": 1, "selector": {"matchLabels": router_workload.SELECTOR}}
    hpa = router_object(plan, "autoscaling/v2:HorizontalPodAutoscaler").inputs["spec"]
    assert (hpa["minReplicas"], hpa["scaleTargetRef"]["name"]) == (2, "router")
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"


def test_router_drains_before_it_stops(plan: PlanGraph) -> None:
    """Readiness on Envoy's /ready (health port); preStop runs the drain script; the grace
    period covers the longest request, and the ALB waits as long for a leaving replica."""
    [envoy] = pod(plan)["containers"]
    assert envoy["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "health"}
    assert envoy["lifecycle"]["preStop"]["exec"]["command"] == [
        "/bin/bash",
        "-c",
        router_bootstrap.drain_script(),
    ]
    assert pod(plan)["terminationGracePeriodSeconds"] == timeouts.ROUTER_GRACE_SECONDS
    assert timeouts.ROUTER_GRACE_SECONDS > timeouts.COLD_START_SECONDS
    [group] = of_type(plan, "lb/targetGroup:TargetGroup")
    assert group.inputs["deregistrationDelay"] == timeouts.ROUTER_GRACE_SECONDS <= 3600
    assert group.inputs["healthCheck"]["path"] == "/ready"
    assert group.inputs["healthCheck"]["port"] == "8081"
    assert (group.inputs["port"], group.inputs["targetType"]) == (8080, "ip")


def test_binding_follows_the_service_and_the_deployment_follows_the_binding(
    plan: PlanGraph,
) -> None:
    """Service → binding (and the controller) → Deployment: pods get their readiness gates."""
    binding = router_object(plan, "TargetGroupBinding", "router-rt-int-8080")
    service = router_object(plan, "core/v1:Service")
    deployment = router_object(plan, "apps/v1:Deployment")
    release = named(plan, "helm.sh/v3:Release", "serving-lb-controller-release")
    assert {service.urn, release.urn} <= set(binding.dependencies)
    assert binding.urn in deployment.dependencies
    assert binding.inputs["metadata"]["namespace"] == "cortex"


def test_binding_is_named_after_its_target_group(plan: PlanGraph) -> None:
    """A new target group ARN replaces the binding (the webhook refuses the update); the
    binding's name follows the target group's identity, so the new binding is created
    before the old one goes (different names: no clash, no delete-first window)."""
    binding = router_object(plan, "TargetGroupBinding", "router-rt-int-8080")
    [group] = of_type(plan, "lb/targetGroup:TargetGroup")
    assert binding.inputs["metadata"]["name"] == (
        f"router-{group.inputs['namePrefix']}-{group.inputs['port']}"
    )
    assert binding.options["replaceOnChanges"] == ["spec.targetGroupARN"]
    assert "deleteBeforeReplace" not in binding.options


def test_binding_uses_only_fields_of_its_crd(plan: PlanGraph) -> None:
    """The binding's spec uses fields of the pinned controller's CRD, serviceRef included."""
    spec = router_object(plan, "TargetGroupBinding", "router-rt-int-8080").inputs["spec"]
    assert set(spec) <= BINDING_SPEC_FIELDS
    assert set(spec["serviceRef"]) == {"name", "port"}
    assert spec["targetType"] in {"ip", "instance"}


def test_a_new_scheme_brings_a_new_target_group(plan: PlanGraph) -> None:
    """The target group's ForceNew name prefix follows the scheme: replacing the ALB replaces
    the target group too, since one target group cannot serve two load balancers."""
    [internal] = of_type(plan, "lb/targetGroup:TargetGroup")
    [public] = of_type(example_plan("cpu", None), "lb/targetGroup:TargetGroup")
    assert (internal.inputs["namePrefix"], public.inputs["namePrefix"]) == ("rt-int", "rt-ext")
    assert all(len(t.inputs["namePrefix"]) <= 6 for t in (internal, public))


def test_aws_names_are_left_to_pulumi(plan: PlanGraph) -> None:
    """The ALB, its security group and the target group carry no fixed name, so a
    replacement is created before the old one goes, without a name clash."""
    for suffix in (
        "lb/loadBalancer:LoadBalancer",
        "ec2/securityGroup:SecurityGroup",
        "lb/targetGroup:TargetGroup",
    ):
        [found] = of_type(plan, suffix)
        assert "name" not in found.inputs, suffix


def test_listeners_are_named_by_port_and_forward_to_the_router(plan: PlanGraph) -> None:
    """Without a certificate: one listener, `-listener-80`, forwarding to the router."""
    [listener] = of_type(plan, "lb/listener:Listener")
    assert listener.name == "serving-lb-listener-80"
    [action] = listener.inputs["defaultActions"]
    assert action["type"] == "forward"


def test_alb_reaches_only_the_router_ports(plan: PlanGraph) -> None:
    """Security group rules to and from the cluster only on the router's two ports."""
    egress = sorted(r.inputs["fromPort"] for r in of_type(plan, "SecurityGroupEgressRule"))
    ingress = sorted(
        r.inputs["fromPort"]
        for r in of_type(plan, "SecurityGroupIngressRule")
        if "from-alb" in r.name
    )
    assert egress == ingress == [8080, 8081]


def test_dynamic_config_maps_update_in_place_clusters_first(plan: PlanGraph) -> None:
    """Routes and clusters go through a provider that mutates ConfigMaps; the clusters are
    published before the routes that send to them."""
    routes = named(plan, "core/v1:ConfigMap", "serving-router-routes")
    clusters = named(plan, "core/v1:ConfigMap", "serving-router-clusters")
    [provider] = [
        p for p in of_type(plan, "providers:kubernetes") if p.name == "serving-router-k8s"
    ]
    # Provider settings travel as strings (the engine's provider-config encoding).
    assert provider.inputs["enableConfigMapMutable"] == "true"
    assert routes.provider.startswith(provider.urn)
    assert clusters.provider.startswith(provider.urn)
    assert clusters.urn in routes.dependencies
    assert "immutable" not in routes.inputs


def test_bootstrap_is_immutable_and_named_by_its_content(plan: PlanGraph) -> None:
    """A changed bootstrap is a new ConfigMap the Deployment switches to (a rollout)."""
    bootstrap = named(plan, "core/v1:ConfigMap", "serving-router-bootstrap")
    text = bootstrap.inputs["data"]["envoy.json"]
    assert bootstrap.inputs["immutable"] is True
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    assert bootstrap.inputs["metadata"]["name"] == f"router-bootstrap-{digest}"
    volumes = {v["name"]: v for v in pod(plan)["volumes"]}
    assert volumes["bootstrap"]["configMap"]["name"] == f"router-bootstrap-{digest}"
    sources = [s["configMap"]["name"] for s in volumes["dynamic"]["projected"]["sources"]]
    assert sources == ["router-routes", "router-clusters"]


def test_router_deployment_is_the_same_for_every_spec() -> None:
    """The Deployment and its bootstrap do not depend on the APIs: adding, removing or
    changing an API never restarts a router pod (every example, every environment)."""
    seen = set()
    for example, environment in EXAMPLE_STACKS:
        graph = example_plan(example, environment)
        deployment = router_object(graph, "apps/v1:Deployment").inputs
        seen.add(json.dumps(deployment, sort_keys=True))
    assert len(seen) == 1


def test_no_domain_warns_that_urls_follow_the_load_balancer(plan: PlanGraph) -> None:
    """Without `cluster.domain` the plan says the URLs change when the ALB is replaced."""
    assert any("cluster.domain is not set" in w for w in plan.warnings)
