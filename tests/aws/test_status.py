"""Status against moto over HTTP; Stubber where moto has no data (health issues, failed
scaling activities: moto's DescribeScalingActivities always answers an empty list)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from mypy_boto3_elbv2.type_defs import TagTypeDef

from cortex_aws import status
from cortex_aws.session import AwsSession
from cortex_spec import naming
from cortex_spec.errors import ProvisionError
from tests.aws import stubs
from tests.conftest import MotoServer

SHOP = """
cluster:
  name: shop
  region: us-west-2
  node_groups:
    - name: cpu
      instance_type: m6i.large
      min_instances: 1
      max_instances: 3
apis:
  - name: echo
    kind: RealtimeAPI
    pod:
      port: 8080
      containers:
        - name: api
          image: public.ecr.aws/docker/library/nginx:1.27
          compute: {cpu: 200m, mem: 128Mi}
    networking: {endpoint: /echo}
"""
ROLE = "arn:aws:iam::123456789012:role/shop"
# Pulumi names the ALB (logical name and a random suffix); status finds it by its tags.
ALB_NAME = "serving-lb-alb-9f8e7d6"


# Node group names as the program makes them: `<group>-` plus the provider's suffix.
CPU = "cpu-20261123101500123400000001"
SYSTEM = "system-20261123101500123400000002"


def deploy_in_moto(groups: tuple[str, ...] = (CPU, SYSTEM)) -> str:
    """What the stack would have made: cluster, node groups, the ALB and the router's target
    group behind its listener."""
    eks = boto3.client("eks", region_name="us-west-2")
    eks.create_cluster(
        name="shop",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": []},
        tags={naming.CLUSTER_TAG: "shop"},
    )
    sizes = {"cpu": (1, 3, 1), "system": (2, 5, 2)}
    for group in groups:
        low, high, desired = sizes.get(group.split("-")[0], (1, 3, 1))
        eks.create_nodegroup(
            clusterName="shop",
            nodegroupName=group,
            nodeRole=ROLE,
            subnets=["subnet-0123456789abcdef0"],
            scalingConfig={"minSize": low, "maxSize": high, "desiredSize": desired},
            capacityType="ON_DEMAND",
        )
    ec2 = boto3.client("ec2", region_name="us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(("us-west-2a", "us-west-2b"))
    ]
    elbv2 = boto3.client("elbv2", region_name="us-west-2")
    tags: list[TagTypeDef] = [
        {"Key": naming.CLUSTER_TAG, "Value": "shop"},
        {"Key": naming.LOAD_BALANCER_TAG, "Value": "api"},
    ]
    # Another cluster's load balancer in the same account: never reported.
    elbv2.create_load_balancer(
        Name="serving-lb-alb-0other0",
        Subnets=subnets,
        Type="application",
        Tags=[{"Key": naming.CLUSTER_TAG, "Value": "other"}, tags[1]],
    )
    balancer = elbv2.create_load_balancer(
        Name=ALB_NAME, Subnets=subnets, Type="application", Tags=tags
    )["LoadBalancers"][0]
    router_group = elbv2.create_target_group(
        Name="serving-lb-router-tg-0abc12", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]
    elbv2.create_listener(
        LoadBalancerArn=balancer["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": router_group["TargetGroupArn"]}],
    )
    return str(balancer["DNSName"])


def test_undeployed_cluster_is_reported_not_deployed(aws: MotoServer, tmp_path: Path) -> None:
    """No EKS cluster of that name: "not deployed", no error."""
    spec = stubs.spec_from(tmp_path, SHOP)
    found = status.status(spec, AwsSession("us-west-2"))
    assert found.deployed is False
    assert found.to_dict()["node_groups"] == ()


def test_deployed_cluster_reports_groups_balancer_and_endpoints(
    aws: MotoServer, tmp_path: Path
) -> None:
    """State and version, node group sizes in spec order, the ALB found by its tags with the
    router's targets, and each API's URL."""
    dns = deploy_in_moto()
    spec = stubs.spec_from(tmp_path, SHOP)
    found = status.status(spec, AwsSession("us-west-2"))
    assert (found.deployed, found.state) == (True, "ACTIVE")
    assert found.version
    sizes = [(g.group, g.name, g.desired, g.minimum, g.maximum, g.found) for g in found.node_groups]
    assert sizes == [("cpu", CPU, 1, 1, 3, True), ("system", SYSTEM, 2, 2, 5, True)]
    assert found.load_balancer is not None
    balancer = found.load_balancer
    assert (balancer.found, balancer.name, balancer.dns_name) == (True, ALB_NAME, dns)
    assert (balancer.healthy, balancer.targets) == (0, 0)
    [api] = found.apis
    assert api.url == f"http://{dns}/echo"
    assert found.notes == ()


def test_urls_are_on_the_domain_when_there_is_one(aws: MotoServer, tmp_path: Path) -> None:
    """With `cluster.domain`, every URL is https on the domain, whatever the ALB's name."""
    deploy_in_moto()
    spec = stubs.spec_from(tmp_path, SHOP, domain="api.shop.example.com")
    found = status.status(spec, AwsSession("us-west-2"))
    assert [a.url for a in found.apis] == ["https://api.shop.example.com/echo"]
    assert found.load_balancer is not None
    assert found.load_balancer.domain == "api.shop.example.com"


def test_no_load_balancer_yet_is_a_note_not_an_error(aws: MotoServer, tmp_path: Path) -> None:
    """A cluster whose load balancer does not exist (yet): URLs unknown, said so."""
    boto3.client("eks", region_name="us-west-2").create_cluster(
        name="shop",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": []},
        tags={naming.CLUSTER_TAG: "shop"},
    )
    found = status.status(stubs.spec_from(tmp_path, SHOP), AwsSession("us-west-2"))
    assert found.load_balancer is not None
    assert found.load_balancer.found is False
    assert [(a.url, a.note) for a in found.apis] == [(None, "no load balancer yet")]


def test_missing_node_group_is_listed(aws: MotoServer, tmp_path: Path) -> None:
    """A managed group the spec expects but EKS lacks is shown as missing."""
    deploy_in_moto(groups=(CPU,))
    spec = stubs.spec_from(tmp_path, SHOP)
    found = status.status(spec, AwsSession("us-west-2"))
    missing = [g.name for g in found.node_groups if not g.found]
    assert missing == ["system"]


def test_a_group_being_replaced_shows_old_and_new_node_group(
    aws: MotoServer, tmp_path: Path
) -> None:
    """During a create-before-delete replacement both node groups of `cpu` are listed, in
    spec order; a group made before names had a suffix (`system`) still counts as the
    spec's; a group of nobody's is listed last, as not in the spec."""
    replacement = "cpu-20270101000000000000000009"
    deploy_in_moto(groups=(CPU, "system", replacement, "cpu2-20261123101500123400000003"))
    found = status.status(stubs.spec_from(tmp_path, SHOP), AwsSession("us-west-2"))
    rows = [(g.name, g.group, g.in_spec) for g in found.node_groups]
    assert rows == [
        (CPU, "cpu", True),
        (replacement, "cpu", True),
        ("system", "system", True),
        ("cpu2-20261123101500123400000003", "", False),
    ]


def _activity(asg: str) -> dict[str, Any]:
    start = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
    return {
        "ActivityId": "5e1b8b4a-0000-4000-8000-000000000001",
        "AutoScalingGroupName": asg,
        "Description": "Launching a new EC2 instance.  Status Reason: capacity",
        "Cause": "At 2026-11-23T10:00:00Z an instance was started in response to a difference "
        "between desired and actual capacity, increasing the capacity from 0 to 1.",
        "StartTime": start,
        "EndTime": start,
        "StatusCode": "Failed",
        "StatusMessage": "We currently do not have sufficient g5.2xlarge capacity in the "
        "Availability Zone you requested (us-west-2a).",
        "Progress": 100,
    }


def test_health_issues_and_failed_scaling_are_reported(aws: MotoServer, tmp_path: Path) -> None:
    """A group's health issues and its ASG's failed scaling activity (the GPU reason) show."""
    session = AwsSession("us-west-2")
    eks = boto3.client("eks", region_name="us-west-2")
    eks_stub = Stubber(eks)
    eks_stub.add_response(
        "describe_cluster",
        {"cluster": {"name": "shop", "status": "ACTIVE", "version": "1.35"}},
        {"name": "shop"},
    )
    eks_stub.add_response("list_nodegroups", {"nodegroups": ["cpu"]}, {"clusterName": "shop"})
    node = {
        "nodegroupName": "cpu",
        "status": "DEGRADED",
        "capacityType": "ON_DEMAND",
        "instanceTypes": ["m6i.large"],
        "scalingConfig": {"minSize": 1, "maxSize": 3, "desiredSize": 2},
        "health": {
            "issues": [
                {
                    "code": "AsgInstanceLaunchFailures",
                    "message": "Could not launch On-Demand Instances.",
                    "resourceIds": ["eks-cpu-asg"],
                }
            ]
        },
        "resources": {"autoScalingGroups": [{"name": "eks-cpu-asg"}]},
    }
    eks_stub.add_response(
        "describe_nodegroup", {"nodegroup": node}, {"clusterName": "shop", "nodegroupName": "cpu"}
    )
    eks_stub.activate()
    session.install("eks", eks)
    autoscaling = boto3.client("autoscaling", region_name="us-west-2")
    asg_stub = Stubber(autoscaling)
    asg_stub.add_response(
        "describe_scaling_activities",
        {"Activities": [_activity("eks-cpu-asg")]},
        {"AutoScalingGroupName": "eks-cpu-asg", "MaxRecords": ANY},
    )
    asg_stub.activate()
    session.install("autoscaling", autoscaling)
    found = status.status(stubs.spec_from(tmp_path, SHOP), session)
    cpu = found.node_groups[0]
    assert (cpu.name, cpu.status, cpu.desired) == ("cpu", "DEGRADED", 2)
    assert cpu.issues == ("AsgInstanceLaunchFailures: Could not launch On-Demand Instances.",)
    [failure] = cpu.failed_scaling
    assert failure.status == "Failed"
    assert "sufficient g5.2xlarge capacity" in failure.cause
    eks_stub.assert_no_pending_responses()
    asg_stub.assert_no_pending_responses()


def test_access_denied_on_the_cluster_is_a_provision_error(aws: MotoServer, tmp_path: Path) -> None:
    """Without eks:DescribeCluster, status cannot tell anything: one clear error."""
    session = AwsSession("us-west-2")
    eks = boto3.client("eks", region_name="us-west-2")
    stubber = Stubber(eks)
    stubber.add_client_error(
        "describe_cluster", service_error_code="AccessDeniedException", http_status_code=403
    )
    stubber.activate()
    session.install("eks", eks)
    with pytest.raises(ProvisionError) as caught:
        status.status(stubs.spec_from(tmp_path, SHOP), session)
    assert "access denied" in caught.value.message
    assert caught.value.code == "AccessDeniedException"
