"""`apis[].autoscaling` and `apis[].update_strategy`: Cortex's replica knobs, with Cortex's
defaults, bounded by what Kubernetes, KEDA and the HPA accept (`cortex_spec.limits`)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator

from cortex_spec import limits
from cortex_spec.models.base import DurationValue, StrictModel, fail, shown
from cortex_spec.models.cortex_edges import quoted_integer
from cortex_spec.models.cortex_history import (
    DEFAULT_MAX_REPLICA_CONCURRENCY,
    MAX_REPLICA_CONCURRENCY_LIMIT,
    VALIDATIONS_V033,
    history,
)
from cortex_spec.quantities import Duration

_PERCENT = re.compile(r"([0-9]{1,3})%", re.ASCII)
_INT32 = f"at most {limits.INT32_MAX:,}: Kubernetes stores it as an int32"


def _duration(seconds: int, text: str) -> Duration:
    return Duration(Decimal(seconds), text)


class Autoscaling(StrictModel):
    """Cortex's request-based autoscaling knobs, with Cortex's defaults."""

    min_replicas: Annotated[
        int,
        Field(
            default=1,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Fewest replicas; 0 scales to zero ({_INT32}).",
        ),
    ]
    max_replicas: Annotated[
        int,
        Field(default=100, ge=1, le=limits.INT32_MAX, description=f"Most replicas ({_INT32})."),
    ]
    init_replicas: Annotated[
        int | None,
        Field(
            default=None,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Replicas at first deploy; default min ({_INT32}).",
        ),
    ]
    target_in_flight: Annotated[
        float | None,
        Field(
            default=None,
            gt=0,
            allow_inf_nan=False,
            description="In-flight requests (running + queued) per replica to aim for; default "
            "pod.max_concurrency; at most max_concurrency + max_queue_length.",
        ),
    ]
    target_replica_concurrency: Annotated[
        float | None,
        Field(
            default=None,
            gt=0,
            allow_inf_nan=False,
            description="Cortex v0.20-v0.35 name of target_in_flight; default "
            "processes_per_replica x threads_per_process.",
            json_schema_extra=history(
                "v0.20-v0.35", "mapped", "autoscaling.target_in_flight", VALIDATIONS_V033
            ),
        ),
    ]
    max_replica_concurrency: Annotated[
        int | None,
        Field(
            default=None,
            gt=0,
            le=MAX_REPLICA_CONCURRENCY_LIMIT,
            description="Cortex v0.20-v0.35 in-flight limit per replica (running + queued; "
            f"default {DEFAULT_MAX_REPLICA_CONCURRENCY}); beyond it, 503.",
            json_schema_extra=history(
                "v0.20-v0.35",
                "mapped",
                "pod.max_concurrency + pod.max_queue_length (the runtime's in-flight limit)",
                VALIDATIONS_V033,
            ),
        ),
    ]
    window: Annotated[
        DurationValue,
        Field(
            default=_duration(60, "60s"),
            description="Averaging window of the in-flight metric; a multiple of 10s.",
        ),
    ]
    downscale_stabilization_period: Annotated[
        DurationValue,
        Field(default=_duration(300, "5m"), description="How long a scale-down must be wanted."),
    ]
    upscale_stabilization_period: Annotated[
        DurationValue,
        Field(default=_duration(60, "1m"), description="How long a scale-up must be wanted."),
    ]
    max_downscale_factor: Annotated[
        float,
        Field(
            default=0.75,
            ge=0,
            lt=1,
            allow_inf_nan=False,
            description="Largest step down, as a fraction.",
        ),
    ]
    max_upscale_factor: Annotated[
        float,
        Field(
            default=1.5,
            gt=1,
            le=limits.MAX_UPSCALE_FACTOR,
            allow_inf_nan=False,
            description="Largest step up, as a multiple; at most "
            f"{limits.MAX_UPSCALE_FACTOR:,}, since (factor - 1) x 100 becomes the HPA's "
            "int32 Percent policy.",
        ),
    ]
    downscale_tolerance: Annotated[
        float,
        Field(
            default=0.05,
            ge=0,
            lt=1,
            allow_inf_nan=False,
            description="Ignore dips smaller than this.",
        ),
    ]
    upscale_tolerance: Annotated[
        float,
        Field(
            default=0.05, ge=0, allow_inf_nan=False, description="Ignore rises smaller than this."
        ),
    ]

    @field_validator("window")
    @classmethod
    def _window(cls, value: Duration) -> Duration:
        if value.seconds < 10 or value.seconds % 10 != 0:
            fail(
                f"must be a multiple of 10s and at least 10s (got {value})",
                "the autoscaler samples every 10s; use 10s, 60s, 2m, ...",
            )
        return value


def _check_step(value: int | str) -> int | str:
    if isinstance(value, int):
        if not 0 <= value <= limits.INT32_MAX:
            fail(
                f"must be between 0 and {limits.INT32_MAX} (got {value})",
                f"use a percentage or a smaller integer ({_INT32}: IntOrString)",
            )
        return value
    match = _PERCENT.fullmatch(value)
    if match is None or int(match[1]) > 100:
        fail(
            f'"{shown(value)}" is not an integer or a percentage 0-100%',
            'write it like 1 or "25%"',
        )
    return value


class UpdateStrategy(StrictModel):
    max_surge: Annotated[
        int | str,
        Field(
            default="25%",
            description='Extra pods during a rollout (int or N%; "2" reads as 2, as in Cortex).',
        ),
    ]
    max_unavailable: Annotated[
        int | str,
        Field(
            default="25%",
            description='Pods that may be down during a rollout (int or N%; "0" reads as 0).',
        ),
    ]

    @field_validator("max_surge", "max_unavailable", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        return quoted_integer(value)

    @field_validator("max_surge", "max_unavailable")
    @classmethod
    def _step(cls, value: int | str) -> int | str:
        return _check_step(value)
