"""Node group rules: one managed group per spec group, AMI, launch template, taints, spot,
names that let a replacement exist beside the old group, the version, scaling ownership and
the cluster-autoscaler's scale-from-zero tags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cortex_spec import naming
from cortex_spec.node_profiles import root_volume
from infra.node_groups import SCALING_CONFIG
from infra.node_scaling import TYPE as SCALING
from offline import engine, mock_cloud, mock_outputs
from offline.graph import PlanGraph
from tests.conftest import EXAMPLES, REPO
from tests.infra.conftest import Planner, node_group, one

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
TAG = "aws:autoscaling/tag:Tag"
ALL_PLANS = [("cpu", None), ("gpu-spot", None), ("inferentia", None), ("mixed", "prod")]


def _names(plan: Planner, spec: str, env: str | None = None) -> list[str]:
    return sorted(
        r.inputs["nodeGroupNamePrefix"].removesuffix("-")
        for r in plan(spec, env).by_type(NODE_GROUP)
    )


def test_one_managed_group_per_spec_group_plus_companion_and_system(plan: Planner) -> None:
    """A managed group per spec group, a companion when spot asks for one, and system."""
    assert _names(plan, "cpu") == ["cpu", "system"]
    assert _names(plan, "gpu-spot") == ["gpu", "system"]
    assert _names(plan, "mixed", "prod") == [
        "cpu",
        "gpu-spot",
        "gpu-spot-on-demand",
        "inf2",
        "system",
    ]


@pytest.mark.parametrize(("spec", "env"), ALL_PLANS)
def test_no_fixed_physical_names_and_no_delete_before_replace(
    plan: Planner, spec: str, env: str | None
) -> None:
    """Node groups and launch templates are named from prefixes and replaced create-first."""
    graph = plan(spec, env)
    for resource in [*graph.by_type(NODE_GROUP), *graph.by_type(TEMPLATE)]:
        assert "deleteBeforeReplace" not in resource.options, resource.name
        assert "name" not in resource.inputs
        assert "nodeGroupName" not in resource.inputs
    for group in graph.by_type(NODE_GROUP):
        prefix = group.inputs["nodeGroupNamePrefix"]
        # terraform-provider-aws: a prefix of at most 63 - 26 characters.
        assert prefix.endswith("-")
        assert len(prefix) <= naming.NODE_GROUP_PREFIX_MAX
    for template in graph.by_type(TEMPLATE):
        assert template.inputs["namePrefix"].startswith(f"{graph.outputs['cluster_name']}-")


def test_the_longest_group_names_fit_the_prefix_limit() -> None:
    """A 26-character spec group's companion (`-on-demand`) still fits 37 characters."""
    longest = "a" * 26 + "-on-demand"
    assert len(naming.node_group_prefix(longest)) == naming.NODE_GROUP_PREFIX_MAX
    with pytest.raises(ValueError, match="longer than"):
        naming.node_group_prefix(longest + "x")
    assert naming.managed_group_of(longest + "-20261123101500123400000001") == longest
    assert naming.managed_group_of(longest) is None


def test_ami_type_follows_the_instance_type(plan: Planner) -> None:
    """CPU, NVIDIA and Neuron groups get the AL2023 standard, NVIDIA and Neuron AMI types."""
    graph = plan("mixed", "prod")
    assert node_group(graph, "cpu").inputs["amiType"] == "AL2023_x86_64_STANDARD"
    assert node_group(graph, "gpu-spot").inputs["amiType"] == "AL2023_x86_64_NVIDIA"
    assert node_group(graph, "inf2").inputs["amiType"] == "AL2023_x86_64_NEURON"


def test_launch_template_requires_imdsv2_and_encrypts_the_root_volume(plan: Planner) -> None:
    """Each launch template: IMDSv2 required, hop limit <= 2, encrypted root volume as given."""
    graph = plan("mixed", "prod")
    templates = graph.by_type(TEMPLATE)
    assert len(templates) == len(graph.by_type(NODE_GROUP))
    for template in templates:
        metadata = template.inputs["metadataOptions"]
        assert metadata["httpTokens"] == "required"
        assert metadata["httpPutResponseHopLimit"] <= 2
        assert template.inputs["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"
        # No image id: EKS picks the AMI of the group's version (and rolls it on upgrades).
        assert "imageId" not in template.inputs
    gpu = one(graph, TEMPLATE, "platform-nodes-gpu-spot-lt").inputs
    assert gpu["blockDeviceMappings"][0]["ebs"] == {
        "deleteOnTermination": "true",
        "encrypted": "true",
        "iops": 3000,
        "throughput": 125,
        "volumeSize": 100,
        "volumeType": "gp3",
    }
    kinds = [spec["resourceType"] for spec in gpu["tagSpecifications"]]
    assert kinds == ["instance", "volume", "network-interface"]
    assert gpu["tagSpecifications"][0]["tags"]["cortex.dev/cluster-name"] == "mixed-prod"
    assert node_group(graph, "gpu-spot").inputs["launchTemplate"]["version"] == "1"


def test_root_volume_defaults_follow_cortex() -> None:
    """gp3 defaults to 3000 IOPS / 125 MB/s, io1 to min(50 x size, 3000) IOPS, gp2 to neither."""
    assert root_volume(50, "gp3", None, None) == root_volume(50, "gp3", 3000, 125)
    assert root_volume(40, "io1", None, None).iops == 2000
    assert root_volume(100, "io1", None, None).iops == 3000
    gp2 = root_volume(50, "gp2", None, None)
    assert (gp2.iops, gp2.throughput) == (None, None)


def test_labels_and_accelerator_taints(plan: Planner) -> None:
    """Groups carry cortex.dev labels; GPU and Neuron groups carry their NO_SCHEDULE taints."""
    graph = plan("mixed", "prod")
    cpu = node_group(graph, "cpu").inputs
    assert cpu["labels"]["cortex.dev/node-group"] == "cpu"
    assert "taints" not in cpu or cpu["taints"] == []
    gpu = node_group(graph, "gpu-spot").inputs
    assert gpu["labels"]["cortex.dev/accelerator"] == "nvidia"
    assert gpu["taints"] == [{"effect": "NO_SCHEDULE", "key": "nvidia.com/gpu", "value": "true"}]
    inf = node_group(graph, "inf2").inputs
    assert inf["labels"]["cortex.dev/accelerator"] == "neuron"
    assert inf["taints"] == [
        {"effect": "NO_SCHEDULE", "key": "aws.amazon.com/neuron", "value": "true"}
    ]
    system = node_group(graph, "system").inputs
    assert system.get("taints") in (None, [])
    assert system["capacityType"] == "ON_DEMAND"


def test_on_demand_type_lives_in_the_template_and_spot_types_on_the_group(
    plan: Planner,
) -> None:
    """On-demand: one type in the launch template, none on the group (a type change is a
    new template version, rolled out in place); spot: the distribution on the group only."""
    graph = plan("mixed", "prod")
    spot = node_group(graph, "gpu-spot").inputs
    assert spot["capacityType"] == "SPOT"
    assert spot["instanceTypes"] == ["g5.2xlarge", "g6.2xlarge"]
    assert "instanceType" not in one(graph, TEMPLATE, "platform-nodes-gpu-spot-lt").inputs
    for group, kind in (("gpu-spot-on-demand", "g5.2xlarge"), ("cpu", "m6i.xlarge")):
        assert "instanceTypes" not in node_group(graph, group).inputs
        template = one(graph, TEMPLATE, f"platform-nodes-{group}-lt")
        assert template.inputs["instanceType"] == kind
        assert node_group(graph, group).inputs["capacityType"] == "ON_DEMAND"
    dev = plan("mixed", "dev")
    assert _names(plan, "mixed", "dev") == ["cpu", "gpu-spot", "inf2", "system"]
    assert dev.outputs["node_groups"]["cpu"]["instance_types"] == ["m6i.xlarge"]


def _scaling(graph: PlanGraph, group: str) -> dict[str, object]:
    return one(graph, SCALING, f"platform-nodes-{group}-scaling").inputs


def test_sizes_at_creation_then_owned_by_the_scaling_resource(plan: Planner) -> None:
    """The group takes min/max/desired=min at creation and ignores scalingConfig; a
    NodeGroupScaling of exactly (region, cluster, node group, min, max) owns min and max."""
    graph = plan("mixed", "prod")
    for resource in graph.by_type(NODE_GROUP):
        assert resource.options["ignoreChanges"] == [SCALING_CONFIG]
    # prod: min 2, max 12, base 2, 25% above base: on-demand 2..5, spot 0..7.
    companion = node_group(graph, "gpu-spot-on-demand")
    assert companion.inputs["scalingConfig"] == {"desiredSize": 2, "maxSize": 5, "minSize": 2}
    assert node_group(graph, "gpu-spot").inputs["scalingConfig"]["maxSize"] == 7
    scaling = one(graph, SCALING, "platform-nodes-gpu-spot-on-demand-scaling")
    assert scaling.inputs == {
        "region": "us-west-2",
        "clusterName": "mixed-prod",
        "nodegroupName": graph.outputs["node_groups"]["gpu-spot-on-demand"]["node_group"],
        "minSize": 2,
        "maxSize": 5,
    }
    assert companion.urn in scaling.dependencies
    assert scaling.parent == companion.parent
    assert (_scaling(graph, "gpu-spot")["minSize"], _scaling(graph, "gpu-spot")["maxSize"]) == (
        0,
        7,
    )
    assert len(graph.by_type(SCALING)) == len(graph.by_type(NODE_GROUP))


def test_node_group_version_is_the_clusters_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every group's `version` is the cluster resource's output (not the spec's string), so
    a Kubernetes bump updates the control plane first, then rolls the groups in place."""
    computed = mock_outputs.COMPUTED["aws:eks/cluster:Cluster"]

    def cluster(
        cloud: mock_cloud.MockCloud, name: str, state: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        cluster_id, extra = computed(cloud, name, state)
        return cluster_id, {**extra, "version": "as-reported-by-eks"}

    monkeypatch.setitem(mock_outputs.COMPUTED, "aws:eks/cluster:Cluster", cluster)
    config = engine.stack_config(EXAMPLES / "cpu" / "cortex.yaml")
    graph = engine.evaluate(config, stack="dev", region="us-east-2", program=engine.PROGRAM)
    [eks] = graph.by_type("aws:eks/cluster:Cluster")
    assert eks.inputs["version"] == "1.35"
    for group in graph.by_type(NODE_GROUP):
        assert group.inputs["version"] == "as-reported-by-eks"
        assert eks.urn in group.dependencies


def test_asg_tags_let_every_group_scale_from_zero(plan: Planner) -> None:
    """Each ASG is tagged with node-template labels, taints and extended resources."""
    graph = plan("mixed", "prod")

    def tags_of(group: str) -> dict[str, str]:
        asg = graph.outputs["node_groups"][group]["asg"]
        return {
            r.inputs["tag"]["key"]: r.inputs["tag"]["value"]
            for r in graph.by_type(TAG)
            if r.inputs["autoscalingGroupName"] == asg
        }

    prefix = "k8s.io/cluster-autoscaler/node-template"
    inf2 = tags_of("inf2")
    assert inf2[f"{prefix}/label/cortex.dev/node-group"] == "inf2"
    assert inf2[f"{prefix}/taint/aws.amazon.com/neuron"] == "true:NoSchedule"
    assert inf2[f"{prefix}/resources/aws.amazon.com/neuron"] == "1"
    gpu = tags_of("gpu-spot-on-demand")
    assert gpu[f"{prefix}/resources/nvidia.com/gpu"] == "1"
    assert gpu[f"{prefix}/taint/nvidia.com/gpu"] == "true:NoSchedule"
    assert gpu[f"{prefix}/label/cortex.dev/capacity-type"] == "on-demand"
    assert not any(r.inputs["tag"]["propagateAtLaunch"] for r in graph.by_type(TAG))
    assert {r.inputs["autoscalingGroupName"] for r in graph.by_type(TAG)} == {
        group["asg"] for group in graph.outputs["node_groups"].values()
    }


def test_every_depends_on_says_why() -> None:
    """Each `depends_on=` in the platform code has a comment in the lines just above it."""
    for path in sorted((REPO / "infra").glob("*.py")):
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if re.search(r"\bdepends_on=", line):
                above = lines[max(0, number - 4) : number]
                assert any(x.strip().startswith("#") for x in above), f"{path.name}:{number + 1}"
