"""Grouping changes by API and node group, and the one-line summary of each group."""

from __future__ import annotations

from offline.diff import diff_graphs
from offline.diff_groups import CLUSTER, Group, Grouper, Names
from offline.diff_report import build_report, summary_line
from tests.offline.diff_fixtures import (
    DEPLOYMENT,
    autoscaler,
    graph,
    node_group,
    resource,
)

NAMES = Names(
    apis=frozenset({"text-embedder", "sentiment", "gpu"}),
    managed={"gpu": "gpu", "gpu-on-demand": "gpu", "cpu": "cpu", "system": "system"},
    target_groups={"demo-sentiment": "sentiment"},
)


def test_api_object_is_grouped_by_its_kubernetes_name() -> None:
    """A Kubernetes object named api-<name> belongs to that API."""
    grouper = Grouper(NAMES, [])
    assert grouper.group(autoscaler("sentiment", 3)) == Group("api", "sentiment")


def test_api_label_and_target_group_name_are_markers() -> None:
    """The cortex.dev/api label, and an API's target group name, place a resource."""
    labelled = resource(
        "x", "kubernetes:core/v1:ConfigMap", {"metadata": {"labels": {"cortex.dev/api": "gpu"}}}
    )
    target = resource("tg", "aws:lb/targetGroup:TargetGroup", {"name": "demo-sentiment"})
    grouper = Grouper(NAMES, [])
    assert grouper.group(labelled) == Group("api", "gpu")
    assert grouper.group(target) == Group("api", "sentiment")


def test_companion_node_group_belongs_to_its_spec_group() -> None:
    """The on-demand companion (`gpu-on-demand`) is grouped under spec group `gpu`."""
    companion = node_group("platform-gpu-on-demand", nodeGroupName="gpu-on-demand", labels={})
    assert Grouper(NAMES, []).group(companion) == Group("node group", "gpu")


def test_child_inherits_the_group_of_its_component() -> None:
    """A resource with no marker of its own belongs where its parent component belongs."""
    component = resource("serving-api-7", "cortex:infra:Api", {"metadata": {}})
    component = resource("serving-sentiment", "cortex:infra:Api")
    child = resource("serving-sentiment-role", "aws:iam/role:Role", {"name": "x"}, parent=component)
    grouper = Grouper(NAMES, [component, child])
    assert grouper.group(child) == Group("api", "sentiment")


def test_logical_name_prefers_the_longest_match() -> None:
    """`platform-gpu-on-demand-lt` is the gpu group via its companion, not an API named gpu."""
    template = resource("platform-gpu-on-demand-lt", "aws:ec2/launchTemplate:LaunchTemplate")
    assert Grouper(NAMES, []).group(template) == Group("node group", "gpu")


def test_resource_without_any_evidence_is_shared() -> None:
    """Everything else (VPC, cluster, add-ons) is in the shared cluster group."""
    vpc = resource("platform-vpc", "aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"})
    assert Grouper(NAMES, []).group(vpc) == CLUSTER


def test_summary_line_names_the_autoscaling_change() -> None:
    """The issue's example: `text-embedder: autoscaling max 20 → 25`."""
    changes = diff_graphs(
        graph(autoscaler("text-embedder", 20)), graph(autoscaler("text-embedder", 25))
    )
    assert summary_line(Group("api", "text-embedder"), changes.changes) == (
        "text-embedder: autoscaling max 20 → 25"
    )


def test_summary_line_of_a_replaced_node_group_says_why() -> None:
    """A replaced node group's line names the replace and the field that forces it."""
    changes = diff_graphs(
        graph(node_group()), graph(node_group(instanceTypes=["g6.xlarge"]))
    ).changes
    assert summary_line(Group("node group", "gpu"), changes) == (
        "node group gpu: replace NodeGroup (instanceTypes); instance types g5.xlarge → g6.xlarge"
    )


def test_summary_line_of_a_new_api_counts_its_resources() -> None:
    """An added API reads `new (N resources to create)`."""
    deployment = resource("serving-x-d", DEPLOYMENT, {"metadata": {"name": "api-x"}})
    changes = diff_graphs(graph(), graph(autoscaler("x", 2), deployment)).changes
    assert summary_line(Group("api", "x"), changes) == "x: new (2 resources to create)"


def test_report_sections_are_apis_then_node_groups_then_cluster() -> None:
    """Sections come in reading order: APIs, node groups, then shared cluster resources."""
    vpc = resource("platform-vpc", "aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"})
    vpc2 = resource("platform-vpc", "aws:ec2/vpc:Vpc", {"cidrBlock": "10.1.0.0/16"})
    base = graph(vpc, node_group(), autoscaler("sentiment", 2))
    head = graph(vpc2, node_group(capacityType="SPOT"), autoscaler("sentiment", 3))
    report = build_report(diff_graphs(base, head), NAMES, title="t")
    assert [s.group for s in report.sections] == [
        Group("api", "sentiment"),
        Group("node group", "gpu"),
        CLUSTER,
    ]


def test_one_api_change_shows_only_that_apis_resources() -> None:
    """A one-field change to one API yields changes in that API's group alone."""
    base = graph(node_group(), autoscaler("sentiment", 2), autoscaler("gpu", 4))
    head = graph(node_group(), autoscaler("sentiment", 3), autoscaler("gpu", 4))
    report = build_report(diff_graphs(base, head), NAMES, title="t")
    assert [s.group for s in report.sections] == [Group("api", "sentiment")]
    assert [c.name for c in report.sections[0].changes] == ["serving-sentiment-hpa"]
