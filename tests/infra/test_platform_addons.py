"""Node autoscaling and device plugin rules, and the acceptance plan of a mixed cluster."""

from __future__ import annotations

import json
import re

from cortex_spec.version_matrix import matrix
from offline.graph import PlanGraph, PlannedResource
from tests.infra.conftest import Planner, one

RELEASE = "kubernetes:helm.sh/v3:Release"


def _platform_releases(graph: PlanGraph) -> list[PlannedResource]:
    """The platform's Helm releases (the serving layer installs its own, tested there)."""
    return [r for r in graph.by_type(RELEASE) if r.name.startswith("platform-")]


def _releases(plan: Planner, spec: str, env: str | None = None) -> dict[str, dict[str, object]]:
    return {r.inputs["name"]: r.inputs for r in _platform_releases(plan(spec, env))}


def test_cluster_autoscaler_release_with_irsa_discovery_and_priority_expander(
    plan: Planner,
) -> None:
    """cluster-autoscaler: pinned chart, IRSA role, tag auto-discovery, priority expander."""
    graph = plan("mixed", "prod")
    release = one(graph, RELEASE, "platform-cluster-autoscaler-release").inputs
    assert release["chart"] == "cluster-autoscaler"
    assert release["version"] == matrix().version("1.35", "cluster-autoscaler-chart")
    values = release["values"]
    assert values["autoDiscovery"] == {"clusterName": "mixed-prod"}
    assert values["awsRegion"] == "us-west-2"
    assert values["extraArgs"]["expander"] == "priority"
    account = values["rbac"]["serviceAccount"]
    assert account["annotations"]["eks.amazonaws.com/role-arn"].endswith(
        ":role/mixed-prod-cluster-autoscaler"
    )
    asgs = graph.outputs["node_groups"]

    def rank(group: str) -> int:
        # The expander's rule: an ASG takes the highest priority whose regex finds it.
        return max(
            int(priority)
            for priority, regexes in values["expanderPriorities"].items()
            if any(re.search(regex, asgs[group]["asg"]) for regex in regexes)
        )

    assert rank("gpu-spot") > rank("gpu-spot-on-demand") > rank("cpu") > rank("system") > 0


def test_cluster_autoscaler_policy_is_the_readmes_scoped_by_tags(plan: Planner) -> None:
    """Its IAM policy: describe calls anywhere, node groups of this cluster only, scaling
    only ASGs tagged for this cluster."""
    graph = plan("cpu")
    policy = json.loads(
        one(
            graph, "aws:iam/rolePolicy:RolePolicy", "platform-cluster-autoscaler-irsa-policy"
        ).inputs["policy"]
    )
    statements = {s["Sid"]: s for s in policy["Statement"]}
    scale = statements["ScaleOwnGroups"]
    assert sorted(scale["Action"]) == [
        "autoscaling:SetDesiredCapacity",
        "autoscaling:TerminateInstanceInAutoScalingGroup",
    ]
    assert scale["Condition"]["StringEquals"] == {
        "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
        "aws:ResourceTag/k8s.io/cluster-autoscaler/sentiment-cpu": "owned",
    }
    read = statements["Discover"]
    assert all(":Describe" in a or ":Get" in a for a in read["Action"])
    assert "eks:DescribeNodegroup" not in read["Action"]
    nodegroups = statements["DescribeOwnNodegroups"]
    assert nodegroups["Action"] == ["eks:DescribeNodegroup"]
    # The mock account; the Service Authorization Reference's nodegroup ARN, this cluster.
    assert nodegroups["Resource"] == (
        "arn:aws:eks:us-east-2:123456789012:nodegroup/sentiment-cpu/*/*"
    )


def test_cpu_only_installs_no_device_plugin(plan: Planner) -> None:
    """A CPU-only spec installs cluster-autoscaler and no NVIDIA or Neuron plugin."""
    assert sorted(_releases(plan, "cpu")) == ["cluster-autoscaler"]
    assert plan("cpu").by_type("cortex:infra:DevicePlugins") == []


def test_nvidia_plugin_only_on_gpu_nodes(plan: Planner) -> None:
    """The NVIDIA plugin tolerates the GPU taint and selects cortex.dev/accelerator=nvidia."""
    releases = _releases(plan, "gpu-spot")
    assert sorted(releases) == ["cluster-autoscaler", "nvidia-device-plugin"]
    nvidia = releases["nvidia-device-plugin"]
    assert nvidia["version"] == matrix().version("1.35", "nvidia-device-plugin")
    values = nvidia["values"]
    assert isinstance(values, dict)
    assert values["nodeSelector"] == {"cortex.dev/accelerator": "nvidia"}
    assert values["tolerations"] == [
        {"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}
    ]
    terms = values["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms["nodeSelectorTerms"] == [
        {
            "matchExpressions": [
                {"key": "cortex.dev/accelerator", "operator": "In", "values": ["nvidia"]}
            ]
        }
    ]


def test_neuron_plugin_and_scheduler_only_on_neuron_nodes(plan: Planner) -> None:
    """Neuron chart: device plugin on Neuron nodes, scheduler `my-scheduler` on system nodes."""
    releases = _releases(plan, "inferentia")
    assert sorted(releases) == ["cluster-autoscaler", "neuron"]
    neuron = releases["neuron"]
    assert neuron["chart"] == "oci://public.ecr.aws/neuron/neuron-helm-chart"
    assert neuron["version"] == "1.9.0"
    values = neuron["values"]
    assert isinstance(values, dict)
    assert values["neuronInstances"] == ["inf2.xlarge"]
    assert values["devicePlugin"]["nodeSelector"] == {"cortex.dev/accelerator": "neuron"}
    assert values["devicePlugin"]["tolerations"] == [
        {"effect": "NoSchedule", "key": "aws.amazon.com/neuron", "operator": "Exists"}
    ]
    assert values["scheduler"]["enabled"] is True
    assert values["scheduler"]["customScheduler"]["fullnameOverride"] == "my-scheduler"
    assert values["npd"] == {"enabled": False}


def test_mixed_cluster_plan_has_everything_the_issue_lists(plan: Planner) -> None:
    """CPU + GPU-spot + Inferentia (prod): one encrypted, logged cluster; 3 AZs and 3 NATs; OIDC;
    managed groups with their AMIs and taints; IMDSv2 templates; autoscaler and both plugins."""
    graph = plan("mixed", "prod")
    [cluster] = graph.by_type("aws:eks/cluster:Cluster")
    assert cluster.inputs["encryptionConfig"]["resources"] == ["secrets"]
    assert cluster.inputs["enabledClusterLogTypes"]
    assert len(graph.by_type("aws:ec2/vpc:Vpc")) == 1
    assert len({s.inputs["availabilityZone"] for s in graph.by_type("aws:ec2/subnet:Subnet")}) == 3
    assert len(graph.by_type("aws:ec2/natGateway:NatGateway")) == 3
    assert len(graph.by_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")) == 1
    groups = {
        r.inputs["nodeGroupNamePrefix"].removesuffix("-"): r.inputs
        for r in graph.by_type("aws:eks/nodeGroup:NodeGroup")
    }
    assert {groups[g]["amiType"] for g in ("cpu", "gpu-spot", "inf2")} == {
        "AL2023_x86_64_STANDARD",
        "AL2023_x86_64_NVIDIA",
        "AL2023_x86_64_NEURON",
    }
    assert all(
        t.inputs["metadataOptions"]["httpTokens"] == "required"
        for t in graph.by_type("aws:ec2/launchTemplate:LaunchTemplate")
    )
    assert sorted(r.inputs["name"] for r in _platform_releases(graph)) == [
        "cluster-autoscaler",
        "neuron",
        "nvidia-device-plugin",
    ]


def test_every_helm_release_is_pinned_and_named(plan: Planner) -> None:
    """Every Helm release has an explicit name and a pinned chart version."""
    for release in plan("mixed", "prod").by_type(RELEASE):
        assert release.inputs["name"]
        assert re.fullmatch(r"\d+\.\d+\.\d+", release.inputs["version"])


def test_evaluating_twice_gives_identical_json(plan: Planner) -> None:
    """Same spec, same config: byte-identical plan JSON."""
    from offline import engine
    from tests.conftest import EXAMPLES

    config = engine.stack_config(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    again = engine.evaluate(config, stack="prod", region="us-west-2", program=engine.PROGRAM)
    assert again.to_json() == plan("mixed", "prod").to_json()
