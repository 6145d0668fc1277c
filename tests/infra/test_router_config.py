"""The router's configuration generator, pure: order, matching, weights, mirror, the
interceptor, timeouts, clusters, determinism and the bytes it takes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cortex_spec.models.api import RealtimeAPI
from infra.serving import router_config as rc
from infra.serving import routing, timeouts
from infra.serving.router_model import Backend, Route, Upstream, ordered, undefined_upstreams


def api(name: str, endpoint: str | None = None, **extra: Any) -> RealtimeAPI:
    data: dict[str, Any] = {
        "name": name,
        "kind": "RealtimeAPI",
        "predictor": {"type": "python", "path": "predictor.py"},
        **extra,
    }
    if endpoint is not None:
        data["networking"] = {"endpoint": endpoint}
    return RealtimeAPI.model_validate(data)


def route(name: str, endpoint: str, upstream: str = "u", timeout: int = 60) -> Route:
    return Route(name, endpoint, (Backend(upstream),), timeout)


def table(routes: list[Route]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = rc.route_configuration(routes)["virtual_hosts"][0]["routes"]
    return entries


def test_deeper_endpoints_come_first_then_by_path() -> None:
    """`/a/b/c` before `/a/b` before `/a`; equal depth sorts by path; the 404 is last."""
    routes = [route("a", "/a"), route("abc", "/a/b/c"), route("z", "/z"), route("ab", "/a/b")]
    assert [e["name"] for e in table(routes)] == ["abc", "ab", "a", "z", "not-found"]


def test_order_does_not_depend_on_the_order_given() -> None:
    """Routes are a set: any permutation gives the same table, byte for byte."""
    routes = [route("a", "/a"), route("b", "/b/c"), route("c", "/c")]
    assert rc.route_configuration(routes) == rc.route_configuration(list(reversed(routes)))


def test_adding_a_route_moves_no_other_route_relative_to_the_rest() -> None:
    """No priorities: a new endpoint is inserted; the others keep their relative order."""
    before = [route("a", "/a"), route("b", "/b/c"), route("c", "/c")]
    after = [*before, route("d", "/b")]
    names_after = [e["name"] for e in table(after) if e["name"] != "d"]
    assert names_after == [e["name"] for e in table(before)]


def test_endpoints_match_whole_segments() -> None:
    """`path_separated_prefix` for every endpoint but the root, which is a plain prefix."""
    entries = {e["name"]: e["match"] for e in table([route("a", "/a/"), route("root", "/")])}
    assert entries == {"a": {"path_separated_prefix": "/a"}, "root": {"prefix": "/"}}


def test_a_root_endpoint_replaces_the_not_found_route() -> None:
    """With an API at `/`, every path is someone's: no 404 route is added after it."""
    assert [e["name"] for e in table([route("root", "/"), route("a", "/a")])] == ["a", "root"]


def test_not_found_is_json() -> None:
    """Unknown paths get the same JSON 404 body the load balancer used to give."""
    last = table([route("a", "/a")])[-1]
    assert last["direct_response"] == {"status": 404, "body": {"inline_string": rc.NOT_FOUND_BODY}}
    assert json.loads(rc.NOT_FOUND_BODY) == {"error": "no API is served at this path"}


def test_weighted_backends_and_mirror() -> None:
    """Several backends become weighted clusters; a mirror copies every request."""
    split = Route("s", "/s", (Backend("blue", 90), Backend("green", 10)), 60, mirror="shadow")
    action = table([split])[0]["route"]
    assert action["weighted_clusters"] == {
        "clusters": [{"name": "blue", "weight": 90}, {"name": "green", "weight": 10}]
    }
    assert action["request_mirror_policies"] == [{"cluster": "shadow"}]
    assert "cluster" not in action
    assert split.upstreams == ("blue", "green", "shadow")


def test_single_backend_is_a_plain_cluster() -> None:
    """One backend: `cluster`, no weights, no mirror."""
    action = table([route("a", "/a", "api-a")])[0]["route"]
    assert action == {"cluster": "api-a", "timeout": "60s", "idle_timeout": "60s"}


@pytest.mark.parametrize(
    ("backends", "timeout"),
    [
        ((), 60),
        ((Backend("a", 0),), 60),
        ((Backend("a", -1), Backend("b")), 60),
        ((Backend("a"), Backend("a")), 60),
        ((Backend("a"),), 0),
    ],
)
def test_routes_reject_what_envoy_would(backends: tuple[Backend, ...], timeout: int) -> None:
    """No backend, no positive weight, a negative weight, a repeated upstream or no timeout
    is a programming error of the caller, refused when the route is made."""
    with pytest.raises(ValueError, match="route r"):
        Route("r", "/r", backends, timeout)


def test_interceptor_route_for_scale_to_zero_with_the_cold_start_timeout() -> None:
    """`min_replicas: 0` routes to the interceptor for up to the cold-start wait; warm APIs
    route to their pods and time out with the load balancer (raised by the zero API)."""
    warm = api("warm")
    cold = api("cold", autoscaling={"min_replicas": 0, "max_replicas": 2})
    found = {r.name: r for r in routing.routing([warm, cold]).routes}
    assert found["api-cold"].backends == (Backend(routing.INTERCEPTOR_UPSTREAM),)
    assert found["api-cold"].timeout_seconds == timeouts.COLD_START_SECONDS
    assert found["api-warm"].backends == (Backend("api-warm"),)
    assert found["api-warm"].timeout_seconds == timeouts.COLD_START_SECONDS
    alone = routing.routing([warm]).routes[0]
    assert alone.timeout_seconds == timeouts.DEFAULT_IDLE_TIMEOUT


def test_switching_scale_to_zero_changes_routes_only() -> None:
    """Every API keeps its upstream, so a switch changes the route file alone: the switched
    API's route, and, when it is the first API at zero, the warm routes' timeout (which
    follows the load balancer's)."""
    warm = api("m", autoscaling={"min_replicas": 1, "max_replicas": 3})
    cold = api("m", autoscaling={"min_replicas": 0, "max_replicas": 3})
    for other, moved in (
        (api("other", autoscaling={"min_replicas": 0}), []),
        (api("other"), ["api-other"]),
    ):
        before, after = routing.routing([warm, other]), routing.routing([cold, other])
        assert before.upstreams == after.upstreams
        changed = [a.name for a, b in zip(before.routes, after.routes, strict=True) if a != b]
        assert changed == ["api-m", *moved]


def test_upstreams_are_the_pods_of_each_api() -> None:
    """Each API's upstream resolves its headless Service, on the port its pods serve."""
    container = RealtimeAPI.model_validate(
        {
            "name": "c",
            "kind": "RealtimeAPI",
            "pod": {"port": 9000, "containers": [{"name": "x", "image": "nginx:1.27"}]},
        }
    )
    predictor = api("p", pod={"port": 9000})
    ups = {u.name: u for u in routing.routing([predictor]).upstreams}
    assert ups["api-p"] == Upstream("api-p", "pods-p.cortex.svc.cluster.local", 9000)
    assert ups[routing.INTERCEPTOR_UPSTREAM].host == (
        "keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local"
    )
    assert routing.target_port(container) == 8888


def test_every_route_sends_to_a_defined_upstream() -> None:
    """Routing from a spec never names an upstream it does not define."""
    apis = [api("a"), api("b", autoscaling={"min_replicas": 0}), api("c", "/x/y")]
    result = routing.routing(apis)
    assert undefined_upstreams(result.routes, result.upstreams) == []
    assert undefined_upstreams([route("r", "/r", "ghost")], result.upstreams) == ["ghost"]


def test_no_api_no_route_no_cluster() -> None:
    """An empty spec gives an empty routing (the router then answers 404 everywhere)."""
    assert routing.routing([]) == routing.Routing(routes=(), upstreams=())
    assert [e["name"] for e in table([])] == ["not-found"]


def test_cluster_balances_on_requests_and_closes_idle_connections_first() -> None:
    """DNS cluster of the pods, least-request, V4 only, breaker at the replica's whole
    connection allowance, and an upstream idle timeout below the pods' keep-alive."""
    cluster = rc.envoy_cluster(Upstream("api-a", "pods-a.cortex.svc.cluster.local", 8080), 60)
    assert cluster["lb_policy"] == "LEAST_REQUEST"
    assert cluster["cluster_type"]["typed_config"]["dns_lookup_family"] == "V4_ONLY"
    assert cluster["circuit_breakers"]["thresholds"][0] == dict.fromkeys(
        ("max_connections", "max_pending_requests", "max_requests", "max_retries"),
        rc.MAX_DOWNSTREAM_CONNECTIONS,
    )
    options = cluster["typed_extension_protocol_options"][rc.HTTP_OPTIONS]
    assert options["common_http_protocol_options"] == {"idle_timeout": "60s"}
    assert (
        timeouts.keep_alive_seconds(timeouts.DEFAULT_IDLE_TIMEOUT) > timeouts.UPSTREAM_IDLE_SECONDS
    )


def test_aliased_file_means_exactly_the_clusters() -> None:
    """The YAML with anchors and aliases loads to the same resources as the plain JSON."""
    ups = [Upstream(f"api-{i}", f"pods-{i}.cortex.svc.cluster.local", 8080 + i) for i in range(5)]
    resources = rc.cluster_configuration(ups, 60)
    text = rc.aliased_discovery_file(resources)
    assert yaml.safe_load(text) == json.loads(rc.discovery_file(resources))
    assert text.count("*a") > 5  # the shared parts are written once
    assert len(text) < len(rc.discovery_file(resources)) * 0.6


_names = st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(st.lists(st.tuples(_names, st.integers(1, 65535)), max_size=20, unique_by=lambda t: t[0]))
def test_aliased_file_round_trips_any_clusters(spec: list[tuple[str, int]]) -> None:
    """For any set of upstreams, the aliased YAML loads to exactly the JSON resources."""
    ups = [Upstream(f"api-{n}", f"pods-{n}.cortex.svc.cluster.local", port) for n, port in spec]
    resources = rc.cluster_configuration(ups, 60)
    assert yaml.safe_load(rc.aliased_discovery_file(resources)) == json.loads(
        rc.discovery_file(resources)
    )


def test_files_are_deterministic_and_versioned_by_content() -> None:
    """Same routes, same bytes; a change changes the version Envoy reports."""
    one = rc.discovery_file([rc.route_configuration([route("a", "/a")])])
    assert one == rc.discovery_file([rc.route_configuration([route("a", "/a")])])
    two = rc.discovery_file([rc.route_configuration([route("a", "/a", timeout=61)])])
    assert json.loads(one)["version_info"] != json.loads(two)["version_info"]


def test_ordered_is_total_on_equal_paths() -> None:
    """Two routes of one path (a caller's mistake the spec rejects) still order by name."""
    assert [r.name for r in ordered([route("b", "/x/"), route("a", "/x")])] == ["a", "b"]


def test_scaling_edits_change_nothing_in_the_router() -> None:
    """max_replicas, max_concurrency and the queue never reach the router's files."""
    small = api("m", autoscaling={"max_replicas": 2}, pod={"max_concurrency": 1})
    large = api(
        "m", autoscaling={"max_replicas": 40}, pod={"max_concurrency": 8, "max_queue_length": 5}
    )
    assert routing.routing([small]) == routing.routing([large])
