"""`cortex-infra get` through the official Kubernetes client against the local fake API
server (tests/kube/fake_api.py; documents in the API reference's shapes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner, Result

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from tests.conftest import EXAMPLES, MotoServer
from tests.kube import documents
from tests.kube.fake_api import Cluster, serving

MIXED = EXAMPLES / "mixed" / "cortex.yaml"
SUFFIX = "20261203100000000012345678"  # naming.NODE_GROUP_SUFFIX: 18 digits, 8 hex
UUID = "0ac7c1b2-5e5f-4c1d-9d3e-1f2a3b4c5d6e"


def cluster() -> Cluster:
    return Cluster(
        deployments=[
            documents.deployment("sentiment", 3),
            documents.deployment("image-classifier", 2),
            documents.deployment("embedder", 0),
        ],
        pods=[
            documents.pod("api-sentiment-7d9f8c6b5-aaaaa", "sentiment"),
            documents.pod("api-sentiment-7d9f8c6b5-bbbbb", "sentiment"),
            documents.crash_looping_pod("api-sentiment-7d9f8c6b5-ccccc", "sentiment", 1, 7),
            documents.pod("api-image-classifier-5c4b-ddddd", "image-classifier"),
            documents.unschedulable_pod(
                "api-image-classifier-5c4b-eeeee", "image-classifier", "nvidia.com/gpu"
            ),
        ],
        nodes=[
            documents.node("ip-10-0-1-10", f"system-{SUFFIX}"),
            documents.node("ip-10-0-1-11", f"system-{SUFFIX}"),
            documents.node("ip-10-0-1-12", f"cpu-{SUFFIX}", ready=False),
            documents.node("ip-10-0-1-13", f"gpu-spot-on-demand-{SUFFIX}"),
        ],
        autoscaler=documents.autoscaler_status(
            [
                (f"eks-gpu-spot-{SUFFIX}-{UUID}", 1, 0, "InProgress"),
                (f"eks-gpu-spot-on-demand-{SUFFIX}-{UUID}", 1, 1, "NoActivity"),
            ]
        ),
        in_flight={"sentiment": 3.0, "image-classifier": 5.0},
    )


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[tuple[Cluster, Path]]:
    state = cluster()
    with serving(state, tmp_path) as kubeconfig:
        yield state, kubeconfig


def _get(kubeconfig: Path, *args: str) -> Result:
    command = ["get", str(MIXED), "--env", "prod", "--kubeconfig", str(kubeconfig), *args]
    return CliRunner().invoke(app, command)


def test_pending_pod_shows_which_resource_is_short(fake: tuple[Cluster, Path]) -> None:
    """A pod no node can take is pending with the scheduler's reason: the GPU is short."""
    result = _get(fake[1], "--json")
    assert result.exit_code == ExitCode.OK, result.output
    apis = {a["api"]: a for a in json.loads(result.stdout)["apis"]}
    classifier = apis["image-classifier"]
    assert (classifier["desired"], classifier["ready"], classifier["pending"]) == (2, 1, 1)
    assert classifier["reasons"][0].startswith(
        "1 pending: unschedulable: insufficient nvidia.com/gpu (0/3 nodes are available"
    )


def test_crash_loop_shows_the_last_exit(fake: tuple[Cluster, Path]) -> None:
    """A container in CrashLoopBackOff counts as failed, with its last exit and restarts."""
    result = _get(fake[1], "--json")
    sentiment = next(a for a in json.loads(result.stdout)["apis"] if a["api"] == "sentiment")
    assert (sentiment["desired"], sentiment["ready"], sentiment["failed"]) == (3, 2, 1)
    assert sentiment["reasons"] == [
        "1 failed: crash loop in api: last exit code 1 (Error) at 2026-12-03T10:04:02Z; 7 restarts"
    ]
    assert sentiment["in_flight"] == 3.0
    assert sentiment["url"] == "https://api.example.com/sentiment"


def test_node_groups_show_nodes_and_pending_scale_ups(fake: tuple[Cluster, Path]) -> None:
    """Nodes per managed group (ready or not) and cluster-autoscaler's unarrived nodes."""
    result = _get(fake[1], "--json")
    groups = {g["name"]: g for g in json.loads(result.stdout)["node_groups"]}
    assert list(groups)[:2] == ["system", "cpu"]
    assert (groups["system"]["nodes"], groups["system"]["ready"]) == (2, 2)
    assert (groups["cpu"]["nodes"], groups["cpu"]["ready"]) == (1, 0)
    assert groups["gpu-spot"]["pending_scale_up"] == 1
    assert groups["gpu-spot"]["scale_up"] == "InProgress"
    assert groups["gpu-spot-on-demand"]["pending_scale_up"] == 0
    assert groups["inf2"]["pending_scale_up"] is None


def test_text_lists_apis_then_node_groups(fake: tuple[Cluster, Path]) -> None:
    """The text shows one row per API with its reasons below, then the node groups."""
    result = _get(fake[1])
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["API", "DESIRED", "READY", "PENDING", "FAILED", "IN-FLIGHT", "URL"]
    assert lines[1].split()[:6] == ["sentiment", "3", "2", "0", "1", "3"]
    assert any(line.startswith("  image-classifier: 1 pending: unschedulable") for line in lines)
    at = next(i for i, line in enumerate(lines) if line.startswith("NODE GROUP"))
    assert lines[at + 1].split()[:3] == ["system", "2", "2"]


def test_without_prometheus_in_flight_is_unknown(tmp_path: Path) -> None:
    """No Prometheus answer: in-flight is unknown (null), said in a note, not an error."""
    state = cluster()
    state.in_flight = None
    with serving(state, tmp_path) as kubeconfig:
        result = _get(kubeconfig, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert {a["in_flight"] for a in document["apis"]} == {None}
    assert document["notes"][0].startswith("in-flight requests unknown")


def test_refused_credentials_are_a_cloud_error(tmp_path: Path) -> None:
    """A token the API server refuses: exit 3 naming the server and HTTP 401, no traceback."""
    with serving(cluster(), tmp_path) as kubeconfig:
        kubeconfig.write_text(kubeconfig.read_text().replace("fake-token", "wrong"))
        result = _get(kubeconfig)
    assert result.exit_code == ExitCode.CLOUD_ERROR
    assert "HTTP 401" in result.stderr
    assert "Traceback" not in result.output


def test_the_stack_kubeconfig_comes_from_the_live_cluster(aws: MotoServer) -> None:
    """Without --kubeconfig: the stack's own kubeconfig (infra/kubeconfig.py), for the live
    cluster's endpoint and CA, authenticating with `aws eks get-token` for that cluster."""
    from cortex_cli.kube_access import stack_kubeconfig
    from cortex_spec import load_spec

    spec = load_spec(MIXED, environment="prod")
    eks = boto3.client("eks", region_name="us-west-2")
    eks.create_cluster(
        name="mixed-prod",
        roleArn="arn:aws:iam::123456789012:role/eks",
        resourcesVpcConfig={"subnetIds": []},
    )
    live = eks.describe_cluster(name="mixed-prod")["cluster"]
    document = stack_kubeconfig(spec)
    assert document["clusters"][0]["cluster"]["server"] == live["endpoint"]
    exec_ = document["users"][0]["user"]["exec"]
    assert exec_["command"] == "aws"
    assert exec_["args"][:4] == ["eks", "get-token", "--cluster-name", "mixed-prod"]


def test_an_undeployed_cluster_is_a_clear_cloud_error(aws: MotoServer) -> None:
    """No such EKS cluster: exit 3 saying it is not deployed, before any Kubernetes call."""
    result = CliRunner().invoke(app, ["get", str(MIXED), "--env", "prod"])
    assert result.exit_code == ExitCode.CLOUD_ERROR
    assert "EKS cluster mixed-prod does not exist in us-west-2: not deployed" in result.stderr


def test_without_a_domain_urls_are_on_the_live_load_balancer(aws: MotoServer) -> None:
    """No cluster.domain: the URL is on the stack's load balancer as AWS names it (found by
    its cortex.dev tags), not a placeholder."""
    from cortex_cli.commands.get import _urls
    from cortex_spec import load_spec, naming

    spec = load_spec(MIXED, environment="dev")
    ec2 = boto3.client("ec2", region_name="us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(("us-west-2a", "us-west-2b"))
    ]
    balancer = boto3.client("elbv2", region_name="us-west-2").create_load_balancer(
        Name="serving-lb-alb-0abc12",
        Subnets=subnets,
        Type="application",
        Tags=[
            {"Key": naming.CLUSTER_TAG, "Value": "mixed-dev"},
            {"Key": naming.LOAD_BALANCER_TAG, "Value": "api"},
        ],
    )["LoadBalancers"][0]
    urls = _urls(spec, live=True)
    assert urls["sentiment"] == f"http://{balancer['DNSName']}/sentiment"
    assert _urls(spec, live=False)["sentiment"] == "http://<load balancer DNS name>/sentiment"
