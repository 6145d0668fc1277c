"""The router's static Envoy configuration (bootstrap) and its drain-on-termination script.

Pure, and a function of the code alone: nothing here depends on the spec, so adding, removing
or changing an API never changes the bootstrap and never restarts a router pod. Everything
that does depend on the spec (routes, clusters, timeouts) is in the dynamic files Envoy
watches (`router_config.py`).

Envoy v3 bootstrap fields: `config/bootstrap/v3/bootstrap.proto`; file-based dynamic
configuration: `config/core/v3/config_source.proto` (`PathConfigSource.watched_directory`:
"if trying to load an xDS resource using a Kubernetes ConfigMap, the following
configuration might be used ... watched_directory: path: /config_map/rds", because the
kubelet swaps a ConfigMap volume's `..data` symlink rather than writing the files).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from infra.serving.router_config import MAX_DOWNSTREAM_CONNECTIONS, ROUTE_CONFIG_NAME
from infra.serving.timeouts import COLD_START_SECONDS
from runtime import contract

Json = dict[str, Any]

ROUTES_FILE: Final = "routes.json"
CLUSTERS_FILE: Final = "clusters.yaml"
BOOTSTRAP_FILE: Final = "envoy.json"
READY_PATH: Final = "/ready"
STAT_PREFIX: Final = "ingress"
ACTIVE_REQUESTS_STAT: Final = f"http.{STAT_PREFIX}.downstream_rq_active"
# Idle connections from the load balancer stay open longer than its idle timeout can ever
# be (at most the cold-start wait): the load balancer, not the router, closes them, so it
# never sends a request on a connection the router is closing (a 502). A constant, so a
# change of the load balancer's timeout never touches the bootstrap.
DOWNSTREAM_IDLE_SECONDS: Final = COLD_START_SECONDS + contract.KEEP_ALIVE_MARGIN_SECONDS
# Envoy's edge-proxy guide ("Configuring Envoy as an edge proxy") sets 32 KiB per
# connection; bodies still stream, this only bounds what is buffered per connection.
CONNECTION_BUFFER_BYTES: Final = 32768
ACCESS_LOG_FIELDS: Final = {
    "time": "%START_TIME%",
    "method": "%REQ(:METHOD)%",
    "path": "%REQ(:PATH)%",
    "status": "%RESPONSE_CODE%",
    "flags": "%RESPONSE_FLAGS%",
    "duration_ms": "%DURATION%",
    "route": "%ROUTE_NAME%",
    "upstream": "%UPSTREAM_CLUSTER%",
    "upstream_host": "%UPSTREAM_HOST%",
    # The load balancer's request id: one request across its logs and these.
    "trace_id": "%REQ(X-AMZN-TRACE-ID)%",
}


# The pod's listeners take traffic from the load balancer and probes from the kubelet, on
# the pod's own network namespace.
ALL_INTERFACES: Final = "0.0.0.0"  # noqa: S104


@dataclass(frozen=True)
class Layout:
    """Where the router listens and reads its files (tests run it with their own)."""

    http_port: int = 8080
    health_port: int = 8081
    # Bound to localhost: nothing outside the pod reaches the admin interface.
    admin_port: int = 9901
    bootstrap_dir: str = "/etc/envoy/bootstrap"
    dynamic_dir: str = "/etc/envoy/dynamic"


DEFAULT_LAYOUT: Final = Layout()


def _path_source(layout: Layout, file: str) -> Json:
    return {
        "resource_api_version": "V3",
        "path_config_source": {
            "path": f"{layout.dynamic_dir}/{file}",
            "watched_directory": {"path": layout.dynamic_dir},
        },
    }


def _socket(address: str, port: int) -> Json:
    return {"socket_address": {"address": address, "port_value": port}}


def _connection_manager(prefix: str, routes: Json, *, access_log: bool) -> Json:
    manager: Json = {
        "@type": "type.googleapis.com/envoy.extensions.filters.network."
        "http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": prefix,
        "codec_type": "AUTO",
        **routes,
        "http_filters": [
            {
                "name": "envoy.filters.http.router",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                    # No x-envoy-* headers to the pods or back to clients.
                    "suppress_envoy_headers": True,
                },
            }
        ],
    }
    if access_log:
        manager["access_log"] = [
            {
                "name": "envoy.access_loggers.stdout",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.access_loggers.stream.v3."
                    "StdoutAccessLog",
                    "log_format": {"json_format": ACCESS_LOG_FIELDS},
                },
            }
        ]
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": manager}


def _traffic_listener(layout: Layout) -> Json:
    routes: Json = {
        # The load balancer is the one hop in front: the client is the address it saw.
        "use_remote_address": True,
        "xff_num_trusted_hops": 1,
        "common_http_protocol_options": {"idle_timeout": f"{DOWNSTREAM_IDLE_SECONDS}s"},
        "rds": {
            "route_config_name": ROUTE_CONFIG_NAME,
            "config_source": _path_source(layout, ROUTES_FILE),
        },
    }
    return {
        "name": "http",
        "address": _socket(ALL_INTERFACES, layout.http_port),
        "per_connection_buffer_limit_bytes": CONNECTION_BUFFER_BYTES,
        "filter_chains": [{"filters": [_connection_manager(STAT_PREFIX, routes, access_log=True)]}],
    }


def _health_listener(layout: Layout) -> Json:
    """Only the admin interface's `/ready` (200 once the configuration is loaded, 503 while
    starting or draining), for the kubelet and the load balancer's health check."""
    table = {
        "name": "health",
        "virtual_hosts": [
            {
                "name": "health",
                "domains": ["*"],
                "routes": [{"match": {"path": READY_PATH}, "route": {"cluster": "admin"}}],
            }
        ],
    }
    return {
        "name": "health",
        "address": _socket(ALL_INTERFACES, layout.health_port),
        "filter_chains": [
            {"filters": [_connection_manager("health", {"route_config": table}, access_log=False)]}
        ],
    }


def bootstrap(layout: Layout = DEFAULT_LAYOUT) -> Json:
    return {
        "node": {"id": "cortex-router", "cluster": "cortex-router"},
        "admin": {"address": _socket("127.0.0.1", layout.admin_port)},
        "dynamic_resources": {"cds_config": _path_source(layout, CLUSTERS_FILE)},
        "static_resources": {
            "listeners": [_traffic_listener(layout), _health_listener(layout)],
            "clusters": [
                {
                    "name": "admin",
                    "type": "STATIC",
                    "load_assignment": {
                        "cluster_name": "admin",
                        "endpoints": [
                            {
                                "lb_endpoints": [
                                    {
                                        "endpoint": {
                                            "address": _socket("127.0.0.1", layout.admin_port)
                                        }
                                    }
                                ]
                            }
                        ],
                    },
                }
            ],
        },
        # Cluster hosts are fully qualified Service names: query them as they are, not
        # through the pod's search domains first (ndots:5 would cost 3 failed queries each).
        "typed_dns_resolver_config": {
            "name": "envoy.network.dns_resolver.cares",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3."
                "CaresDnsResolverConfig",
                "dns_resolver_options": {"no_default_search_domain": True},
            },
        },
        "overload_manager": {
            "resource_monitors": [
                {
                    "name": "envoy.resource_monitors.global_downstream_max_connections",
                    "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.resource_monitors."
                        "downstream_connections.v3.DownstreamConnectionsConfig",
                        "max_active_downstream_connections": MAX_DOWNSTREAM_CONNECTIONS,
                    },
                }
            ]
        },
    }


def bootstrap_json(layout: Layout = DEFAULT_LAYOUT) -> str:
    return json.dumps(bootstrap(layout), indent=1, sort_keys=True) + "\n"


def drain_script(
    layout: Layout = DEFAULT_LAYOUT, pause_seconds: int = contract.PRE_STOP_SECONDS
) -> str:
    """preStop: fail readiness (Envoy starts draining: responses close their connections),
    pause while the load balancer deregisters the pod, then wait until no request is in
    flight. Envoy exits at once on SIGTERM, dropping whatever is still running, so SIGTERM
    must come only after this. Bash only (its /dev/tcp), since the image has no HTTP client."""
    stat = ACTIVE_REQUESTS_STAT
    return "\n".join(
        [
            "admin() {",
            f"  exec 3<>/dev/tcp/127.0.0.1/{layout.admin_port} || return 1",
            # HTTP/1.1: Envoy refuses HTTP/1.0 (426) unless told otherwise.
            "  printf '%s %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' \\",
            '    "$1" "$2" >&3',
            '  while IFS= read -r line <&3 || [ -n "$line" ]; do echo "${line%$\'\\r\'}"; done',
            "  exec 3<&-",
            "}",
            "admin POST /healthcheck/fail >/dev/null",
            f"sleep {pause_seconds}",
            "while :; do",
            "  active=''",
            f"  while IFS= read -r line; do case $line in '{stat}: '*) active=${{line##*: }};;"
            " esac; done < <(admin GET '/stats?filter=downstream_rq_active')",
            '  [ "${active:-0}" = 0 ] && exit 0',
            "  sleep 1",
            "done",
        ]
    )
