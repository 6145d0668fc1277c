"""Acceptance of the serving layer's way in, under mocks: one internal load balancer for
every API, the router's routes (the scale-to-zero API through the interceptor, once its
InterceptorRoute exists), its one target group binding, the endpoint outputs, and HTTPS
with a certificate.

Separate from test_serving_plan.py, which pins the APIs' pods; both read the same cached
plan of the three-API spec.
"""

from __future__ import annotations

import json

import pytest

from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import example_plan, named, of_type, serving_plan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return serving_plan()


def test_one_internal_load_balancer_for_all_apis(plan: PlanGraph) -> None:
    """`api_load_balancer_scheme: internal` gives one internal ALB in the private subnets."""
    balancers = of_type(plan, "lb/loadBalancer:LoadBalancer")
    assert len(balancers) == 1
    inputs = balancers[0].inputs
    assert inputs["internal"] is True
    assert inputs["loadBalancerType"] == "application"
    assert inputs["subnets"] == [f"subnet-private{i}" for i in range(3)]
    assert inputs["idleTimeout"] == 1200  # a scale-to-zero API's request waits for a replica
    rules = [r for r in of_type(plan, "SecurityGroupIngressRule") if "client" in r.name]
    assert [r.inputs.get("cidrIpv4") for r in rules] == ["10.0.0.0/8"]
    assert [r.inputs["fromPort"] for r in rules] == [80]


def test_zero_api_is_routed_through_the_interceptor(plan: PlanGraph) -> None:
    """The scale-to-zero API's route goes to the interceptor, for the cold-start wait; the
    others go to their own pods."""
    data = named(plan, "core/v1:ConfigMap", "serving-router-routes").inputs["data"]
    routes = json.loads(data["routes.json"])["resources"][0]["virtual_hosts"][0]["routes"]
    actions = {r["name"]: r.get("route") for r in routes}
    assert actions["api-embedder"] == {
        "cluster": "keda-interceptor",
        "timeout": "1200s",
        "idle_timeout": "1200s",
    }
    assert actions["api-sentiment"]["cluster"] == "api-sentiment"
    assert [r["name"] for r in routes] == [
        "api-classifier",
        "api-embedder",
        "api-sentiment",
        "not-found",
    ]


def test_routes_wait_for_the_interceptor_route_of_an_api_at_zero(plan: PlanGraph) -> None:
    """The router's routes send the API at zero to the interceptor only once its
    InterceptorRoute exists (and the add-on), not before the interceptor knows the path."""
    routes = named(plan, "core/v1:ConfigMap", "serving-router-routes")
    route = named(plan, "InterceptorRoute", "serving-embedder-autoscaler-route")
    add_on = named(plan, "helm.sh/v3:Release", "serving-metrics-http-add-on")
    assert {route.urn, add_on.urn} <= set(routes.dependencies)


def test_interceptor_route_waits_only_for_its_crd_and_its_service(plan: PlanGraph) -> None:
    """The InterceptorRoute needs its CRD (the add-on) and its target Service, not the API's
    Deployment, KEDA or Prometheus: the routes that wait for it never wait for a rollout."""
    route = named(plan, "InterceptorRoute", "serving-embedder-autoscaler-route")
    assert set(route.dependencies) == {
        named(plan, "helm.sh/v3:Release", "serving-metrics-http-add-on").urn,
        named(plan, "core/v1:Service", "serving-embedder-service").urn,
    }
    scaled = named(plan, "ScaledObject", "serving-embedder-autoscaler-scaled-object")
    deployment = named(plan, "apps/v1:Deployment", "serving-embedder-deployment")
    assert {route.urn, deployment.urn} <= set(scaled.dependencies)


def test_interceptor_service_is_not_awaited(plan: PlanGraph) -> None:
    """Pulumi does not wait for the interceptor's Service to have ready pods (none, for an
    API created at zero); the interceptor waits for them per request."""
    service = named(plan, "core/v1:Service", "serving-embedder-service")
    assert service.inputs["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}
    pods = named(plan, "core/v1:Service", "serving-embedder-pods")
    assert "annotations" not in pods.inputs["metadata"]


def test_one_target_group_binding_for_the_router(plan: PlanGraph) -> None:
    """No per-API target group or binding: one binding, of the router, after the controller."""
    release = named(plan, "helm.sh/v3:Release", "serving-lb-controller-release")
    [binding] = of_type(plan, "TargetGroupBinding")
    assert release.urn in binding.dependencies
    assert binding.inputs["spec"]["targetType"] == "ip"
    assert binding.inputs["spec"]["serviceRef"] == {"name": "router", "port": "http"}
    assert len(of_type(plan, "lb/targetGroup:TargetGroup")) == 1
    assert of_type(plan, "lb/listenerRule:ListenerRule") == []


def test_endpoint_outputs(plan: PlanGraph) -> None:
    """Outputs: the load balancer's DNS name and one URL per API at its endpoint."""
    dns = plan.outputs["load_balancer_dns_name"]
    assert plan.outputs["api_endpoints"] == {
        "classifier": f"http://{dns}/vision/classify",
        "embedder": f"http://{dns}/embedder",
        "sentiment": f"http://{dns}/sentiment",
    }
    assert plan.outputs["runtime_repository_url"].endswith("/serving-test/runtime")


def test_certificate_gives_https_and_a_redirect_from_http() -> None:
    """With `ssl_certificate_arn` (mixed, prod): HTTPS 443 serves, HTTP 80 answers 301."""
    prod = example_plan("mixed", "prod")
    listeners = {r.name: r.inputs for r in of_type(prod, "lb/listener:Listener")}
    assert sorted(listeners) == ["serving-lb-listener-443", "serving-lb-listener-80"]
    assert listeners["serving-lb-listener-443"]["protocol"] == "HTTPS"
    assert listeners["serving-lb-listener-443"]["certificateArn"].startswith(
        "arn:aws:acm:us-west-2:"
    )
    assert listeners["serving-lb-listener-80"]["defaultActions"][0]["redirect"] == {
        "port": "443",
        "protocol": "HTTPS",
        "statusCode": "HTTP_301",
    }
    assert all(url.startswith("https://") for url in prod.outputs["api_endpoints"].values())
    assert not named(prod, "lb/loadBalancer:LoadBalancer", "serving-lb-alb").inputs["internal"]
