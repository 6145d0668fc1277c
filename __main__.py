"""The Pulumi program: stack config → load_spec → infra.build → stack outputs.

Stack config (namespace `cortex`): `spec` (path, default cortex.yaml), `clusterConfig`
(a Cortex v0.42 cluster.yaml), `environment` (default: the stack name), `admins` (IAM
principal ARNs granted cluster admin). This is the only module that reads Pulumi config.
"""

from __future__ import annotations

import pulumi

import infra
from cortex_spec import SpecError, load_spec

config = pulumi.Config()
stack = pulumi.get_stack()
explicit_environment = config.get("environment") or None

try:
    spec = load_spec(
        config.get("spec") or "cortex.yaml",
        cluster_config=config.get("clusterConfig") or None,
        environment=explicit_environment or stack,
        # A stack named after no environment simply uses the base spec; an environment
        # asked for by name must exist.
        environment_required=explicit_environment is not None,
    )
except SpecError as error:
    # RunError makes Pulumi print the message alone, without a Python traceback; the cause
    # stays attached for the offline plan, which reports the SpecError itself.
    raise pulumi.RunError(error.render()) from error

for warning in spec.warnings:
    pulumi.log.warn(warning.headline())

try:
    outputs = infra.build(
        spec,
        infra.BuildOptions(stack=stack, admin_arns=tuple(config.get_object("admins") or ())),
    )
except SpecError as error:
    # What only the cloud can tell (e.g. too few AZs offer the instance types).
    raise pulumi.RunError(error.render()) from error
for name, value in outputs.exports().items():
    pulumi.export(name, value)
