"""The router's routing model: routes to weighted backends, an optional mirror, upstreams.

Pure data with no Envoy or Pulumi in it. `routing.py` builds it from the spec (a route per
API of every kind); `router_config.py` renders it as Envoy configuration. A TrafficSplitter
is one route whose backends are the split APIs' upstreams with their weights, its endpoint
stripped (the APIs answer at `/`), and its shadow API a `mirror` of a percentage.

Routes form an ordered list, deepest endpoint first, and Envoy takes the first match: there
are no priorities to number, so adding or removing a route never renumbers the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cortex_spec import naming


@dataclass(frozen=True)
class Backend:
    """An upstream a route sends traffic to, with its relative weight (Envoy sums them)."""

    upstream: str
    weight: int = 1
    # The Host header this backend receives: how the KEDA interceptor, which routes by host
    # and path, tells which scaled-to-zero API a split request is for.
    host: str | None = None


@dataclass(frozen=True)
class Route:
    """Requests at `endpoint` or anything under it go to `backends`, split by weight; a copy
    of `mirror_percent` percent of them goes to `mirror`, whose answer is dropped (Cortex's
    shadow APIs)."""

    name: str
    endpoint: str
    backends: tuple[Backend, ...]
    # From the end of the request to the end of the response; also the most a stream may
    # stay silent (a request held while a scaled-to-zero API starts sends nothing).
    timeout_seconds: int
    mirror: str | None = None
    mirror_percent: int = 100
    # The mirror's Host header, exactly (no `-shadow` suffix): see `Backend.host`.
    mirror_host: str | None = None
    # Forward `<endpoint>/x` as `/x` (and `<endpoint>` as `/`): a split's APIs answer at
    # their own endpoint and at `/` (the runtime contract), not at the splitter's endpoint.
    strip_endpoint: bool = False

    def __post_init__(self) -> None:
        # Programming errors of a caller (the spec cannot produce them): fail loudly.
        if not self.backends:
            raise ValueError(f"route {self.name} has no backend")
        if any(b.weight < 0 for b in self.backends) or not sum(b.weight for b in self.backends):
            raise ValueError(f"route {self.name}: weights must be >= 0 with a positive sum")
        if len({(b.upstream, b.host) for b in self.backends}) != len(self.backends):
            raise ValueError(f"route {self.name} names an upstream twice")
        if not 0 <= self.mirror_percent <= 100:
            raise ValueError(f"route {self.name}: the mirrored percent must be 0-100")
        if self.timeout_seconds <= 0:
            raise ValueError(f"route {self.name}: the timeout must be positive")

    @property
    def path(self) -> str:
        """The endpoint as matched: no trailing slash, `/` for the root."""
        return naming.route_path(self.endpoint)

    @property
    def depth(self) -> int:
        """Path segments: `/` is 0, `/a` is 1, `/a/b` is 2."""
        return 0 if self.path == "/" else self.path.count("/")

    @property
    def upstreams(self) -> tuple[str, ...]:
        """Every upstream the route sends to, the mirror included."""
        mirrored = (self.mirror,) if self.mirror is not None else ()
        return (*(b.upstream for b in self.backends), *mirrored)


@dataclass(frozen=True)
class Upstream:
    """A set of pods reached by DNS name: a headless Service resolves to its ready pods."""

    name: str
    host: str
    port: int


def ordered(routes: Iterable[Route]) -> list[Route]:
    """Deepest endpoint first, then by path and name: a request matches the most specific
    endpoint, and the order is a pure function of the set of routes."""
    return sorted(routes, key=lambda r: (-r.depth, r.path, r.name))


def undefined_upstreams(routes: Iterable[Route], upstreams: Iterable[Upstream]) -> list[str]:
    """Upstreams some route sends to that no `Upstream` defines (sorted; empty when sound)."""
    defined = {u.name for u in upstreams}
    return sorted({name for r in routes for name in r.upstreams} - defined)
