"""Secrets in an API: `secret:` references must parse; secret-looking literals are warned of.

A malformed reference is an error at its value (a typo would otherwise reach the pod as the
reference's text). A value that looks like a secret is a warning at its value, without the
value: it is masked in every output and reaches the pod through a Kubernetes Secret
(infra/serving/literal_secrets.py), but it still sits in the spec's git history, and only
a reference keeps it out of there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cortex_spec.api_iam import reference_texts, references
from cortex_spec.diagnostics import Finding
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.secret_literals import SecretLiteral, env_literals, walk
from cortex_spec.source import Path
from runtime.secret_refs import SecretRefError, parse

_MOVE_IT: Final = (
    "store the value in AWS Secrets Manager or Systems Manager Parameter Store and write its "
    "reference here instead, e.g. secret:aws:ssm:/prod/db/password or "
    "secret:aws:secretsmanager:prod/db#password (docs/runtime-contract.md, Secrets)"
)


def literals(api: WorkloadAPI) -> Iterator[SecretLiteral]:
    """Every secret-looking literal of the API, with its path inside the API."""
    if api.predictor is not None:
        yield from env_literals(api.predictor.env, ("predictor", "env"))
        yield from walk(api.predictor.config, ("predictor", "config"), None)
    containers = api.pod.containers if api.pod and api.pod.containers else []
    for index, container in enumerate(containers):
        yield from env_literals(container.env, ("pod", "containers", index, "env"))


def check_secrets(api: WorkloadAPI, path: Path) -> Iterator[Finding]:
    for inner, text in reference_texts(api):
        try:
            parse(text)
        except SecretRefError as error:
            yield Finding((*path, *inner), str(error), error.hint)
    for literal in literals(api):
        yield Finding(
            (*path, *literal.path),
            f"looks like a secret written into the spec ({literal.reason}); plans, diffs and "
            "the spec ConfigMap show it masked and the pod reads it from a Kubernetes Secret, "
            "but it stays in the spec's git history",
            _MOVE_IT,
            severity="warning",
        )
    if api.secrets_kms_key_arns and not references(api):
        yield Finding(
            (*path, "secrets_kms_key_arns"),
            "has no effect: the API has no secret: references to decrypt",
            "remove secrets_kms_key_arns, or reference the secrets these keys encrypt",
            severity="warning",
        )
