"""Node group rules: one managed group per spec group, AMI, launch template, taints, spot,
scaling and the cluster-autoscaler's scale-from-zero tags."""

from __future__ import annotations

import re
from pathlib import Path

from cortex_spec.node_profiles import root_volume
from infra.node_groups import DESIRED_SIZE
from tests.conftest import REPO
from tests.infra.conftest import Planner, node_group, one

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
TAG = "aws:autoscaling/tag:Tag"


def _names(plan: Planner, spec: str, env: str | None = None) -> list[str]:
    return sorted(r.inputs["nodeGroupName"] for r in plan(spec, env).by_type(NODE_GROUP))


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
        ebs = template.inputs["blockDeviceMappings"][0]["ebs"]
        assert ebs["encrypted"] == "true"
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
    group = node_group(graph, "gpu-spot")
    assert group.inputs["launchTemplate"]["version"] == "1"


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


def test_spot_uses_the_distribution_and_the_companion_takes_the_on_demand_share(
    plan: Planner,
) -> None:
    """Spot: SPOT over instance_distribution; companion: ON_DEMAND primary type, Cortex's split."""
    graph = plan("mixed", "prod")
    spot = node_group(graph, "gpu-spot").inputs
    companion = node_group(graph, "gpu-spot-on-demand").inputs
    assert spot["capacityType"] == "SPOT"
    assert spot["instanceTypes"] == ["g5.2xlarge", "g6.2xlarge"]
    assert companion["capacityType"] == "ON_DEMAND"
    assert companion["instanceTypes"] == ["g5.2xlarge"]
    # prod: min 2, max 12, base 2, 25% above base: on-demand 2..5, spot 0..7.
    assert (companion["scalingConfig"]["minSize"], companion["scalingConfig"]["maxSize"]) == (2, 5)
    assert (spot["scalingConfig"]["minSize"], spot["scalingConfig"]["maxSize"]) == (0, 7)
    dev = plan("mixed", "dev")
    assert sorted(r.inputs["nodeGroupName"] for r in dev.by_type(NODE_GROUP)) == [
        "cpu",
        "gpu-spot",
        "inf2",
        "system",
    ]


def test_scaling_range_with_desired_size_left_to_the_autoscaler(plan: Planner) -> None:
    """min/max come from the spec; desired starts at min and is ignored after creation."""
    graph = plan("cpu")
    group = node_group(graph, "cpu")
    assert group.inputs["scalingConfig"] == {"desiredSize": 1, "maxSize": 5, "minSize": 1}
    for resource in graph.by_type(NODE_GROUP):
        assert resource.options["ignoreChanges"] == [DESIRED_SIZE]
        # Fixed names: a replacement must delete the old group first.
        assert resource.options["deleteBeforeReplace"] is True


def test_asg_tags_let_every_group_scale_from_zero(plan: Planner) -> None:
    """Each ASG is tagged with node-template labels, taints and extended resources."""
    graph = plan("mixed", "prod")
    asg = graph.outputs["node_groups"]["inf2"]["asg"]
    tags = {
        r.inputs["tag"]["key"]: r.inputs["tag"]["value"]
        for r in graph.by_type(TAG)
        if r.inputs["autoscalingGroupName"] == asg
    }
    prefix = "k8s.io/cluster-autoscaler/node-template"
    assert tags[f"{prefix}/label/cortex.dev/node-group"] == "inf2"
    assert tags[f"{prefix}/taint/aws.amazon.com/neuron"] == "true:NoSchedule"
    assert tags[f"{prefix}/resources/aws.amazon.com/neuron"] == "1"
    gpu_asg = graph.outputs["node_groups"]["gpu-spot-on-demand"]["asg"]
    gpu_tags = {
        r.inputs["tag"]["key"]: r.inputs["tag"]["value"]
        for r in graph.by_type(TAG)
        if r.inputs["autoscalingGroupName"] == gpu_asg
    }
    assert gpu_tags[f"{prefix}/resources/nvidia.com/gpu"] == "1"
    assert gpu_tags[f"{prefix}/taint/nvidia.com/gpu"] == "true:NoSchedule"
    assert not any(r.inputs["tag"]["propagateAtLaunch"] for r in graph.by_type(TAG))
    assert {r.inputs["autoscalingGroupName"] for r in graph.by_type(TAG)} == {
        group["asg"] for group in graph.outputs["node_groups"].values()
    }


def test_node_groups_never_wait_on_each_other(plan: Planner) -> None:
    """No node group depends on another node group, a Helm release or a Deployment add-on."""
    graph = plan("mixed", "prod")
    for group in graph.by_type(NODE_GROUP):
        assert not any(":NodeGroup::" in d for d in group.dependencies)
        assert not any("helm.sh" in d for d in group.dependencies)
        assert not any("WorkloadAddons" in d for d in group.dependencies)


def test_every_depends_on_says_why() -> None:
    """Each `depends_on=` in the platform code has a comment in the lines just above it."""
    for path in sorted((REPO / "infra").glob("*.py")):
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if re.search(r"\bdepends_on=", line):
                above = lines[max(0, number - 4) : number]
                assert any(x.strip().startswith("#") for x in above), f"{path.name}:{number + 1}"
