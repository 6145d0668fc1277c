"""A TrafficSplitter's transitions in the simulated update: its route reaches live traffic
only after what it sends to exists, and stops before what it sent to goes, whatever the
engine's parallelism (`UpdatePlan.happens_before`)."""

from __future__ import annotations

import pytest

from tests.offline.scenario_cases import step, update

pytestmark = pytest.mark.slow

ROUTES = "ConfigMap::serving-router-routes"


def test_a_new_split_target_is_running_before_the_route_sends_to_it() -> None:
    """add-traffic-splitter: the shadow's Deployment is created before the routes change."""
    plan = update("add-traffic-splitter")
    created = step(plan, "Deployment::serving-ranker-next-deployment", "create")
    assert plan.happens_before(created, step(plan, ROUTES, "update"))


def test_a_target_at_zero_is_known_to_the_interceptor_before_its_share_moves() -> None:
    """split-target-to-zero: the InterceptorRoute (with the split Host) and the add-on exist
    before the routes send the target's share through the interceptor."""
    plan = update("split-target-to-zero")
    routes = step(plan, ROUTES, "update")
    interceptor = step(plan, "InterceptorRoute::serving-ranker-v2-autoscaler-route", "create")
    add_on = step(plan, "Release::serving-metrics-http-add-on", "create")
    assert plan.happens_before(interceptor, routes)
    assert plan.happens_before(add_on, routes)


def test_a_removed_target_goes_after_the_route_stops_sending_to_it() -> None:
    """remove-traffic-splitter: the routes change first; the shadow is deleted after."""
    plan = update("remove-traffic-splitter")
    deleted = step(plan, "Deployment::serving-ranker-next-deployment", "delete")
    assert plan.happens_before(step(plan, ROUTES, "update"), deleted)
