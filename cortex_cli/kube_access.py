"""How `get` and `logs` reach the cluster: the stack's own kubeconfig, or one given.

By default the kubeconfig is the one the stack exports (`infra/kubeconfig.py`), built from
the live cluster's endpoint and certificate (EKS DescribeCluster): it runs `aws eks
get-token` with the caller's AWS credentials, so whoever can run `pulumi up` can read.
`--kubeconfig FILE` (and `--context`) use another one instead, e.g. one from `aws eks
update-kubeconfig`; the tests give one that points at a local fake API server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from cortex_cli import loading
from cortex_kube.connection import Kube
from cortex_spec.errors import ProvisionError, SpecError
from cortex_spec.loader import Spec
from cortex_spec.models.api import ApiBase

KubeconfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--kubeconfig",
        help="Use this kubeconfig instead of the stack's (built from the live EKS cluster).",
        show_default=False,
    ),
]
ContextOpt = Annotated[
    str | None,
    typer.Option(
        "--context", help="The kubeconfig context (default: its current one).", show_default=False
    ),
]


def _read(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ProvisionError(f"cannot read the kubeconfig {path}: {error}") from None
    if not isinstance(document, dict):
        raise ProvisionError(f"{path} is not a kubeconfig (expected a mapping)")
    return document


def stack_kubeconfig(spec: Spec) -> dict[str, Any]:
    """The kubeconfig the stack exports, for the cluster as it is now."""
    from botocore.exceptions import ClientError  # noqa: PLC0415 - boto3 only here

    from cortex_aws.failures import AWS_ERRORS, is_not_found, provision_error  # noqa: PLC0415
    from infra.kubeconfig import render  # noqa: PLC0415 - imports pulumi: only here

    session = loading.session_for(spec)
    session.require_credentials()
    name, region = spec.cluster.name, spec.cluster.region
    try:
        cluster = session.eks().describe_cluster(name=name)["cluster"]
    except AWS_ERRORS as error:
        if isinstance(error, ClientError) and is_not_found(error):
            raise ProvisionError(
                f"EKS cluster {name} does not exist in {region}: not deployed",
                hint="deploy it with `pulumi up`, or check --env/--stack",
            ) from None
        raise provision_error(error, f"EKS DescribeCluster({name})") from None
    document: dict[str, Any] = json.loads(
        render(name, cluster["endpoint"], cluster["certificateAuthority"]["data"], region)
    )
    return document


def connect(spec: Spec, kubeconfig: Path | None, context: str | None) -> Kube:
    if kubeconfig is not None:
        return Kube(_read(kubeconfig), context=context)
    return Kube(stack_kubeconfig(spec), context=context)


def known_api(spec: Spec, name: str) -> ApiBase:
    """The API of that name, of any kind; bad input naming the known ones otherwise."""
    for api in spec.entries:
        if api.name == name:
            return api
    from cortex_spec import Problem  # noqa: PLC0415

    known = ", ".join(api.name for api in spec.entries) or "none"
    raise SpecError([Problem(None, "apis", f'no API named "{name}" (known: {known})', None)])
