"""What the router sends through the KEDA HTTP interceptor, and whether the interceptor knows it.

The interceptor forwards a request only when an InterceptorRoute matches its Host and path
(its routing table); it answers any other with 404 (kedacore/http-add-on
interceptor/middleware/routing.go, `routingTable.Route` nil → `http.StatusNotFound`). It then
waits for ready endpoints of the route's target Service (interceptor/middleware/
endpoint_resolver.go `WaitForReady`), so that Service has to exist as well. Read from the
plan's own objects:

- the router's routes ConfigMap (`router-routes`, file `routes.json`, an Envoy route table:
  infra/serving/router_config.py) says which requests go to the interceptor's cluster: a
  route's own cluster, a weighted cluster or a mirror, with the Host rewritten or the
  client's (then only a catch-all host `*` surely matches), and the path the interceptor
  sees (`/` when the route strips its endpoint);
- each InterceptorRoute (`http.keda.sh/v1beta1`, keda.sh/http-add-on/0.14 reference) lists
  its rules (hosts, path prefixes, headers) and its target Service.

Names are the program's (infra/serving/router_workload.py, router_bootstrap.py, routing.py),
written here because the offline tools read plans, not the program's modules; a test keeps
them equal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

CONFIG_MAP: Final = "kubernetes:core/v1:ConfigMap"
SERVICE: Final = "kubernetes:core/v1:Service"
INTERCEPTOR_ROUTE: Final = "kubernetes:http.keda.sh/v1beta1:InterceptorRoute"
ROUTES_CONFIG_MAP: Final = "router-routes"
ROUTES_FILE: Final = "routes.json"
INTERCEPTOR_CLUSTER: Final = "keda-interceptor"
RELEASE: Final = "kubernetes:helm.sh/v3:Release"
# The add-on's chart (infra/serving/metrics_stack.py): it runs the interceptor.
HTTP_ADD_ON_CHART: Final = "keda-add-ons-http"
# The types whose objects serve a route through the interceptor.
SERVED_BY: Final = frozenset({INTERCEPTOR_ROUTE, SERVICE, RELEASE})


@dataclass(frozen=True, order=True)
class Need:
    """Requests the router sends to the interceptor: with this Host (None: the client's
    own, any) and paths under this prefix."""

    host: str | None
    path: str

    def describe(self) -> str:
        where = f"Host {self.host}" if self.host is not None else "any Host"
        return f"{where}, path {self.path}"


def _metadata(inputs: dict[str, Any]) -> tuple[str, str]:
    metadata = inputs.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    return str(metadata.get("namespace") or "default"), str(metadata.get("name") or "")


def is_routes(type_token: str, inputs: dict[str, Any]) -> bool:
    return type_token == CONFIG_MAP and _metadata(inputs)[1] == ROUTES_CONFIG_MAP


def _route_entries(inputs: dict[str, Any]) -> Iterator[dict[str, Any]]:
    data = inputs.get("data")
    text = data.get(ROUTES_FILE) if isinstance(data, dict) else None
    if not isinstance(text, str):
        return  # unknown until applied: nothing to check
    for resource in json.loads(text).get("resources") or ():
        for host in resource.get("virtual_hosts") or ():
            yield from host.get("routes") or ()


def _targets(action: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each place of a route action that names a cluster, with its Host rewrite."""
    if "cluster" in action:
        yield {"name": action["cluster"], "host": action.get("host_rewrite_literal")}
    for weighted in (action.get("weighted_clusters") or {}).get("clusters") or ():
        yield {"name": weighted.get("name"), "host": weighted.get("host_rewrite_literal")}
    for mirror in action.get("request_mirror_policies") or ():
        yield {"name": mirror.get("cluster"), "host": mirror.get("host_rewrite_literal")}


def needs(inputs: dict[str, Any]) -> set[Need]:
    """What the routes ConfigMap with these inputs sends through the interceptor."""
    found: set[Need] = set()
    for entry in _route_entries(inputs):
        action = entry.get("route")
        if not isinstance(action, dict):
            continue
        match = entry.get("match") or {}
        path = str(match.get("path_separated_prefix") or match.get("prefix") or "/")
        if "regex_rewrite" in action:
            path = "/"  # the endpoint is stripped: the interceptor sees the rest
        for target in _targets(action):
            if target["name"] == INTERCEPTOR_CLUSTER:
                found.add(Need(target["host"], path))
    return found


def _host_matches(need: Need, hosts: list[str]) -> bool:
    if "*" in hosts:
        return True
    if need.host is None:
        return False  # the client's Host: only a catch-all surely matches it
    return any(h == need.host or (h.startswith("*.") and need.host.endswith(h[1:])) for h in hosts)


def _path_matches(need: Need, prefixes: list[str]) -> bool:
    if not prefixes:
        return True
    return any(
        p in ("", "/") or need.path == p.rstrip("/") or need.path.startswith(p.rstrip("/") + "/")
        for p in prefixes
    )


def matches(need: Need, route_inputs: dict[str, Any]) -> bool:
    """Whether the InterceptorRoute with these inputs routes every request of `need`."""
    spec = route_inputs.get("spec")
    rules = spec.get("rules") if isinstance(spec, dict) else None
    for rule in rules or ():
        if not isinstance(rule, dict) or rule.get("headers"):
            continue  # the router sets no header a rule could require
        hosts = [str(h) for h in rule.get("hosts") or ["*"]]
        prefixes = [str(p.get("value", "")) for p in rule.get("paths") or () if isinstance(p, dict)]
        if _host_matches(need, hosts) and _path_matches(need, prefixes):
            return True
    return False


def target_service(route_inputs: dict[str, Any]) -> tuple[str, str]:
    """(namespace, name) of the Service the InterceptorRoute forwards to."""
    namespace, _ = _metadata(route_inputs)
    spec = route_inputs.get("spec")
    target = spec.get("target") if isinstance(spec, dict) else None
    name = target.get("service") if isinstance(target, dict) else None
    return namespace, str(name or "")


def unmet(routes_inputs: dict[str, Any], live: Iterable[tuple[str, dict[str, Any]]]) -> list[str]:
    """What the routes send through the interceptor that the live objects (type, inputs)
    do not serve: no InterceptorRoute matches it, or the matching ones' Services are gone."""
    objects = list(live)
    services = {_metadata(inputs) for type_token, inputs in objects if type_token == SERVICE}
    routes = [inputs for type_token, inputs in objects if type_token == INTERCEPTOR_ROUTE]
    problems = []
    found = needs(routes_inputs)
    if found and not any(
        type_token == RELEASE and inputs.get("chart") == HTTP_ADD_ON_CHART
        for type_token, inputs in objects
    ):
        problems.append("the HTTP add-on that runs the interceptor is not installed")
    for need in sorted(found, key=lambda n: (n.host or "", n.path)):
        matching = [r for r in routes if matches(need, r)]
        if not matching:
            problems.append(f"{need.describe()}: no InterceptorRoute matches it")
        elif not any(target_service(r) in services for r in matching):
            names = ", ".join(sorted({target_service(r)[1] for r in matching}))
            problems.append(f"{need.describe()}: the InterceptorRoute's Service {names} is gone")
    return problems
