"""The API kinds: which `kind:` values load, with which model, and what the others are told.

A kind is one model (a `Literal` `kind` discriminator) in `MODELS`. Adding a kind is
additive: its model here, its rules in `cortex_spec/rules/`, and its resources in
`infra/serving/` (docs/serving.md, "Kinds"); nothing else dispatches on the name.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field

from cortex_spec.models.api import RealtimeAPI, WorkloadAPI
from cortex_spec.models.api_base import ApiBase
from cortex_spec.models.async_api import AsyncAPI
from cortex_spec.models.job_apis import BatchAPI, TaskAPI
from cortex_spec.models.traffic_splitter import TrafficSplitter

# Every kind Cortex v0.42 had (pkg/types/userconfig/kind.go).
CORTEX_KINDS: Final = ("RealtimeAPI", "AsyncAPI", "BatchAPI", "TaskAPI", "TrafficSplitter")

MODELS: Final[dict[str, type[ApiBase]]] = {
    "RealtimeAPI": RealtimeAPI,
    "AsyncAPI": AsyncAPI,
    "TrafficSplitter": TrafficSplitter,
    "BatchAPI": BatchAPI,
    "TaskAPI": TaskAPI,
}
SUPPORTED_KINDS: Final = tuple(MODELS)

# Kinds whose model and rules are in place but whose stack is not built yet: an API of one
# parses (every field problem is reported with its location) and is then refused at its
# `kind`, so nothing half-built is ever deployed. Empty: every supported kind deploys.
NOT_DEPLOYABLE: Final[dict[str, str]] = {}
# What deploys, in the order messages list them.
DEPLOYABLE_KINDS: Final = tuple(k for k in SUPPORTED_KINDS if k not in NOT_DEPLOYABLE)

# Cortex kinds that do not load yet, each with what to use meanwhile.
NOT_YET: Final[dict[str, str]] = {}

# The discriminated union of every supported kind (the JSON Schema's `apis` items).
AnyAPI = Annotated[
    RealtimeAPI | AsyncAPI | TrafficSplitter | BatchAPI | TaskAPI, Field(discriminator="kind")
]


def model_for(kind: object) -> type[ApiBase] | None:
    """The model of a supported kind, or None."""
    return MODELS.get(kind) if isinstance(kind, str) else None


def runs_pods(api: ApiBase) -> bool:
    """Whether the API has replicas of its own (a TrafficSplitter has none, nor do the job
    kinds, whose pods exist only while a job runs)."""
    return isinstance(api, WorkloadAPI) and not isinstance(api, BatchAPI | TaskAPI)
