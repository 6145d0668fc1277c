"""Preflight's serving quotas (load balancers, target groups, listeners, IAM roles) read
from a moto server: DescribeAccountLimits and GetAccountSummary, as AWS answers them."""

from __future__ import annotations

from pathlib import Path

import boto3

from cortex_aws import serving_quotas
from cortex_aws.checks import CheckResult
from cortex_aws.session import AwsSession
from cortex_spec import load_spec, naming
from cortex_spec.loader import Spec
from tests.conftest import MotoServer
from tests.infra.serving_fixtures.many_apis import write_spec

TRUST = '{"Version": "2012-10-17", "Statement": []}'


def _with_apis(tmp_path: Path, count: int) -> Spec:
    """A valid spec with `count` APIs (the scale fixture's)."""
    return load_spec(write_spec(tmp_path / f"apis-{count}", count))


def _by_subject(spec: Spec) -> dict[str, CheckResult]:
    facts = serving_quotas.fetch(AwsSession(spec.cluster.region), spec)
    return {r.subject.split(" (")[0]: r for r in serving_quotas.check(spec, facts)}


def test_an_empty_account_has_room(aws: MotoServer, tmp_path: Path) -> None:
    """One load balancer (two while replaced), one target group, two listeners and a role
    per API fit the default quotas that moto reports."""
    results = _by_subject(_with_apis(tmp_path, 3))
    assert set(results) == {
        "load balancers",
        "target groups",
        "listeners per load balancer",
        "IAM roles",
    }
    assert all(r.status == "pass" for r in results.values()), results
    assert "0 in use + 9 for this stack" in results["IAM roles"].reason


def test_too_many_apis_for_the_role_quota_fail_with_the_fix(
    aws: MotoServer, tmp_path: Path
) -> None:
    """1,000 APIs need 1,006 roles: over the default 1,000, a failure naming the fix."""
    roles = _by_subject(_with_apis(tmp_path, 1000))["IAM roles"]
    assert roles.status == "fail"
    assert "over" in roles.reason
    assert roles.hint is not None
    assert "Roles per account" in roles.hint


def test_the_stacks_own_roles_are_not_counted_twice(aws: MotoServer, tmp_path: Path) -> None:
    """Roles already named after this cluster are the stack's own: they are replaced by
    themselves, so only other roles count as in use."""
    spec = _with_apis(tmp_path, 2)
    iam = boto3.client("iam")
    iam.create_role(
        RoleName=naming.iam_role_name(spec.cluster.name, "api-0000"), AssumeRolePolicyDocument=TRUST
    )
    iam.create_role(RoleName="someone-else", AssumeRolePolicyDocument=TRUST)
    roles = _by_subject(spec)["IAM roles"]
    assert "1 in use + 8 for this stack" in roles.reason


def test_load_balancers_in_use_count(aws: MotoServer, tmp_path: Path) -> None:
    """Application load balancers already in the region are counted against the quota."""
    spec = _with_apis(tmp_path, 1)
    ec2 = boto3.client("ec2", region_name=spec.cluster.region)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(["us-west-2a", "us-west-2b"])
    ]
    boto3.client("elbv2", region_name=spec.cluster.region).create_load_balancer(
        Name="existing", Subnets=subnets, Type="application"
    )
    balancers = _by_subject(spec)["load balancers"]
    assert "1 in use + 2 for this stack" in balancers.reason
