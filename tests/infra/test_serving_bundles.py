"""Acceptance of the predictor form's storage under mocks: the bundle bucket, one object per
predictor API, and per-API IAM roles scoped to their own bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cortex_spec import Spec, load_spec
from cortex_spec.api_bundles import build_api_bundle
from cortex_spec.models.api import WorkloadAPI
from infra.serving import bundles
from offline.graph import PlanGraph
from runtime.bundle import Bundle
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


def test_apis_sharing_a_folder_share_one_bundle_built_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle is its folder's: two APIs of one folder get one bundle, built once; an API
    of another folder gets its own."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "predictor.py").write_text(f"# {folder}\n", encoding="utf-8")
    apis = "".join(
        f"  - {{name: {name}, kind: RealtimeAPI, predictor: {{type: python, path: {path}}}}}\n"
        for name, path in (
            ("one", "a/predictor.py"),
            ("two", "a/predictor.py"),
            ("three", "b/predictor.py"),
        )
    )
    spec_file = tmp_path / "cortex.yaml"
    spec_file.write_text(
        "cluster:\n  name: shared\n  region: us-west-2\n  node_groups:\n"
        "    - {name: cpu, instance_type: m6i.large}\napis:\n" + apis,
        encoding="utf-8",
    )
    built: list[str] = []
    real = build_api_bundle

    def counting(spec: Spec, api: WorkloadAPI) -> Bundle:
        built.append(api.name)
        return real(spec, api)

    monkeypatch.setattr(bundles, "build_api_bundle", counting)
    found = bundles.api_bundles(load_spec(spec_file))
    assert built == ["one", "three"]
    assert found["one"] is found["two"]
    assert found["three"].sha256 != found["one"].sha256
