"""What a command needs to start: its target (the spec, the Pulumi project and stack it
belongs to), the spec loaded as the program would load it (warnings shown once), and, for
the commands that call AWS, a session.

`session_for` is the one seam the tests replace, to stub the APIs moto lacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cortex_cli import output
from cortex_cli.project import Target, resolve
from cortex_spec import Spec, load_spec
from cortex_spec.errors import ProvisionError

if TYPE_CHECKING:
    from cortex_aws.session import AwsSession


def target(
    spec: Path, cluster_config: Path | None, env: str | None, stack: str | None = None
) -> Target:
    """The command line resolved against the spec's project; notes go to stderr."""
    found = resolve(spec, cluster_config=cluster_config, env=env, stack=stack)
    if not output.json_mode():
        for note in found.notes():
            output.echo(f"note: {note}", err=True)
    return found


def load_target(
    found: Target, *, as_program: bool | None = None, show_warnings: bool = True
) -> Spec:
    """The spec for the target: the explicit environment (which must exist), else, as the
    program does for a stack, the environment named like the stack when the spec has one.
    `as_program` defaults to whether a stack was named: without one, commands that do not
    evaluate the program check the base spec."""
    named = found.stack_given if as_program is None else as_program
    implicit = found.stack_name if named else None
    loaded = load_spec(
        found.spec,
        cluster_config=found.cluster_config,
        environment=found.environment or implicit,
        environment_required=found.environment is not None,
    )
    if show_warnings and not output.json_mode():
        for warning in loaded.warnings:
            output.echo(f"warning: {warning.render()}", err=True)
    return loaded


def load(
    spec: Path, cluster_config: Path | None, env: str | None, stack: str | None = None
) -> Spec:
    return load_target(target(spec, cluster_config, env, stack))


def session_for(spec: Spec) -> AwsSession:
    """The AWS session of a command, in the spec's region, from the standard chain."""
    # Imported here: boto3 takes a moment to import, and offline commands never need it.
    from cortex_aws.session import AwsSession  # noqa: PLC0415

    return AwsSession(spec.cluster.region)


def optional_session_for(spec: Spec) -> AwsSession | None:
    """A session, or None when the AWS configuration is unusable (for commands that can
    still answer offline)."""
    try:
        return session_for(spec)
    except ProvisionError:
        return None
