"""Pulumi components that turn a validated spec into AWS and Kubernetes resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.handles import BuildOptions

if TYPE_CHECKING:
    from cortex_spec import Spec
    from infra.handles import StackOutputs

__all__ = ["BuildOptions", "build"]


def build(spec: Spec, options: BuildOptions) -> StackOutputs:
    """Declare the whole stack for `spec`; return what the program exports."""
    # Imported here so that `offline` and single components import without the
    # whole program (and without pulling every pulumi_aws module in).
    from infra.program import build_stack  # noqa: PLC0415

    return build_stack(spec, options)
