"""Which path goes where on the shared load balancer, and in which order.

Pure: the rule order is deterministic and stable (adding an API only moves rules of its
own path length), and tests pin it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pulumi

from cortex_spec import naming

PATH_PATTERN_MAX: Final = naming.ALB_PATH_PATTERN_MAX
# Rules are ordered by priority, lowest first: each endpoint length gets a band, longer
# paths a lower band, so `/a/b` is matched before `/a`, and adding an API only moves
# rules of its own length. 390 slots per band keep the 128 bands within ALB's highest
# priority, 50,000.
PRIORITY_BAND: Final = 390


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
        if slot[band] >= PRIORITY_BAND:
            raise ValueError(
                f"more than {PRIORITY_BAND - 1} endpoints of length "
                f"{len(route.endpoint)}; the load balancer cannot order them"
            )
        out[route.api] = band * PRIORITY_BAND + slot[band]
    return out


def path_patterns(endpoint: str) -> list[str]:
    """The endpoint itself and everything under it; forwarded unchanged (the contract makes
    `$CORTEX_ENDPOINT` an alias of `/`)."""
    base = endpoint.rstrip("/")
    return [f"{base}/*"] if not base else [base, f"{base}/*"]
