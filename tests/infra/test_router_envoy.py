"""The router's configuration in a real Envoy of the pinned version, on loopback: what it
matches, where it sends, how it reloads, how it drains."""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from infra.serving import router_bootstrap as rb
from infra.serving import router_workload
from infra.serving.router_config import NOT_FOUND_BODY
from infra.serving.router_model import Backend, Route
from tests.infra import envoy_harness as harness
from tests.infra.envoy_harness import local_upstream, router, upstreams


def route(name: str, endpoint: str, *backends: Backend, timeout: int = 30) -> Route:
    return Route(name, endpoint, backends, timeout)


def test_image_and_test_binary_are_the_same_release() -> None:
    """What the tests run is what the pods run: envoyproxy/envoy:v<VERSION>."""
    assert f"envoyproxy/envoy:v{harness.VERSION}" == router_workload.IMAGE
    found = subprocess.run(
        [str(harness.envoy_binary()), "--version"], capture_output=True, text=True, check=True
    )
    assert f"/{harness.VERSION}/" in found.stdout


def test_endpoints_match_by_segment_and_deepest_first(tmp_path: Path) -> None:
    """`/a` serves `/a`, `/a/`, `/a/x` but not `/ab`; `/a/b` wins below itself; paths and
    query strings reach the pods unchanged; any other path is the JSON 404."""
    with upstreams("a", "ab", "a-b") as up:
        routes = [
            route("api-a", "/a", Backend("a")),
            route("api-ab", "/ab", Backend("ab")),
            route("api-a-b", "/a/b", Backend("a-b")),
        ]
        with router(tmp_path, routes, [local_upstream(u) for u in up.values()]) as envoy:
            answers = {p: envoy.get(p) for p in ("/a", "/a/", "/a/x?q=1", "/ab", "/a/b/c", "/a/bc")}
            assert answers == {
                "/a": (200, "a /a"),
                "/a/": (200, "a /a/"),
                "/a/x?q=1": (200, "a /a/x?q=1"),
                "/ab": (200, "ab /ab"),
                "/a/b/c": (200, "a-b /a/b/c"),
                "/a/bc": (200, "a /a/bc"),
            }
            assert envoy.get("/abc") == (404, NOT_FOUND_BODY)
            assert envoy.get("/") == (404, NOT_FOUND_BODY)


def test_root_endpoint_takes_what_no_deeper_route_matches(tmp_path: Path) -> None:
    """An API at `/` catches every other path; deeper endpoints still come first."""
    with upstreams("root", "deep") as up:
        routes = [route("api-root", "/", Backend("root")), route("api-deep", "/d", Backend("deep"))]
        with router(tmp_path, routes, [local_upstream(u) for u in up.values()]) as envoy:
            assert envoy.get("/anything")[1] == "root /anything"
            assert envoy.get("/d/x")[1] == "deep /d/x"


def test_weights_split_traffic_and_a_zero_weight_gets_none(tmp_path: Path) -> None:
    """Weighted backends (the TrafficSplitter shape): 0 never chosen, 1:1 reaches both."""
    with upstreams("blue", "green", "grey") as up:
        routes = [
            route("split", "/split", Backend("blue"), Backend("green")),
            route("canary", "/canary", Backend("grey", 0), Backend("green", 5)),
        ]
        with router(tmp_path, routes, [local_upstream(u) for u in up.values()]) as envoy:
            split = Counter(envoy.get("/split")[1].split()[0] for _ in range(60))
            canary = Counter(envoy.get("/canary")[1].split()[0] for _ in range(20))
    assert split["blue"] > 0
    assert split["green"] > 0
    assert canary == Counter({"green": 20})
    assert up["grey"].seen == []


def test_mirror_gets_a_copy_of_every_request(tmp_path: Path) -> None:
    """A route's mirror (a shadow API) receives each request; the client sees the primary."""
    with upstreams("primary", "shadow") as up:
        mirrored = Route("api-p", "/p", (Backend("primary"),), 30, mirror="shadow")
        with router(tmp_path, [mirrored], [local_upstream(u) for u in up.values()]) as envoy:
            answers = [envoy.get(f"/p/{i}") for i in range(5)]
            deadline = time.monotonic() + 5
            while len(up["shadow"].seen) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
    assert [a[1] for a in answers] == [f"primary /p/{i}" for i in range(5)]
    assert sorted(up["shadow"].seen) == [f"/p/{i}" for i in range(5)]


def test_split_route_strips_its_endpoint_and_sets_each_backends_host(tmp_path: Path) -> None:
    """A TrafficSplitter's route: `/split`, `/split/` and `/split/x?q` reach the APIs as
    `/`, `/` and `/x?q`; a backend with a host (a target at zero, via the interceptor) gets
    exactly that Host, the others the client's."""
    with upstreams("blue", "green") as up:
        split = Route(
            "api-split",
            "/split",
            (Backend("blue", 1), Backend("green", 1, host="api-green.cortex.svc.cluster.local")),
            30,
            strip_endpoint=True,
        )
        with router(tmp_path, [split], [local_upstream(u) for u in up.values()]) as envoy:
            answers = [envoy.get(p) for p in ("/split", "/split/", "/split/x?q=1") * 10]
    assert {a[1].split()[1] for a in answers} == {"/", "/x?q=1"}
    assert up["blue"].seen
    assert up["green"].seen
    assert set(up["green"].hosts) == {"api-green.cortex.svc.cluster.local"}
    assert "api-green" not in " ".join(up["blue"].hosts)


def test_mirror_copies_its_percent_with_the_rewritten_path(tmp_path: Path) -> None:
    """The shadow's fraction: 0 percent copies nothing, 100 every request; the copy carries
    the stripped path and the mirror's exact Host (no `-shadow` suffix)."""
    with upstreams("primary", "all", "none") as up:
        host = "api-all.cortex.svc.cluster.local"
        routes = [
            Route(
                "api-s",
                "/s",
                (Backend("primary"),),
                30,
                mirror="all",
                mirror_host=host,
                strip_endpoint=True,
            ),
            Route("api-t", "/t", (Backend("primary"),), 30, mirror="none", mirror_percent=0),
        ]
        with router(tmp_path, routes, [local_upstream(u) for u in up.values()]) as envoy:
            for i in range(5):
                assert envoy.get(f"/s/{i}") == (200, f"primary /{i}")
                assert envoy.get(f"/t/{i}")[0] == 200
            deadline = time.monotonic() + 5
            while len(up["all"].seen) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
    assert sorted(up["all"].seen) == [f"/{i}" for i in range(5)]
    assert set(up["all"].hosts) == {host}
    assert up["none"].seen == []


def test_route_timeout_ends_a_request_the_pod_does_not_answer(tmp_path: Path) -> None:
    """A route's timeout is the longest a request may take: then Envoy answers 504."""
    with upstreams("slow", delay=3) as up:
        short = route("api-slow", "/slow", Backend("slow"), timeout=1)
        with router(tmp_path, [short], [local_upstream(up["slow"])]) as envoy:
            assert envoy.get("/slow")[0] == 504


def test_changed_files_reload_without_a_restart(tmp_path: Path) -> None:
    """A ConfigMap-style swap of the dynamic directory adds and removes APIs live: same
    process, no restart, and the route table's reloads are counted."""
    with upstreams("one", "two") as up:
        servers = [local_upstream(u) for u in up.values()]
        first = [route("api-one", "/one", Backend("one"))]
        with router(tmp_path, first, servers) as envoy:
            assert envoy.get("/two")[0] == 404
            envoy.publish([*first, route("api-two", "/two", Backend("two"))], servers)
            assert envoy.wait_for("/two", 200) == (200, "two /two")
            envoy.publish([route("api-two", "/two", Backend("two"))], servers)
            assert envoy.wait_for("/one", 404)[0] == 404
            assert envoy.process.poll() is None
            stats = envoy.admin("/stats?filter=rds.apis.update_success")
            assert "http.ingress.rds.apis.update_success: 3" in stats


def test_health_port_serves_only_readiness(tmp_path: Path) -> None:
    """The health listener answers `/ready` and nothing else of the admin interface."""
    with (
        upstreams("one") as up,
        router(
            tmp_path, [route("api-one", "/one", Backend("one"))], [local_upstream(up["one"])]
        ) as envoy,
    ):
        assert envoy.ready() == 200
        assert [envoy.health(p) for p in ("/stats", "/clusters", "/ready/x")] == [404] * 3


def test_drain_script_waits_for_requests_in_flight(tmp_path: Path) -> None:
    """preStop: readiness fails at once, and the script returns only once the request that
    was running has been answered, so SIGTERM (which drops requests) comes after it."""
    with (
        upstreams("slow", delay=2) as up,
        router(
            tmp_path, [route("api-slow", "/slow", Backend("slow"))], [local_upstream(up["slow"])]
        ) as envoy,
    ):
        answers: list[tuple[int, str]] = []
        request = threading.Thread(target=lambda: answers.append(envoy.get("/slow")))
        request.start()
        time.sleep(0.5)
        started = time.monotonic()
        script = rb.drain_script(envoy.layout, pause_seconds=0)
        subprocess.run(["bash", "-c", script], check=True, timeout=30)
        waited = time.monotonic() - started
        assert envoy.ready() == 503
        request.join()
    assert answers == [(200, "slow /slow")]
    assert waited >= 1.0


def test_drain_script_returns_at_once_when_idle(tmp_path: Path) -> None:
    """With nothing in flight the drain is over after the pause."""
    with (
        upstreams("one") as up,
        router(
            tmp_path, [route("api-one", "/one", Backend("one"))], [local_upstream(up["one"])]
        ) as envoy,
    ):
        started = time.monotonic()
        subprocess.run(["bash", "-c", rb.drain_script(envoy.layout, 0)], check=True, timeout=30)
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("file", [rb.ROUTES_FILE, rb.CLUSTERS_FILE])
def test_broken_file_keeps_the_last_good_configuration(tmp_path: Path, file: str) -> None:
    """Envoy rejects a file it cannot parse and keeps serving what it had."""
    with upstreams("one") as up:
        servers = [local_upstream(up["one"])]
        routes = [route("api-one", "/one", Backend("one"))]
        with router(tmp_path, routes, servers) as envoy:
            files = harness.dynamic_files(routes, servers)
            files[file] = "{not json"
            envoy.dynamic.write(files)
            time.sleep(1)
            assert envoy.get("/one") == (200, "one /one")
            assert envoy.process.poll() is None
