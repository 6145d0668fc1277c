"""The router's route and upstream of a BatchAPI or TaskAPI: its job gateway.

The gateway is always up (its state is in S3 and SQS), so the route never waits for a
cold start; it times out with the other warm routes (the load balancer's idle timeout)."""

from __future__ import annotations

from cortex_spec import naming
from cortex_spec.models.job_apis import JobAPI
from infra.serving.jobs import gateway_name
from infra.serving.router_model import Backend, Route, Upstream
from runtime import job_contract


def job_upstream(api: str) -> Upstream:
    """The gateway's headless Service, resolved to its ready pods."""
    name = gateway_name(api)
    host = f"{name}.{naming.NAMESPACE}.svc.cluster.local"
    return Upstream(name=name, host=host, port=job_contract.GATEWAY_PORT)


def job_route(api: JobAPI, timeout_seconds: int) -> Route:
    return Route(
        name=gateway_name(api.name),
        endpoint=api.endpoint,
        backends=(Backend(gateway_name(api.name)),),
        timeout_seconds=timeout_seconds,
    )
