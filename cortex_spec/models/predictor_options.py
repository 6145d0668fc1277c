"""The predictor's nested option blocks of Cortex v0.20-v0.35: server-side batching and the
names of the dependency files.

Separate from `predictor.py` because each is a model of its own, validated on its own
before the predictor checks how it fits the rest (batch size against threads, in there).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from cortex_spec.models.base import DurationValue, StrictModel, fail
from cortex_spec.quantities import Duration

__all__ = ["DependencyFiles", "ServerSideBatching"]


class ServerSideBatching(StrictModel):
    """Cortex's server-side batching (v0.20-v0.35, `ServerSideBatching` in api.go)."""

    max_batch_size: Annotated[
        int,
        Field(
            ge=2,
            le=1024,
            description="Most requests per batch (Cortex: 2 to 1024, 'an arbitrary limit').",
        ),
    ]
    batch_interval: Annotated[
        DurationValue,
        Field(description="Longest wait for a batch to fill, e.g. 100ms (> 0)."),
    ]

    @field_validator("batch_interval")
    @classmethod
    def _interval(cls, value: Duration) -> Duration:
        if value.seconds <= 0:
            fail(f"must be greater than 0s (got {value})", "write it like 100ms or 1s")
        return value


class DependencyFiles(StrictModel):
    """Cortex's `dependencies` (v0.30-v0.35): the names of the three dependency files."""

    pip: Annotated[str, Field(default="requirements.txt", description="pip requirements file.")]
    conda: Annotated[str, Field(default="conda-packages.txt", description="conda packages file.")]
    shell: Annotated[str, Field(default="dependencies.sh", description="Shell script.")]

    @model_validator(mode="after")
    def _defaults_only(self) -> Self:
        for field in ("pip", "conda", "shell"):
            value = getattr(self, field)
            default = type(self).model_fields[field].default
            if value != default:
                fail(
                    f"Cortex v0.30-v0.35 field dependencies.{field}, not supported by "
                    f"cortex-infra with a name other than {default} (got {value})",
                    f"rename {value} to {default} at the bundle root and drop dependencies.{field}",
                    code="cortex_unsupported",
                )
        return self
