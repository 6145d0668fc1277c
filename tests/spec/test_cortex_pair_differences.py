"""A Cortex v0.42 pair is warned where it would behave differently here (defaults that
differ, memory limits), and the neuron-rtd pattern is refused with the Neuron 2.x reason.
Citations are files of github.com/cortexlabs/cortex at v0.42.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cortex_spec import Spec, SpecError, load_spec

CORPUS = Path(__file__).parent / "cases" / "cortex_corpus"
NIGHTLY = CORPUS / "v0.37.0/.circleci/config.yml.heredoc1.yaml"
CONTAINER_API = {
    "name": "api",
    "kind": "RealtimeAPI",
    "pod": {"containers": [{"name": "api", "image": "example.com/api:1"}]},
}


def _load(tmp_path: Path, cluster: dict[str, Any], api: dict[str, Any] = CONTAINER_API) -> Spec:
    (tmp_path / "cluster.yaml").write_text(yaml.safe_dump(cluster))
    (tmp_path / "cortex.yaml").write_text(yaml.safe_dump([api]))
    return load_spec(tmp_path / "cortex.yaml", cluster_config=tmp_path / "cluster.yaml")


BASE = {
    "region": "us-east-1",
    "node_groups": [{"name": "cpu", "instance_type": "c5.xlarge"}],
}


def test_unset_subnet_visibility_and_iam_policies_are_warned(tmp_path: Path) -> None:
    """cluster_config.go: SubnetVisibility defaults to public (line 591) and IAMPolicyARNs to
    S3 full access (line 78); a pair leaving them unset is told both defaults and the fix."""
    spec = _load(tmp_path, BASE)
    messages = [w.message for w in spec.warnings]
    [visibility] = [m for m in messages if m.startswith("subnet_visibility is not set")]
    assert "Cortex's default was public" in visibility
    assert "private" in visibility
    [policies] = [w for w in spec.warnings if w.message.startswith("iam_policy_arns is not set")]
    assert "AmazonS3FullAccess" in policies.message
    assert policies.hint is not None
    assert "iam_policy_arns: [arn:aws:iam::aws:policy/AmazonS3FullAccess]" in policies.hint


def test_setting_them_silences_the_warnings(tmp_path: Path) -> None:
    """A pair that states both fields gets neither warning."""
    spec = _load(tmp_path, {**BASE, "subnet_visibility": "private", "iam_policy_arns": []})
    assert not [w for w in spec.warnings if "is not set" in w.message]


@pytest.mark.parametrize(
    ("policies", "expected"),
    [
        (None, "iam_policy_arns is not set"),
        (["arn:aws:iam::aws:policy/AmazonS3FullAccess"], "will be attached to the IAM role"),
    ],
)
def test_one_iam_policy_arns_warning_either_way(
    tmp_path: Path, policies: list[str] | None, expected: str
) -> None:
    """A pair gets exactly one iam_policy_arns warning: unset, Cortex's S3 default does not
    apply here; set, the list reaches every API as on Cortex (never both, never neither)."""
    cluster = BASE if policies is None else {**BASE, "iam_policy_arns": policies}
    spec = _load(tmp_path, cluster)
    found = [w for w in spec.warnings if "iam_policy_arns" in w.message]
    assert [expected in w.message for w in found] == [True]
    assert spec.policies_on_every_api is (policies is not None)


def test_nat_gateway_none_alone_follows_cortex_public_default(tmp_path: Path) -> None:
    """cluster_config.go line 624: nat_gateway derives from the visibility, public by
    default; `nat_gateway: none` alone is public nodes, not an error."""
    spec = _load(tmp_path, {**BASE, "nat_gateway": "none"})
    assert spec.cluster.subnet_visibility == "public"
    assert not [w for w in spec.warnings if w.message.startswith("subnet_visibility")]


def test_private_with_nat_none_stays_an_error(tmp_path: Path) -> None:
    """cluster_config.go: private subnets without NAT are still refused."""
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, {**BASE, "nat_gateway": "none", "subnet_visibility": "private"})
    assert "a nat gateway is required" in caught.value.problems[0].message


def test_container_memory_limit_is_warned(tmp_path: Path) -> None:
    """pkg/workloads/k8s.go line 348: Cortex set mem as a request only; here it is also the
    limit, which the pair is told."""
    api = {
        **CONTAINER_API,
        "pod": {
            "containers": [{"name": "api", "image": "example.com/api:1", "compute": {"mem": "1Gi"}}]
        },
    }
    spec = _load(tmp_path, BASE, api)
    [warning] = [w for w in spec.warnings if w.path.endswith("compute.mem")]
    assert "without a limit" in warning.message


def test_cortex_neuron_rtd_test_api_is_refused_with_the_neuron_2_reason() -> None:
    """Cortex's own Inferentia test API (test/apis/realtime/image-classifier-resnet50/
    cortex_inf_rtd.yaml, v0.38-v0.42.1) runs a neuron-rtd sidecar that needs hugepages and
    IPC_LOCK (pkg/workloads/k8s.go lines 359-366): refused, naming Neuron 2.x."""
    file = CORPUS / "v0.38.0/test/apis/realtime/image-classifier-resnet50/cortex_inf_rtd.yaml"
    with pytest.raises(SpecError) as caught:
        load_spec(file, cluster_config=NIGHTLY)
    [problem] = caught.value.problems
    assert "neuron-rtd" in problem.message
    assert "Neuron 2.x" in problem.message
