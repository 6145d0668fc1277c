"""`__main__.py` without the serving layer: reads the same stack config, builds the Platform.

The serving layer (infra/serving) is being written in parallel; until it is stable, the
platform's tests and golden plans evaluate this program so that they pin the platform alone.
"""

from __future__ import annotations

import pulumi

from cortex_spec import SpecError, load_spec
from infra.options import BuildOptions
from infra.platform import build_platform, stack_outputs

config = pulumi.Config()
stack = pulumi.get_stack()
explicit_environment = config.get("environment") or None

try:
    spec = load_spec(
        config.get("spec") or "cortex.yaml",
        cluster_config=config.get("clusterConfig") or None,
        environment=explicit_environment or stack,
        environment_required=explicit_environment is not None,
    )
    for warning in spec.warnings:
        pulumi.log.warn(warning.headline())
    platform, _ = build_platform(
        spec, BuildOptions(stack=stack, admin_arns=tuple(config.get_object("admins") or ()))
    )
except SpecError as error:
    raise pulumi.RunError(error.render()) from error

for name, value in stack_outputs(platform).exports().items():
    pulumi.export(name, value)
