"""Which path goes where on the shared load balancer, and in which order.

Pure: the rule order is deterministic and stable (adding an API only moves rules of its
own path length), and tests pin it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pulumi

# The longest path pattern an ALB rule condition accepts (Elastic Load Balancing quotas).
PATH_PATTERN_MAX: Final = 128
# Rules are ordered by priority, lowest first: each endpoint length gets a band, longer
# paths a lower band, so `/a/b` is matched before `/a`, and adding an API only moves
# rules of its own length.
PRIORITY_BAND: Final = 100


@dataclass(frozen=True)
class Route:
    """One API behind the load balancer: its path and the Service its target group binds."""

    api: str
    endpoint: str
    target_port: int
    health_port: int | None  # None: the traffic port
    health_path: str
    service_namespace: str
    service_name: str
    service_port: int
    # TargetGroupBindings need the Service (and, for the interceptor, its release).
    depends_on: tuple[pulumi.Resource, ...] = ()


def priorities(routes: list[Route]) -> dict[str, int]:
    """Deterministic rule priorities: longer endpoints first, then by endpoint."""
    ordered = sorted(routes, key=lambda r: (-len(r.endpoint), r.endpoint))
    out: dict[str, int] = {}
    slot: dict[int, int] = {}
    for route in ordered:
        band = max(PATH_PATTERN_MAX - len(route.endpoint), 0)
        slot[band] = slot.get(band, 0) + 1
        out[route.api] = band * PRIORITY_BAND + slot[band]
    return out


def path_patterns(endpoint: str) -> list[str]:
    """The endpoint itself and everything under it; forwarded unchanged (the contract makes
    `$CORTEX_ENDPOINT` an alias of `/`)."""
    base = endpoint.rstrip("/")
    return [f"{base}/*"] if not base else [base, f"{base}/*"]
