"""What `__main__.py` passes to `infra.build` besides the spec (it alone reads Pulumi config)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    """Stack-level settings that are not part of cortex.yaml."""

    stack: str
    admin_arns: tuple[str, ...] = ()
