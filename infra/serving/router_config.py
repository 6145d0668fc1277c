"""Envoy's dynamic configuration from the routing model: the route table and the clusters.

Pure. Each file is an xDS `DiscoveryResponse` in JSON, which Envoy reads from a path and
re-reads when the ConfigMap mounted there changes (`path_config_source`, see
`router_bootstrap.py`). Output is compact and key-sorted: the same routes always give the
same bytes, and 1,000 APIs fit the 1 MiB a ConfigMap may hold (tests measure it).

Field names and semantics: Envoy v3 API reference, `config/route/v3/route_components.proto`
and `config/cluster/v3/cluster.proto` (checked against the Envoy binary in the tests).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any, Final

from infra.serving.router_model import Backend, Route, Upstream, ordered

Json = dict[str, Any]

ROUTE_CONFIG_NAME: Final = "apis"
ROUTE_TYPE: Final = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
CLUSTER_TYPE: Final = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
DNS_CLUSTER_TYPE: Final = "type.googleapis.com/envoy.extensions.clusters.dns.v3.DnsCluster"
HTTP_OPTIONS: Final = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
PREVIOUS_HOSTS: Final = "envoy.retry_host_predicates.previous_hosts"
NOT_FOUND_BODY: Final = '{"error": "no API is served at this path"}'
# Envoy re-resolves a STRICT_DNS cluster this often (its default, written out): a pod that
# stops being ready leaves the answer within this plus CoreDNS's record TTL, which the
# serving pods' preStop pause (contract.PRE_STOP_SECONDS) is meant to cover.
DNS_REFRESH: Final = "5s"
# Spreads the re-resolutions of many clusters loaded at once over a second, instead of a
# burst of one query per cluster every 5 s.
DNS_JITTER: Final = "1s"
# Only the failures where no byte of the request reached a pod are retried, on another pod:
# inference is not idempotent (Cortex's own routes had retries off).
RETRY_ON: Final = "connect-failure,refused-stream,reset-before-request"
RETRIES: Final = 2
# Connections one replica accepts from the load balancer (the bootstrap's overload manager):
# a guard against memory exhaustion, chosen, not measured. No cluster needs more requests.
MAX_DOWNSTREAM_CONNECTIONS: Final = 20000
MAX_REQUESTS: Final = MAX_DOWNSTREAM_CONNECTIONS
# Shorter repeated values are cheaper written out than aliased (`*a12` and its anchor).
ALIAS_MIN_CHARS: Final = 16


def _duration(seconds: int) -> str:
    return f"{seconds}s"


def _match(route: Route) -> Json:
    # `path_separated_prefix` matches `/a`, `/a/` and `/a/...` but never `/ab`; it takes no
    # trailing slash, so the root is a plain prefix (and sorts last, being the shallowest).
    if route.path == "/":
        return {"prefix": "/"}
    return {"path_separated_prefix": route.path}


def _action(route: Route, timeout_seconds: int) -> Json:
    action: Json = {
        "timeout": _duration(timeout_seconds),
        # Overrides the connection manager's stream idle timeout (5 min by default), which
        # would otherwise cut a request held silently while its API starts.
        "idle_timeout": _duration(timeout_seconds),
    }
    if len(route.backends) == 1:
        backend = route.backends[0]
        action["cluster"] = backend.upstream
        if backend.host is not None:
            action["host_rewrite_literal"] = backend.host
    else:
        action["weighted_clusters"] = {"clusters": [_weighted(b) for b in route.backends]}
    if route.strip_endpoint and route.path != "/":
        # `/split` and `/split/` become `/`, `/split/x` becomes `/x`; the query string is
        # not part of what the pattern sees, so it is kept.
        action["regex_rewrite"] = {
            "pattern": {"regex": f"^{re.escape(route.path)}/?"},
            "substitution": "/",
        }
    if route.mirror is not None:
        action["request_mirror_policies"] = [_mirror(route)]
    return action


def _weighted(backend: Backend) -> Json:
    cluster: Json = {"name": backend.upstream, "weight": backend.weight}
    if backend.host is not None:
        cluster["host_rewrite_literal"] = backend.host
    return cluster


def _mirror(route: Route) -> Json:
    """Fire and forget: the copy's answer is dropped. Without a fraction Envoy copies every
    request (ShadowPolicyImpl, source/common/router/config_impl.cc)."""
    policy: Json = {"cluster": route.mirror}
    if route.mirror_percent != 100:
        policy["runtime_fraction"] = {
            "default_value": {"numerator": route.mirror_percent, "denominator": "HUNDRED"}
        }
    if route.mirror_host is not None:
        policy["host_rewrite_literal"] = route.mirror_host
        # The interceptor matches the host exactly; Envoy would append `-shadow` to it.
        policy["disable_shadow_host_suffix_append"] = True
    return policy


def envoy_route(route: Route) -> Json:
    return {
        "name": route.name,
        "match": _match(route),
        "route": _action(route, route.timeout_seconds),
    }


def _not_found() -> Json:
    return {
        "name": "not-found",
        "match": {"prefix": "/"},
        "direct_response": {"status": 404, "body": {"inline_string": NOT_FOUND_BODY}},
        "response_headers_to_add": [
            {"header": {"key": "content-type", "value": "application/json"}}
        ],
    }


def route_configuration(routes: Iterable[Route]) -> Json:
    """The one route table: every route, deepest first, then a JSON 404 for any other path."""
    entries = [envoy_route(route) for route in ordered(routes)]
    if not any(e["match"] == {"prefix": "/"} for e in entries):
        entries.append(_not_found())
    return {
        "@type": ROUTE_TYPE,
        "name": ROUTE_CONFIG_NAME,
        "virtual_hosts": [
            {
                "name": "apis",
                # Any host: the load balancer's DNS name, the custom domain, or a Service name.
                "domains": ["*"],
                "routes": entries,
                "retry_policy": {
                    "retry_on": RETRY_ON,
                    "num_retries": RETRIES,
                    "retry_host_predicate": [
                        {
                            "name": PREVIOUS_HOSTS,
                            "typed_config": {
                                "@type": "type.googleapis.com/envoy.extensions.retry.host."
                                "previous_hosts.v3.PreviousHostsPredicate"
                            },
                        }
                    ],
                    "host_selection_retry_max_attempts": 3,
                },
            }
        ],
    }


def envoy_cluster(upstream: Upstream, idle_seconds: int) -> Json:
    """A cluster of the pods behind one DNS name, balanced on outstanding requests."""
    return {
        "@type": CLUSTER_TYPE,
        "name": upstream.name,
        # Every address the name resolves to is a host (STRICT_DNS's behaviour, through the
        # DNS cluster extension that replaces the deprecated per-cluster DNS fields).
        "cluster_type": {
            "name": "envoy.cluster.dns",
            "typed_config": {
                "@type": DNS_CLUSTER_TYPE,
                # One A query per refresh (AUTO asks for AAAA first; the VPC has no IPv6).
                "dns_lookup_family": "V4_ONLY",
                "dns_refresh_rate": DNS_REFRESH,
                "dns_jitter": DNS_JITTER,
            },
        },
        # The least busy of two random pods gets the request, as the load balancer's
        # least-outstanding-requests did per target.
        "lb_policy": "LEAST_REQUEST",
        "load_assignment": {
            "cluster_name": upstream.name,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {
                                    "socket_address": {
                                        "address": upstream.host,
                                        "port_value": upstream.port,
                                    }
                                }
                            }
                        }
                    ]
                }
            ],
        },
        # Envoy's defaults (1,024 requests, 3 concurrent retries per cluster) would refuse
        # load the pods can still take. The pods' own queue is the limit (the runtime answers
        # 503 when full); this bound is the replica's whole connection allowance, the most it
        # could hold for one API. A constant: scaling edits never touch the router.
        "circuit_breakers": {
            "thresholds": [
                {
                    "max_connections": MAX_REQUESTS,
                    "max_pending_requests": MAX_REQUESTS,
                    "max_requests": MAX_REQUESTS,
                    "max_retries": MAX_REQUESTS,
                }
            ]
        },
        "typed_extension_protocol_options": {
            HTTP_OPTIONS: {
                "@type": f"type.googleapis.com/{HTTP_OPTIONS}",
                # Close idle upstream connections before the server would (its keep-alive
                # is longer): a request sent on a connection the server is closing fails.
                "common_http_protocol_options": {"idle_timeout": _duration(idle_seconds)},
                "explicit_http_config": {"http_protocol_options": {}},
            }
        },
    }


def cluster_configuration(upstreams: Iterable[Upstream], idle_seconds: int) -> list[Json]:
    """Every cluster, sorted by name."""
    return [envoy_cluster(u, idle_seconds) for u in sorted(upstreams, key=lambda u: u.name)]


def _compact(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _version(resources: list[Json]) -> str:
    return hashlib.sha256(_compact(resources).encode()).hexdigest()[:16]


def discovery_file(resources: list[Json]) -> str:
    """A `DiscoveryResponse` as Envoy reads it from a file, versioned by its content."""
    return _compact({"version_info": _version(resources), "resources": resources})


def aliased_discovery_file(resources: list[Json]) -> str:
    """The same `DiscoveryResponse` as YAML whose repeated field values are written once
    (an anchor) and referred to after (an alias): JSON is YAML, and YAML aliases stand for
    the anchored value. A cluster's shared settings (its DNS and HTTP options) are most of
    its bytes; without this, 1,000 clusters would not fit one ConfigMap."""
    texts = [{key: _compact(value) for key, value in sorted(r.items())} for r in resources]
    counts: dict[str, int] = {}
    for fields in texts:
        for text in fields.values():
            counts[text] = counts.get(text, 0) + 1
    anchors: dict[str, str] = {}
    lines = [f"version_info: {_compact(_version(resources))}"]
    lines.append("resources:" if resources else "resources: []")
    for fields in texts:
        parts = []
        for key, text in fields.items():
            if text in anchors:
                value = f"*{anchors[text]}"
            elif counts[text] > 1 and len(text) >= ALIAS_MIN_CHARS:
                anchors[text] = f"a{len(anchors) + 1}"
                value = f"&{anchors[text]} {text}"
            else:
                value = text
            parts.append(f"{_compact(key)}: {value}")
        lines.append("- {" + ", ".join(parts) + "}")
    return "\n".join(lines) + "\n"
