"""What each API's IAM role may do beyond reading its bundle: its managed policies and the
secrets its `secret:` references name. Pure; `infra/serving/workload.py` writes the role.

The grants are exact: `secretsmanager:GetSecretValue` on each referenced secret (a secret
named without its ARN as `<name>-??????`), `ssm:GetParameter` on each referenced parameter,
and `kms:Decrypt` on the API's `secrets_kms_key_arns` only when Secrets Manager or Systems
Manager asks on the role's behalf (`kms:ViaService`), for the services and regions the
references use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cortex_spec.models.api import WorkloadAPI
from runtime.secret_refs import SECRETS_MANAGER, SSM, SecretRef, SecretRefError, is_reference, parse

if TYPE_CHECKING:
    from cortex_spec.loader import Spec

Path = tuple[str | int, ...]


def managed_policy_arns(api: WorkloadAPI, spec: Spec) -> tuple[str, ...]:
    """The API's own policies, then the cluster's when they apply to every API."""
    shared = spec.cluster.iam_policy_arns if spec.policies_on_every_api else []
    return tuple(dict.fromkeys([*api.iam_policy_arns, *shared]))


def _tree(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _tree(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _tree(item, (*path, index))
    elif is_reference(value):
        yield path, value


def reference_texts(api: WorkloadAPI) -> Iterator[tuple[Path, str]]:
    """Every `secret:` value of the API with its path inside the API, in spec order."""
    if api.predictor is not None:
        yield from _tree(api.predictor.env, ("predictor", "env"))
        yield from _tree(api.predictor.config, ("predictor", "config"))
    containers = api.pod.containers if api.pod and api.pod.containers else []
    for index, container in enumerate(containers):
        yield from _tree(container.env, ("pod", "containers", index, "env"))


def references(api: WorkloadAPI) -> list[SecretRef]:
    """The API's valid references (invalid ones are spec errors, reported by the rules)."""
    found = []
    for _, text in reference_texts(api):
        try:
            found.append(parse(text))
        except SecretRefError:
            continue
    return found


def container_has_references(api: WorkloadAPI, container: str) -> bool:
    containers = api.pod.containers if api.pod and api.pod.containers else []
    return any(
        is_reference(value) for c in containers if c.name == container for value in c.env.values()
    )


def _service_host(service: str, region: str, partition: str) -> str:
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"{service}.{region}.{suffix}"


def secret_statements(
    api: WorkloadAPI, *, partition: str, region: str, account: str
) -> list[dict[str, Any]]:
    """IAM statements that let the API's role read exactly what its references name."""
    refs = references(api)
    statements: list[dict[str, Any]] = []
    for sid, service, action in (
        ("ReadReferencedSecrets", SECRETS_MANAGER, "secretsmanager:GetSecretValue"),
        ("ReadReferencedParameters", SSM, "ssm:GetParameter"),
    ):
        resources = sorted(
            {r.resource(partition, region, account) for r in refs if r.service == service}
        )
        if resources:
            statements.append(
                {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resources}
            )
    if refs and api.secrets_kms_key_arns:
        via = sorted({_service_host(r.service, r.region(region), partition) for r in refs})
        statements.append(
            {
                "Sid": "DecryptReferencedSecrets",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": sorted(api.secrets_kms_key_arns),
                "Condition": {"StringEquals": {"kms:ViaService": via}},
            }
        )
    return statements
