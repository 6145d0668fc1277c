"""Which path goes where: the router's routes and upstreams for the APIs of a spec.

Pure, and total: every valid spec gives a routing, whatever its number of APIs or the
shape of their endpoints (the order is a sort, not a numbering that can run out).

- A RealtimeAPI has a route for its endpoint and everything under it, forwarded unchanged
  (the runtime contract makes `$CORTEX_ENDPOINT` an alias of `/`), to its upstream: its
  pods, through the headless Service `pods-<name>`. An API that scales to zero routes to
  the KEDA HTTP add-on's interceptor instead, which holds the request while a replica
  starts; its upstream stays defined, so switching `min_replicas` between 0 and 1 changes
  routes only.
- An AsyncAPI's route goes to its gateway (`gateway-<name>`), which is always up: it
  queues requests and answers their status whether or not workers run.
- A TrafficSplitter is one route with a backend per API it splits to, weighted, and its
  shadow as a mirror of `weight` percent. Its endpoint is stripped (the APIs answer at `/`,
  as Cortex rewrote it). A scaled-to-zero API is reached through the interceptor with the
  Host header `api-<name>.cortex.svc.cluster.local`, which its InterceptorRoute matches
  (the path no longer says which API it is).
- A BatchAPI's or TaskAPI's route goes to its job gateway (`jobs-<name>`), always up.
- Upstreams depend on names and ports alone: editing an API's scaling changes nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cortex_spec import naming
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.job_apis import JobAPI
from cortex_spec.models.traffic_splitter import TrafficSplitter
from infra.serving import metrics_stack, scaling_rules
from infra.serving.job_access import job_route, job_upstream
from infra.serving.router_model import Backend, Route, Upstream
from infra.serving.timeouts import COLD_START_SECONDS, idle_timeout
from runtime import contract

# Kubernetes' default cluster domain, which EKS keeps.
CLUSTER_DOMAIN: Final = "cluster.local"
INTERCEPTOR_UPSTREAM: Final = "keda-interceptor"
# Where an AsyncAPI's gateway takes traffic (the runtime's `async-gateway` mode).
GATEWAY_PORT: Final = contract.PROXY_PORT


@dataclass(frozen=True)
class Routing:
    routes: tuple[Route, ...]
    upstreams: tuple[Upstream, ...]


def service_host(service: str, namespace: str) -> str:
    return f"{service}.{namespace}.svc.{CLUSTER_DOMAIN}"


def interceptor_host(api: str) -> str:
    """The Host a split request carries to the interceptor for a scaled-to-zero API: the
    DNS name of the API's Service, unique per API (its InterceptorRoute lists it)."""
    return service_host(naming.deployment_name(api), naming.NAMESPACE)


def target_port(api: WorkloadAPI) -> int:
    """Where a replica takes traffic: the runtime's port, or the proxy sidecar's."""
    return api.port if api.form == "predictor" else contract.PROXY_PORT


def api_upstream(api: WorkloadAPI) -> Upstream:
    if api.is_async:
        name = naming.gateway_name(api.name)
        return Upstream(name=name, host=service_host(name, naming.NAMESPACE), port=GATEWAY_PORT)
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


def backend(api: WorkloadAPI, weight: int = 1) -> Backend:
    """Where a request for `api` goes: its pods, or the interceptor while it may be at zero
    (with the API's own Host, which its InterceptorRoute matches)."""
    if scaling_rules.waits_for_cold_start(api):
        return Backend(INTERCEPTOR_UPSTREAM, weight, host=interceptor_host(api.name))
    return Backend(api_upstream(api).name, weight)


def api_route(api: WorkloadAPI, timeout_seconds: int) -> Route:
    if scaling_rules.waits_for_cold_start(api):
        # The interceptor may hold the request for the whole cold start; it routes this
        # API's path prefix (its InterceptorRoute), so the Host is left as the client sent it.
        return Route(
            name=naming.deployment_name(api.name),
            endpoint=api.endpoint,
            backends=(Backend(INTERCEPTOR_UPSTREAM),),
            timeout_seconds=COLD_START_SECONDS,
        )
    return Route(
        name=naming.deployment_name(api.name),
        endpoint=api.endpoint,
        backends=(Backend(api_upstream(api).name),),
        timeout_seconds=timeout_seconds,
    )


def split_route(
    splitter: TrafficSplitter, apis: dict[str, WorkloadAPI], timeout_seconds: int
) -> Route:
    """The splitter's route: its APIs by weight, its shadow mirrored. It waits as long as
    its slowest target may (the cold-start wait when one of them scales to zero)."""
    targets = [apis[t.name] for t in splitter.apis]
    cold = any(scaling_rules.waits_for_cold_start(a) for a in targets)
    shadow = splitter.shadow
    mirror = backend(apis[shadow.name]) if shadow is not None else None
    return Route(
        name=naming.deployment_name(splitter.name),
        endpoint=splitter.endpoint,
        backends=tuple(backend(apis[t.name], t.weight) for t in splitter.primaries),
        timeout_seconds=COLD_START_SECONDS if cold else timeout_seconds,
        mirror=mirror.upstream if mirror is not None else None,
        mirror_percent=shadow.weight if shadow is not None else 100,
        mirror_host=mirror.host if mirror is not None else None,
        strip_endpoint=True,
    )


def routing(
    apis: Sequence[WorkloadAPI],
    splitters: Sequence[TrafficSplitter] = (),
    jobs: Sequence[JobAPI] = (),
) -> Routing:
    """Routes and upstreams of every API; warm routes time out with the load balancer."""
    timeout = idle_timeout(apis)
    upstreams = [api_upstream(api) for api in apis]
    if apis:
        upstreams.append(interceptor_upstream())
    by_name = {api.name: api for api in apis}
    routes = [api_route(api, timeout) for api in apis]
    routes += [split_route(s, by_name, timeout) for s in splitters]
    upstreams += [job_upstream(job.name) for job in jobs]
    routes += [job_route(job, timeout) for job in jobs]
    return Routing(routes=tuple(routes), upstreams=tuple(upstreams))
