"""Acceptance of the predictor form's storage under mocks: the bundle bucket, one object per
predictor API, and per-API IAM roles scoped to their own bundle."""

from __future__ import annotations

from typing import Any

import pytest

from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import named, of_type, policy, serving_plan

pytestmark = pytest.mark.slow

BUCKET = "serving-test-bundles-123456789012-us-west-2"


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return serving_plan()


def container(plan: PlanGraph, api: str, name: str) -> dict[str, Any]:
    deployment = named(plan, "apps/v1:Deployment", f"serving-{api}-deployment")
    containers = deployment.inputs["spec"]["template"]["spec"]["containers"]
    found: dict[str, Any] = next(c for c in containers if c["name"] == name)
    return found


def test_bundle_bucket_is_private_encrypted_versioned_and_tls_only(plan: PlanGraph) -> None:
    """The stack's bundle bucket: versioning, SSE, every public access blocked, TLS only."""
    assert len(of_type(plan, "s3/bucket:Bucket")) == 1
    versioning = of_type(plan, "BucketVersioning")[0].inputs["versioningConfiguration"]
    assert versioning == {"status": "Enabled"}
    sse = of_type(plan, "BucketServerSideEncryptionConfiguration")[0].inputs["rules"][0]
    assert sse["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    block = of_type(plan, "BucketPublicAccessBlock")[0].inputs
    assert all(
        block[k] is True
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    statement = policy(of_type(plan, "s3/bucketPolicy:BucketPolicy")[0])["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_one_bundle_object_per_predictor_api_by_content_hash(plan: PlanGraph) -> None:
    """Predictor APIs get `apis/<name>/<sha256>.zip`, the sha256 of the uploaded bytes."""
    objects = {o.inputs["key"]: o.inputs["source"] for o in of_type(plan, "BucketObjectv2")}
    assert sorted(k.split("/")[1] for k in objects) == ["embedder", "sentiment"]
    for key, source in objects.items():
        assert key.endswith(f"/{source['sha256']}.zip")
    sentiment = container(plan, "sentiment", "api")
    env = {e["name"]: e["value"] for e in sentiment["env"]}
    sha = next(k for k in objects if k.startswith("apis/sentiment/")).split("/")[2][:-4]
    assert env["CORTEX_PROJECT_SHA256"] == sha
    assert env["CORTEX_PROJECT_BUNDLE"].endswith(f"/apis/sentiment/{sha}.zip")


def test_each_api_role_reads_only_its_own_bundle(plan: PlanGraph) -> None:
    """Per-API IRSA: GetObject on `apis/<name>/*` only, its own service account, managed ARNs."""
    for api in ("sentiment", "embedder"):
        inline = named(plan, "rolePolicy:RolePolicy", f"serving-{api}-role-policy")
        statements = policy(inline)["Statement"]
        assert statements == [
            {
                "Sid": "ReadOwnBundle",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/apis/{api}/*",
            }
        ]
    role = named(plan, "iam/role:Role", "serving-classifier-role-role")
    trust = policy(role, "assumeRolePolicy")["Statement"][0]["Condition"]["StringEquals"]
    assert "system:serviceaccount:cortex:api-classifier" in trust.values()
    assert not [r for r in of_type(plan, "rolePolicy:RolePolicy") if "classifier" in r.name]
    attached = [a for a in of_type(plan, "RolePolicyAttachment") if "serving-" in a.name]
    assert {a.inputs["policyArn"] for a in attached} == {
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }
    assert len(attached) == 3
