"""The whole stack: an AWS provider for the spec's region, the platform, then serving."""

from __future__ import annotations

from cortex_spec import Spec
from infra.handles import BuildOptions, StackOutputs
from infra.platform import build_platform, stack_outputs
from infra.serving import Serving, ServingArgs


def build_stack(spec: Spec, options: BuildOptions) -> StackOutputs:
    platform, opts = build_platform(spec, options)
    serving = Serving("serving", ServingArgs(spec=spec, cluster=platform.handle), opts=opts)
    return stack_outputs(platform, serving.exports())
