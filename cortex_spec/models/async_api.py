"""`kind: AsyncAPI`: requests are queued, worked off by replicas, and fetched later by id.

Cortex v0.42 semantics (docs/workloads/async/): `POST <endpoint>` stores the payload and
answers `{"id": ...}`; `GET <endpoint>/<id>` answers the request's status (`in_queue`,
`in_progress`, `completed`, `failed`) and, once completed, its result. Replicas scale on
the queue's depth. Cortex's AsyncAPI took the container form only; here the predictor form
works as well (its `predict` gets each payload, as a RealtimeAPI's would).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.workload import AsyncPod


class AsyncAPI(WorkloadAPI):
    """An asynchronous API: a queue, a gateway at the endpoint, and workers."""

    kind: Annotated[Literal["AsyncAPI"], Field(description="API kind; AsyncAPI.")]
    pod: Annotated[
        AsyncPod | None,
        Field(
            default=None,
            description="Port and concurrency (at most 100 per replica); container form: "
            "containers.",
        ),
    ]
