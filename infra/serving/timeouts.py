"""Every timeout on a request's way in, in one place, so they stay consistent.

client ─ALB─▶ router (Envoy) ─▶ API pod, or ─▶ interceptor ─▶ API pod (scaled to zero)

- The ALB drops a connection silent for its idle timeout: 60 s (its default), or the
  cold-start wait when some API scales to zero, since a held request is silent meanwhile.
- The router gives a request as long as the ALB would (its route timeout equals the ALB's
  idle timeout), and a scaled-to-zero API's request the whole cold-start wait.
- Keep-alive: each server outlasts its client's idle timeout by KEEP_ALIVE_MARGIN_SECONDS
  (the router outlasts the ALB; the API pods outlast the router), so no one sends a request
  on a connection the other side is closing.
- Termination: a router replica drains until its requests are done, at most the longest
  route timeout; the ALB waits as long before dropping a deregistered replica's requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from cortex_spec.models.api import WorkloadAPI
from infra.serving import scaling_rules
from runtime import contract

# How long a request may wait for a scaled-to-zero API's first replica: Cortex's
# `WaitForReadyReplicasTimeout` (20 min, cortex-spec.md §7), which covers a GPU or Neuron
# node starting from zero (eks-reference.md §11: "5+ minutes" plus image pull and load).
COLD_START_SECONDS: Final = 1200
# The ALB's default idle timeout (aws.lb.LoadBalancer `idle_timeout`).
DEFAULT_IDLE_TIMEOUT: Final = 60
# The router closes idle connections to API pods after this; the pods keep them open at
# least DEFAULT_KEEP_ALIVE_SECONDS (their keep-alive is the ALB's idle timeout + margin).
UPSTREAM_IDLE_SECONDS: Final = (
    contract.DEFAULT_KEEP_ALIVE_SECONDS - contract.KEEP_ALIVE_MARGIN_SECONDS
)
# A router replica pauses as long as an API pod does before it drains (the load balancer
# deregisters it meanwhile), then waits for its longest possible request.
ROUTER_GRACE_SECONDS: Final = contract.PRE_STOP_SECONDS + COLD_START_SECONDS + 10


def idle_timeout(apis: Iterable[WorkloadAPI]) -> int:
    """The ALB's idle timeout: raised to the cold-start wait when a request may wait for an
    API to scale up from zero."""
    zero = any(scaling_rules.waits_for_cold_start(api) for api in apis)
    return COLD_START_SECONDS if zero else DEFAULT_IDLE_TIMEOUT


def keep_alive_seconds(alb_idle_timeout: int) -> int:
    """CORTEX_KEEP_ALIVE_SECONDS of the API pods (the runtime contract)."""
    return alb_idle_timeout + contract.KEEP_ALIVE_MARGIN_SECONDS
