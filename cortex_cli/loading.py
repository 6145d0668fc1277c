"""What a command needs to start: the spec from its arguments (warnings shown once), and,
for the commands that call AWS, a session.

`session_for` is the one seam the tests replace, to stub the APIs moto lacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cortex_cli import output
from cortex_spec import Spec, load_spec
from cortex_spec.errors import ProvisionError

if TYPE_CHECKING:
    from cortex_aws.session import AwsSession


def load(spec: Path, cluster_config: Path | None, env: str | None) -> Spec:
    loaded = load_spec(spec, cluster_config=cluster_config, environment=env)
    if not output.json_mode():
        for warning in loaded.warnings:
            output.echo(f"warning: {warning.render()}", err=True)
    return loaded


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
