"""Which path goes where: the router's routes and upstreams for the APIs of a spec.

Pure, and total: every valid spec gives a routing, whatever its number of APIs or the
shape of their endpoints (the order is a sort, not a numbering that can run out).

- Each API has a route for its endpoint and everything under it, forwarded unchanged (the
  runtime contract makes `$CORTEX_ENDPOINT` an alias of `/`).
- Each API has an upstream: its pods, through the headless Service `pods-<name>`. An API
  that scales to zero routes to the KEDA HTTP add-on's interceptor instead, which holds the
  request while a replica starts; its upstream stays defined, so switching `min_replicas`
  between 0 and 1 changes routes only.
- Upstreams depend on names and ports alone: editing an API's scaling changes nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cortex_spec import naming
from cortex_spec.models.api import WorkloadAPI
from infra.serving import metrics_stack, scaling_rules
from infra.serving.router_model import Backend, Route, Upstream
from infra.serving.timeouts import COLD_START_SECONDS, idle_timeout
from runtime import contract

# Kubernetes' default cluster domain, which EKS keeps.
CLUSTER_DOMAIN: Final = "cluster.local"
INTERCEPTOR_UPSTREAM: Final = "keda-interceptor"


@dataclass(frozen=True)
class Routing:
    routes: tuple[Route, ...]
    upstreams: tuple[Upstream, ...]


def service_host(service: str, namespace: str) -> str:
    return f"{service}.{namespace}.svc.{CLUSTER_DOMAIN}"


def target_port(api: WorkloadAPI) -> int:
    """Where a replica takes traffic: the runtime's port, or the proxy sidecar's."""
    return api.port if api.form == "predictor" else contract.PROXY_PORT


def api_upstream(api: WorkloadAPI) -> Upstream:
    return Upstream(
        name=naming.deployment_name(api.name),
        host=service_host(naming.pods_service_name(api.name), naming.NAMESPACE),
        port=target_port(api),
    )


def interceptor_upstream() -> Upstream:
    return Upstream(
        name=INTERCEPTOR_UPSTREAM,
        host=service_host(metrics_stack.INTERCEPTOR_SERVICE, metrics_stack.KEDA_NAMESPACE),
        port=metrics_stack.INTERCEPTOR_PROXY_PORT,
    )


def api_route(api: WorkloadAPI, timeout_seconds: int) -> Route:
    if scaling_rules.scales_to_zero(api):
        # The interceptor may hold the request for the whole cold start.
        return Route(
            name=naming.deployment_name(api.name),
            endpoint=api.endpoint,
            backends=(Backend(INTERCEPTOR_UPSTREAM),),
            timeout_seconds=COLD_START_SECONDS,
        )
    return Route(
        name=naming.deployment_name(api.name),
        endpoint=api.endpoint,
        backends=(Backend(naming.deployment_name(api.name)),),
        timeout_seconds=timeout_seconds,
    )


def routing(apis: Sequence[WorkloadAPI]) -> Routing:
    """Routes and upstreams of every API; warm routes time out with the load balancer."""
    timeout = idle_timeout(apis)
    upstreams = [api_upstream(api) for api in apis]
    if apis:
        upstreams.append(interceptor_upstream())
    return Routing(
        routes=tuple(api_route(api, timeout) for api in apis),
        upstreams=tuple(upstreams),
    )
