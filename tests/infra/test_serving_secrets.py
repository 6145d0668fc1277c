"""Secrets through the serving layer: no secret-looking literal anywhere in the plan, references
reach pods unresolved, literals travel in a per-API Secret, and each API's role reads exactly
the secrets it references."""

from __future__ import annotations

import json
from typing import Any, Final

import pytest

from cortex_spec import load_spec
from cortex_spec.secret_literals import is_marker
from infra.serving.literal_secrets import literal_secret
from offline.graph import PlanGraph, PlannedResource
from tests.infra.serving_fixtures.plans import SECRETS, named, of_type, policy, secrets_plan

pytestmark = pytest.mark.slow

# The fixture's secret-looking literals (fake): none may appear anywhere in a plan.
LITERALS: Final = (
    "hunter2-but-longer",
    "pl41nt3xt-pw",
    "sk-test-Zq8xN3vK7pL2mR9tY4wB6cD1",
    "AKIAIOSFODNN7EXAMPLE",
)
ACCOUNT: Final = "123456789012"


def _plan_text(plan: PlanGraph) -> str:
    return plan.to_json()


def _deployment(name: str) -> dict[str, Any]:
    found = named(secrets_plan(), "apps/v1:Deployment", f"serving-{name}-deployment")
    spec: dict[str, Any] = found.inputs["spec"]["template"]["spec"]
    return spec


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_no_secret_literal_appears_anywhere_in_the_plan() -> None:
    """Not in the Deployment, the ConfigMap, the Secret or any other input."""
    text = _plan_text(secrets_plan())
    for literal in LITERALS:
        assert literal not in text


def test_the_spec_config_map_shows_markers_and_references() -> None:
    """The ConfigMap holds a literal's marker in its place, and references as written."""
    config_map = named(secrets_plan(), "core/v1:ConfigMap", "serving-ranker-spec")
    api = json.loads(config_map.inputs["data"]["api.json"])["api"]
    env = api["predictor"]["env"]
    assert is_marker(env["DB_PASSWORD"])
    assert env["HF_TOKEN"] == "secret:aws:secretsmanager:ranker/huggingface#token"
    config = api["predictor"]["config"]
    assert is_marker(config["api_key"])
    assert is_marker(config["database"]["url"])
    assert config["database"]["password"] == "secret:aws:ssm:/ranker/db/password"
    assert config["threshold"] == 0.5


def test_literals_are_read_from_the_api_secret_by_key() -> None:
    """DB_PASSWORD and the held-back config come from the API's Secret, whose values are
    markers in the plan; the variable order is unchanged."""
    [container] = _deployment("ranker")["containers"]
    env = _env(container)
    secret = named(secrets_plan(), "core/v1:Secret", "serving-ranker-literals")
    name = secret.inputs["metadata"]["name"]
    assert name.startswith("api-ranker-literals-")
    assert env["DB_PASSWORD"] == {"secretKeyRef": {"name": name, "key": "api.DB_PASSWORD"}}
    assert env["CORTEX_SECRET_CONFIG"] == {
        "secretKeyRef": {"name": name, "key": "api.CORTEX_SECRET_CONFIG"}
    }
    assert sorted(secret.inputs["stringData"]) == ["api.CORTEX_SECRET_CONFIG", "api.DB_PASSWORD"]
    assert all(is_marker(v) for v in secret.inputs["stringData"].values())
    assert secret.inputs["immutable"] is True


def test_a_changed_literal_is_a_new_secret_name() -> None:
    """The Secret's name hashes its values' markers: pods roll onto a new Secret rather than
    seeing a value change under them (immutable Secrets cannot change anyway)."""
    spec = load_spec(SECRETS)
    first = literal_secret(spec.api("ranker"))
    assert first is not None
    changed = spec.api("ranker").model_copy(
        update={
            "predictor": spec.api("ranker").predictor.model_copy(  # type: ignore[union-attr]
                update={"env": {"DB_PASSWORD": "another-long-password"}}
            )
        }
    )
    second = literal_secret(changed)
    assert second is not None
    assert first.name != second.name


def test_container_references_resolve_in_an_init_container_into_memory() -> None:
    """The user container keeps the reference as its variable and mounts its own folder of
    resolved values; the init step runs the runtime image, read-only, on a memory volume."""
    pod = _deployment("reranker")
    [init] = pod["initContainers"]
    assert init["command"][:2] == ["cortex-runtime", "resolve-secrets"]
    assert init["securityContext"]["readOnlyRootFilesystem"] is True
    [volume] = [v for v in pod["volumes"] if v["name"] == "secrets"]
    assert volume["emptyDir"]["medium"] == "Memory"
    server = next(c for c in pod["containers"] if c["name"] == "server")
    env = _env(server)
    assert env["SIGNING_SECRET"] == "secret:aws:ssm:reranker-signing"
    assert env["CORTEX_SECRETS_DIR"] == "/cortex/secrets"
    assert env["AWS_ACCESS_KEY_ID"]["secretKeyRef"]["key"] == "server.AWS_ACCESS_KEY_ID"
    mount = next(m for m in server["volumeMounts"] if m["name"] == "secrets")
    assert mount == {
        "name": "secrets",
        "mountPath": "/cortex/secrets",
        "subPath": "server",
        "readOnly": True,
    }


def _role_policy(api: str) -> dict[str, Any]:
    found = named(secrets_plan(), "aws:iam/rolePolicy:RolePolicy", f"serving-{api}-role-policy")
    return policy(found)


def test_each_role_reads_exactly_its_referenced_secrets() -> None:
    """GetSecretValue and GetParameter on the referenced ARNs only; kms:Decrypt on the API's
    keys only through the services the references use."""
    statements = {s["Sid"]: s for s in _role_policy("ranker")["Statement"]}
    assert statements["ReadReferencedSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:shared/upstream-AbCdEf",
        f"arn:aws:secretsmanager:us-west-2:{ACCOUNT}:secret:ranker/huggingface-??????",
    ]
    assert statements["ReadReferencedParameters"]["Resource"] == [
        f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/ranker/db/password"
    ]
    decrypt = statements["DecryptReferencedSecrets"]
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == [
        "secretsmanager.us-east-1.amazonaws.com",
        "secretsmanager.us-west-2.amazonaws.com",
        "ssm.us-west-2.amazonaws.com",
    ]
    other = {s["Sid"]: s for s in _role_policy("reranker")["Statement"]}
    assert set(other) == {"ReadReferencedParameters"}
    assert other["ReadReferencedParameters"]["Resource"] == [
        f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/reranker-signing"
    ]


def _attachments(plan: PlanGraph, api: str) -> list[PlannedResource]:
    return [
        r
        for r in of_type(plan, "iam/rolePolicyAttachment:RolePolicyAttachment")
        if r.name.startswith(f"serving-{api}-role-managed-")
    ]


def test_api_policies_are_attached_to_their_api_only_keyed_by_policy() -> None:
    """ranker's DynamoDB policy is on ranker's role alone, named by the policy (not by its
    position, so that editing the list never detaches a kept policy)."""
    plan = secrets_plan()
    [attachment] = _attachments(plan, "ranker")
    assert attachment.inputs["policyArn"].endswith("AmazonDynamoDBReadOnlyAccess")
    assert attachment.name == "serving-ranker-role-managed-AmazonDynamoDBReadOnlyAccess"
    assert _attachments(plan, "reranker") == []
