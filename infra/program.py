"""The Pulumi program: stack config → load_spec → infra.build → stack outputs.

It ships inside the package, so a project's `__main__.py` is two lines that call `main()`
(`cortex-infra init` writes them), and the offline plan evaluates this same file.

Stack config (namespace `cortex`): `spec` (path, default cortex.yaml), `clusterConfig`
(a Cortex v0.42 cluster.yaml), `environment` (default: the stack name), `admins` (IAM
principal ARNs granted cluster admin). `main` is the only code that reads Pulumi config.
"""

from __future__ import annotations

import pulumi

from cortex_spec import Spec, SpecError, load_spec
from infra.handles import BuildOptions, StackOutputs
from infra.platform import build_platform, stack_outputs
from infra.serving import Serving, ServingArgs


def build_stack(spec: Spec, options: BuildOptions) -> StackOutputs:
    """An AWS provider for the spec's region, the platform, then serving."""
    platform, opts = build_platform(spec, options)
    serving = Serving("serving", ServingArgs(spec=spec, cluster=platform.handle), opts=opts)
    return stack_outputs(platform, serving.exports())


def main() -> None:
    """Read the stack config, declare the stack, export its outputs."""
    config = pulumi.Config("cortex")
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
        for warning in spec.warnings:
            pulumi.log.warn(warning.headline())
        outputs = build_stack(
            spec, BuildOptions(stack=stack, admin_arns=tuple(config.get_object("admins") or ()))
        )
    except SpecError as error:
        # RunError makes Pulumi print the message alone, without a Python traceback; the
        # cause stays attached for the offline plan, which reports the SpecError itself.
        # Raised by build_stack too, for what only the cloud can tell (too few AZs offer the
        # instance types).
        raise pulumi.RunError(error.render()) from error
    for name, value in outputs.exports().items():
        pulumi.export(name, value)


if __name__ == "__main__":  # the offline plan runs this file as a script
    main()
