"""`kind: TrafficSplitter`: one endpoint whose requests are split among RealtimeAPIs.

Cortex v0.42 (docs/workloads/realtime/traffic-splitter.md, pkg/types/spec/validations.go):
`apis[]` of `{name, weight 0-100, shadow}`; the weights of the non-shadow APIs sum to 100;
at most one shadow, which gets a copy of `weight` percent of the requests (Cortex made its
weight Istio's `mirrorPercentage`), its answers dropped. The split runs no pods of its own.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from cortex_spec.models.api_base import ApiBase
from cortex_spec.models.base import StrictModel


class SplitTarget(StrictModel):
    """One RealtimeAPI of the split, with its share of the requests."""

    name: Annotated[str, Field(description="A RealtimeAPI of this spec.")]
    weight: Annotated[
        int,
        Field(
            ge=0,
            le=100,
            description="Percent of the requests it answers (the non-shadow weights sum to "
            "100); a shadow's weight is the percent of requests copied to it.",
        ),
    ]
    shadow: Annotated[
        bool,
        Field(
            default=False,
            description="Get a copy of the requests (fire and forget; its answers are "
            "dropped); at most one shadow per splitter.",
        ),
    ]


class TrafficSplitter(ApiBase):
    """An endpoint that spreads requests over RealtimeAPIs by weight (A/B tests, canaries)."""

    kind: Annotated[Literal["TrafficSplitter"], Field(description="API kind; TrafficSplitter.")]
    apis: Annotated[
        list[SplitTarget],
        Field(min_length=1, description="The RealtimeAPIs to send requests to, by weight."),
    ]

    @property
    def primaries(self) -> list[SplitTarget]:
        """The targets that answer requests (not the shadow)."""
        return [t for t in self.apis if not t.shadow]

    @property
    def shadow(self) -> SplitTarget | None:
        return next((t for t in self.apis if t.shadow), None)
