"""Scale to zero, both ways, in the simulated update: the router's routes send an API's traffic
to the KEDA interceptor only after the interceptor knows the API (its InterceptorRoute, the
Service it forwards to, the add-on), and stop before those go, whatever the engine's
parallelism (`UpdatePlan.happens_before`). Main's wiring (routes waiting only for the add-on)
failed the first three."""

from __future__ import annotations

import pytest

from tests.offline.scenario_cases import step, update

pytestmark = pytest.mark.slow

ROUTES = "ConfigMap::serving-router-routes"
ADD_ON = "Release::serving-metrics-http-add-on"


def test_an_api_switched_to_zero_is_known_to_the_interceptor_before_its_route_moves() -> None:
    """scale-to-zero-on: the InterceptorRoute, and before it the ClusterIP Service, are
    created before the routes send the API's path to the interceptor."""
    plan = update("scale-to-zero-on")
    routes = step(plan, ROUTES, "update")
    route = step(plan, "InterceptorRoute::serving-sentiment-autoscaler-route", "create")
    service = step(plan, "Service::serving-sentiment-service", "create")
    assert plan.happens_before(route, routes)
    assert plan.happens_before(service, route)


def test_a_new_api_at_zero_is_known_to_the_interceptor_before_it_is_routed() -> None:
    """add-api-at-zero: the add-on, the Service and the InterceptorRoute come before the
    routes; the routes do not wait for the new API's rollout (its Deployment)."""
    plan = update("add-api-at-zero")
    routes = step(plan, ROUTES, "update")
    for suffix in (
        ADD_ON,
        "Service::serving-summarizer-service",
        "InterceptorRoute::serving-summarizer-autoscaler-route",
    ):
        assert plan.happens_before(step(plan, suffix, "create"), routes), suffix
    deployment = step(plan, "Deployment::serving-summarizer-deployment", "create")
    assert not plan.depends(routes.urn, deployment.urn)


def test_the_first_api_at_zero_waits_for_the_add_on_it_installs() -> None:
    """scale-to-zero-first: the add-on is installed in the same update, before the routes."""
    plan = update("scale-to-zero-first")
    routes = step(plan, ROUTES, "update")
    assert plan.happens_before(step(plan, ADD_ON, "create"), routes)
    route = step(plan, "InterceptorRoute::serving-sentiment-autoscaler-route", "create")
    assert plan.happens_before(route, routes)


def test_an_api_leaving_zero_is_routed_to_its_pods_before_the_interceptor_forgets_it() -> None:
    """scale-to-zero-off: the routes go back to the pods Service first; the InterceptorRoute,
    the ClusterIP Service and the add-on (no API at zero is left) are deleted after."""
    plan = update("scale-to-zero-off")
    routes = step(plan, ROUTES, "update")
    for suffix in (
        "InterceptorRoute::serving-embedder-autoscaler-route",
        "Service::serving-embedder-service",
        ADD_ON,
    ):
        assert plan.happens_before(routes, step(plan, suffix, "delete")), suffix
