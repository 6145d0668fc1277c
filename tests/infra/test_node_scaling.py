"""NodeGroupScaling's provider against the moto server (EKS DescribeNodegroup and
UpdateNodegroupConfig, Auto Scaling for the live desired size); botocore's Stubber only for
DescribeUpdate, which moto lacks (its updates finish at once)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import strategies as st
from pulumi.dynamic.dynamic import serialize_provider

from cortex_spec.errors import ProvisionError
from infra.node_scaling import NodeGroupScalingProvider, Target, apply, clamp
from offline.graph import DYNAMIC_PROVIDER_KEY
from tests.conftest import MotoServer

REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/shop-node"
GROUP = "cpu-20261123101500123400000001"


def make_group(minimum: int, maximum: int, desired: int) -> dict[str, Any]:
    """A cluster and a node group in moto; the props the program would send for it."""
    eks = boto3.client("eks", region_name=REGION)
    eks.create_cluster(name="shop", roleArn=ROLE, resourcesVpcConfig={"subnetIds": []})
    eks.create_nodegroup(
        clusterName="shop",
        nodegroupName=GROUP,
        nodeRole=ROLE,
        subnets=["subnet-0123456789abcdef0"],
        scalingConfig={"minSize": minimum, "maxSize": maximum, "desiredSize": desired},
    )
    return {"region": REGION, "clusterName": "shop", "nodegroupName": GROUP}


def live() -> dict[str, int]:
    eks = boto3.client("eks", region_name=REGION)
    found = eks.describe_nodegroup(clusterName="shop", nodegroupName=GROUP)["nodegroup"]
    scaling = found["scalingConfig"]
    return {k: int(scaling[k]) for k in ("minSize", "maxSize", "desiredSize")}


def autoscaler_sets_desired(capacity: int) -> None:
    """What the cluster-autoscaler does: SetDesiredCapacity on the group's ASG (EKS's own
    copy of the desired size lags behind)."""
    eks = boto3.client("eks", region_name=REGION)
    found = eks.describe_nodegroup(clusterName="shop", nodegroupName=GROUP)["nodegroup"]
    name = found["resources"]["autoScalingGroups"][0]["name"]
    ec2 = boto3.client("ec2", region_name=REGION)
    template = ec2.create_launch_template(
        LaunchTemplateName="nodes", LaunchTemplateData={"ImageId": "ami-12c6146b"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template},
        MinSize=0,
        MaxSize=20,
        DesiredCapacity=capacity,
        AvailabilityZones=[f"{REGION}a"],
    )


def test_create_of_a_fresh_group_changes_nothing(aws: MotoServer) -> None:
    """Right after the group's creation its sizes already match: no update is sent."""
    props = make_group(1, 5, 1)
    created = NodeGroupScalingProvider().create({**props, "minSize": 1.0, "maxSize": 5.0})
    assert created.id == f"shop/{GROUP}"
    assert created.outs == {**props, "minSize": 1, "maxSize": 5, "desiredSize": 1}
    assert live() == {"minSize": 1, "maxSize": 5, "desiredSize": 1}


def test_raising_min_above_the_live_desired_size_raises_desired_with_it(aws: MotoServer) -> None:
    """min 1 → 3 with 1 node: desired becomes 3 (EKS refuses min > desired)."""
    props = make_group(1, 5, 1)
    result = NodeGroupScalingProvider().update("id", {}, {**props, "minSize": 3, "maxSize": 5})
    assert live() == {"minSize": 3, "maxSize": 5, "desiredSize": 3}
    assert result.outs is not None
    assert result.outs["desiredSize"] == 3


def test_lowering_max_below_the_live_desired_size_lowers_desired_to_it(aws: MotoServer) -> None:
    """max 8 → 3 with 6 nodes: desired becomes 3, the fewest nodes removed."""
    props = make_group(1, 8, 6)
    NodeGroupScalingProvider().update("id", {}, {**props, "minSize": 1, "maxSize": 3})
    assert live() == {"minSize": 1, "maxSize": 3, "desiredSize": 3}


def test_a_max_change_keeps_the_nodes_the_autoscaler_added(aws: MotoServer) -> None:
    """The autoscaler grew the ASG to 4 while EKS still says 1: max 5 → 8 keeps 4 nodes."""
    props = make_group(1, 5, 1)
    autoscaler_sets_desired(4)
    NodeGroupScalingProvider().update("id", {}, {**props, "minSize": 1, "maxSize": 8})
    assert live() == {"minSize": 1, "maxSize": 8, "desiredSize": 4}


def test_read_reports_the_live_sizes_and_a_gone_group_as_gone(aws: MotoServer) -> None:
    """Refresh sees drift in min/max; a deleted group reads as missing, not as an error."""
    props = make_group(2, 6, 3)
    read = NodeGroupScalingProvider().read(f"shop/{GROUP}", {**props, "minSize": 1, "maxSize": 5})
    assert read.id == f"shop/{GROUP}"
    assert read.outs == {**props, "minSize": 2, "maxSize": 6, "desiredSize": 3}
    boto3.client("eks", region_name=REGION).delete_nodegroup(
        clusterName="shop", nodegroupName=GROUP
    )
    assert (
        NodeGroupScalingProvider().read(f"shop/{GROUP}", {**props, "minSize": 1, "maxSize": 5}).id
        == ""
    )


OLD = {
    "region": REGION,
    "clusterName": "shop",
    "nodegroupName": GROUP,
    "minSize": 1,
    "maxSize": 5,
    "desiredSize": 3,
    DYNAMIC_PROVIDER_KEY: "[pickled]",
}


@pytest.mark.parametrize(
    ("change", "changes", "replaces"),
    [
        ({}, False, []),
        ({DYNAMIC_PROVIDER_KEY: "[another pickle]"}, False, []),
        ({"desiredSize": 9}, False, []),
        ({"maxSize": 8}, True, []),
        ({"minSize": 0}, True, []),
        ({"nodegroupName": "cpu-20270101000000000000000002"}, True, ["nodegroupName"]),
        ({"region": "eu-west-1"}, True, ["region"]),
    ],
)
def test_diff_shows_min_and_max_only(
    change: dict[str, Any], changes: bool, replaces: list[str]
) -> None:
    """Only min and max update it; another node group (a replaced one) replaces it; its
    pickled provider and the autoscaler's desired size never count."""
    news = {k: v for k, v in {**OLD, **change}.items() if k != "desiredSize"}
    result = NodeGroupScalingProvider().diff("id", OLD, news)
    assert (result.changes, result.replaces, result.delete_before_replace) == (
        changes,
        replaces,
        False,
    )


def test_provider_pickles_by_reference_for_the_dynamic_provider_process() -> None:
    """Pulumi pickles the provider into the resource's inputs and a separate process loads
    it: it must be a reference to this module (nothing captured), loadable afresh."""
    serialized = serialize_provider(NodeGroupScalingProvider())
    assert len(serialized) < 200
    script = (
        "import base64, sys, dill; "
        f"p = dill.loads(base64.b64decode('{serialized}')); "
        "print(type(p).__module__, type(p).__name__)"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.split() == ["infra.node_scaling", "NodeGroupScalingProvider"]


def test_check_rejects_an_impossible_range() -> None:
    """min <= max and max >= 1, as EKS requires; unknown values pass until known."""
    provider = NodeGroupScalingProvider()
    assert provider.check({}, {"minSize": 2.0, "maxSize": 5.0}).failures == []
    assert provider.check({}, {"minSize": "[unknown]", "maxSize": 5.0}).failures == []
    [failure] = provider.check({}, {"minSize": 6.0, "maxSize": 5.0}).failures
    assert "min (6) <= max (5)" in failure.reason


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 500))
def test_clamp_stays_in_range_and_moves_only_when_it_must(
    desired: int, low: int, high: int
) -> None:
    """min <= clamp <= max; a desired size inside the range is kept as it is."""
    low = min(low, high)
    result = clamp(desired, low, high)
    assert low <= result <= high
    assert (result == desired) == (low <= desired <= high)


def _stubbed(update: dict[str, Any], *polls: dict[str, Any]) -> tuple[Any, Stubber]:
    eks = boto3.client("eks", region_name=REGION)
    stubber = Stubber(eks)
    group = {
        "nodegroupName": GROUP,
        "scalingConfig": {"minSize": 1, "maxSize": 5, "desiredSize": 2},
        "resources": {"autoScalingGroups": []},
    }
    stubber.add_response("describe_nodegroup", {"nodegroup": group})
    stubber.add_response("update_nodegroup_config", {"update": update})
    for poll in polls:
        stubber.add_response("describe_update", {"update": poll})
    stubber.activate()
    return eks, stubber


def test_apply_waits_for_the_update_to_succeed() -> None:
    """InProgress is polled with DescribeUpdate until Successful."""
    eks, stubber = _stubbed(
        {"id": "u1", "status": "InProgress"},
        {"id": "u1", "status": "InProgress"},
        {"id": "u1", "status": "Successful"},
    )
    target = Target(REGION, "shop", GROUP, 1, 8)
    sizes = apply(target, eks, boto3.client("autoscaling", region_name=REGION), poll_seconds=0)
    assert sizes == {"minSize": 1, "maxSize": 8, "desiredSize": 2}
    stubber.assert_no_pending_responses()


def test_a_failed_update_is_an_error_with_its_reason() -> None:
    """Failed (or Cancelled) raises with EKS's error codes and messages."""
    failed = {
        "id": "u2",
        "status": "Failed",
        "errors": [{"errorCode": "AccessDenied", "errorMessage": "no autoscaling:Update"}],
    }
    eks, _ = _stubbed({"id": "u2", "status": "InProgress"}, failed)
    target = Target(REGION, "shop", GROUP, 2, 5)
    with pytest.raises(ProvisionError, match="ended Failed: AccessDenied: no autoscaling:Update"):
        apply(target, eks, boto3.client("autoscaling", region_name=REGION), poll_seconds=0)
