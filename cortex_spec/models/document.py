"""The shape of a whole `cortex.yaml`, for the JSON Schema and for editors."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from cortex_spec.models.base import StrictModel
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.models.kinds import AnyAPI


class EnvironmentOverride(StrictModel):
    """Deep-merged over the base for one environment (stack)."""

    cluster: Annotated[
        dict[str, Any] | None,
        Field(
            default=None,
            description="Cluster fields to override; node_groups merge by name (a name the "
            "base lacks needs `add: true`).",
        ),
    ]
    apis: Annotated[
        list[dict[str, Any]] | None,
        Field(
            default=None,
            description="API overrides, matched by name; a name the base lacks is an error "
            "unless the API is complete and marked `add: true`.",
        ),
    ]


class SpecDocument(StrictModel):
    """A cortex-infra spec: the cluster, its APIs, and per-environment overrides."""

    cluster: Annotated[ClusterConfig, Field(description="The EKS cluster and its node groups.")]
    apis: Annotated[
        list[AnyAPI] | None,
        Field(
            default_factory=list,
            description="The APIs to serve: RealtimeAPI, AsyncAPI and TrafficSplitter "
            "(null: none).",
        ),
    ]
    environments: Annotated[
        dict[str, EnvironmentOverride | None] | None,
        Field(
            default=None,
            description="Overrides per environment, e.g. dev, staging, prod (empty: the base).",
        ),
    ]
