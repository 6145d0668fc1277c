"""Preflight against a moto server over HTTP; Stubber only for what moto lacks (EC2 quotas)."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from cortex_aws import preflight
from cortex_aws.checks import CheckResult
from cortex_aws.session import AwsSession
from cortex_spec.errors import ProvisionError
from tests.aws import stubs
from tests.conftest import CheckIp, MotoServer


def _by(results: tuple[CheckResult, ...], check: str) -> list[CheckResult]:
    return [r for r in results if r.check == check]


def test_feasible_spec_passes(aws: MotoServer, tmp_path: Path, checkip: CheckIp) -> None:
    """With room everywhere, and this machine's address allowed, every check passes."""
    spec = stubs.spec_from(tmp_path)
    session = AwsSession(spec.cluster.region)
    stubber = stubs.stub_quotas(session, stubs.AMPLE)
    report = preflight.run(spec, session)
    stubber.assert_no_pending_responses()
    assert report.ok, [r for r in report.results if r.status != "pass"]
    assert [r.check for r in report.results] == [
        "identity",
        "region",
        "eks",
        "existing-cluster",
        *["offerings"] * 4,
        "vcpu-quota",  # standard on-demand: cpu and system
        "vcpu-quota",  # g spot; no g on-demand, the spot mix has no on-demand share
        *["network-quota"] * 4,
        *["serving-quota"] * 4,  # load balancers, target groups, listeners, IAM roles
        "certificate",
        "endpoint-access",
    ]
    assert report.zones == ("us-west-2a", "us-west-2b", "us-west-2c")


def test_inferentia_type_missing_in_a_chosen_zone_fails_by_name(
    aws: MotoServer, tmp_path: Path
) -> None:
    """An Inferentia type not offered in one chosen AZ fails, naming the type and the AZ."""
    text = stubs.FEASIBLE.replace("us-west-2", "us-east-1").replace(
        "instance_type: m6i.large", "instance_type: inf2.xlarge"
    )
    # moto's offerings: inf2.xlarge is in us-east-1 a, b, c, f, not d. The catalog has the
    # same data, so the zones are set after validation, as a stale catalog would allow.
    spec = stubs.spec_from(tmp_path, text, availability_zones=["us-east-1a", "us-east-1d"])
    session = AwsSession("us-east-1")
    stubs.stub_quotas(session, stubs.AMPLE)
    report = preflight.run(spec, session)
    assert not report.ok
    failures = [r for r in report.results if r.status == "fail"]
    assert [(r.check, r.subject) for r in failures] == [("offerings", "inf2.xlarge")]
    assert "inf2.xlarge is not offered in us-east-1d" in failures[0].reason
    assert failures[0].hint is not None
    assert "us-east-1a" in failures[0].hint


def test_default_zones_are_reported_when_none_given(aws: MotoServer, tmp_path: Path) -> None:
    """Without availability_zones, preflight reports the zones that offer every type."""
    spec = stubs.spec_from(tmp_path, availability_zones=None)
    session = AwsSession(spec.cluster.region)
    stubs.stub_quotas(session, stubs.AMPLE)
    report = preflight.run(spec, session)
    [choice] = _by(report.results, "zones")
    assert choice.status == "pass"
    assert "us-west-2a, us-west-2b, us-west-2c" in choice.reason
    assert report.zones == ("us-west-2a", "us-west-2b", "us-west-2c")


def test_spot_gpu_quota_shortfall_fails_with_need_quota_and_link(
    aws: MotoServer, tmp_path: Path
) -> None:
    """Spot G quota below the worst case fails with class, need, quota and console link."""
    spec = stubs.spec_from(tmp_path)
    session = AwsSession(spec.cluster.region)
    stubs.stub_quotas(session, {**stubs.AMPLE, "g/spot": 32.0})
    report = preflight.run(spec, session)
    assert not report.ok
    [failure] = [r for r in report.results if r.status == "fail"]
    assert (failure.check, failure.subject) == ("vcpu-quota", "g spot")
    # 6 spot instances x 8 vCPU (g5.2xlarge and g6.2xlarge both have 8)
    assert "may need up to 48 vCPU" in failure.reason
    assert "L-3819A6DF" in failure.reason
    assert "is 32 vCPU" in failure.reason
    assert failure.hint is not None
    assert "us-west-2.console.aws.amazon.com/servicequotas" in failure.hint
    assert "#!/services/ec2/quotas/L-3819A6DF" in failure.hint


@pytest.mark.parametrize(("quota", "status"), [(16.0, "warn"), (21.0, "warn"), (22.0, "pass")])
def test_quota_that_runs_the_cluster_but_cannot_replace_its_groups_warns(
    aws: MotoServer, tmp_path: Path, quota: float, status: str
) -> None:
    """Standard on-demand needs 16 vCPU to run (cpu 3 x 2, system 5 x 2) and 22 while node
    groups are replaced side by side (+ cpu 1 x 2, system 2 x 2): below 22 is a warning
    naming both figures and the increase to ask for, never a failure."""
    spec = stubs.spec_from(tmp_path)
    session = AwsSession(spec.cluster.region)
    stubs.stub_quotas(session, {**stubs.AMPLE, "standard/ondemand": quota})
    report = preflight.run(spec, session)
    assert report.ok
    [standard] = [r for r in _by(report.results, "vcpu-quota") if r.subject.startswith("standard")]
    assert standard.status == status
    if status == "warn":
        assert "need up to 16 vCPU to run" in standard.reason
        assert "22 vCPU (new groups start at their minimum: cpu: 1 x 2 vCPU" in standard.reason
        assert standard.hint is not None
        assert "request at least 22 vCPU" in standard.hint
        assert "#!/services/ec2/quotas/L-1216C47A" in standard.hint
    else:
        assert "22 while node groups are replaced" in standard.reason


def test_vpc_quota_full_fails(aws: MotoServer, tmp_path: Path) -> None:
    """VPCs in use + the new one above the quota fail, saying by how many."""
    ec2 = boto3.client("ec2", region_name="us-west-2")
    for index in range(4):  # moto's default VPC + 4 = 5 in use
        ec2.create_vpc(CidrBlock=f"10.{index}.0.0/16")
    spec = stubs.spec_from(tmp_path)
    session = AwsSession(spec.cluster.region)
    stubs.stub_quotas(session, stubs.AMPLE, network=5.0)
    report = preflight.run(spec, session)
    [failure] = [r for r in report.results if r.status == "fail"]
    assert failure.subject == "VPCs"
    assert "5 in use + 1 new, quota 5 (L-F678F1CE): 1 over" in failure.reason


def test_service_quotas_missing_api_is_a_warning(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto lacks ListServiceQuotas(ec2) as some regions do: warn, and still check VPC quotas."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    spec = stubs.spec_from(tmp_path)
    report = preflight.run(spec, AwsSession(spec.cluster.region))
    [vcpu] = _by(report.results, "vcpu-quota")
    assert vcpu.status == "warn"
    assert vcpu.reason.startswith("skipped:")
    network = {r.subject: r for r in _by(report.results, "network-quota")}
    assert network["VPCs"].status == "pass"  # moto serves the VPC service's quotas
    assert network["Elastic IPs"].status == "warn"
    assert report.ok


def test_unknown_region_fails_and_skips_the_rest(aws: MotoServer, tmp_path: Path) -> None:
    """A region the account cannot see fails by name; region-scoped checks are skipped."""
    spec = stubs.spec_from(tmp_path, region="xx-nowhere-1")
    report = preflight.run(spec, AwsSession("xx-nowhere-1"))
    [region] = _by(report.results, "region")
    assert region.status == "fail"
    assert "xx-nowhere-1 is not an AWS region this account can see" in region.reason
    later = [r for r in report.results if r.check not in ("identity", "region")]
    assert later
    assert all(r.status == "warn" and "skipped" in r.reason for r in later)


def test_missing_credentials_raise_one_clear_error(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials at all: one ProvisionError with the fix, before any check runs."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    spec = stubs.spec_from(tmp_path)
    with pytest.raises(ProvisionError) as caught:
        preflight.run(spec, AwsSession(spec.cluster.region))
    assert caught.value.message == "no AWS credentials found"
    assert caught.value.hint is not None
    assert "AWS_PROFILE" in caught.value.hint


def test_existing_cluster_not_made_by_cortex_infra_fails(aws: MotoServer, tmp_path: Path) -> None:
    """An EKS cluster with the same name but without the cluster tag blocks the name."""
    boto3.client("eks", region_name="us-west-2").create_cluster(
        name="feasible",
        roleArn="arn:aws:iam::123456789012:role/other",
        resourcesVpcConfig={"subnetIds": []},
    )
    spec = stubs.spec_from(tmp_path)
    session = AwsSession(spec.cluster.region)
    stubs.stub_quotas(session, stubs.AMPLE)
    [existing] = _by(preflight.run(spec, session).results, "existing-cluster")
    assert existing.status == "fail"
    assert "an EKS cluster named feasible already exists" in existing.reason


def test_existing_cluster_of_this_stack_is_a_warning(aws: MotoServer, tmp_path: Path) -> None:
    """The stack's own cluster (tagged cortex.dev/cluster-name) is an update, not a failure."""
    boto3.client("eks", region_name="us-west-2").create_cluster(
        name="feasible",
        roleArn="arn:aws:iam::123456789012:role/cortex",
        resourcesVpcConfig={"subnetIds": []},
        tags={"cortex.dev/cluster-name": "feasible"},
    )
    spec = stubs.spec_from(tmp_path)
    session = AwsSession(spec.cluster.region)
    stubs.stub_quotas(session, stubs.AMPLE)
    report = preflight.run(spec, session)
    [existing] = _by(report.results, "existing-cluster")
    assert existing.status == "warn"
    assert "made by cortex-infra" in existing.reason
    assert report.ok
