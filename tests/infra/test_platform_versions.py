"""Versions that follow the cluster: every component from the matrix row of its minor, the
upgrade policy stated, the tightened IAM, and the HTTP add-on only when an API needs it."""

from __future__ import annotations

import json

from cortex_spec.kubernetes_versions import minor
from cortex_spec.version_matrix import matrix
from offline.graph import PlanGraph, PlannedResource
from tests.infra.conftest import Planner, one

RELEASE = "kubernetes:helm.sh/v3:Release"


def _release(graph: PlanGraph, name: str) -> PlannedResource:
    found = [r for r in graph.by_type(RELEASE) if r.inputs["name"] == name]
    assert len(found) == 1, [r.inputs["name"] for r in graph.by_type(RELEASE)]
    return found[0]


def _image_minor(tag: str) -> int:
    return int(tag.removeprefix("v").split(".")[1])


def test_a_135_plan_runs_135_autoscaler_and_a_scheduler_within_one_minor(plan: Planner) -> None:
    """A 1.35 spec: cluster-autoscaler built for 1.35, kube-scheduler at most one minor
    behind, both as the matrix cites them, and no version warning in the plan."""
    graph = plan("inferentia")
    [cluster] = graph.by_type("aws:eks/cluster:Cluster")
    assert cluster.inputs["version"] == "1.35"
    autoscaler = _release(graph, "cluster-autoscaler").inputs
    tag = autoscaler["values"]["image"]["tag"]
    assert tag == matrix().version("1.35", "cluster-autoscaler")
    assert _image_minor(tag) == 35
    scheduler = _release(graph, "neuron").inputs["values"]["scheduler"]["customScheduler"]
    assert scheduler["image"]["repository"] == "public.ecr.aws/eks-distro/kubernetes/kube-scheduler"
    assert 0 <= 35 - _image_minor(scheduler["image"]["tag"]) <= 1
    assert scheduler["image"]["tag"] == matrix().version("1.35", "neuron-scheduler")
    assert not [w for w in graph.warnings if "version" in w or "autoscaler" in w], graph.warnings


def test_every_release_follows_an_older_minor(plan: Planner) -> None:
    """On 1.33 the autoscaler, its chart, the Neuron scheduler, KEDA and the controller all
    come from the 1.33 row: nothing of another minor."""
    graph = plan("older-minor")
    row = matrix()
    values = _release(graph, "cluster-autoscaler").inputs
    assert values["values"]["image"]["tag"] == row.version("1.33", "cluster-autoscaler")
    assert values["version"] == row.version("1.33", "cluster-autoscaler-chart")
    neuron = _release(graph, "neuron").inputs["values"]["scheduler"]["customScheduler"]
    assert minor(neuron["image"]["tag"].removeprefix("v").rsplit(".", 1)[0]) == 33
    assert _release(graph, "keda").inputs["version"] == row.version("1.33", "keda")
    controller = _release(graph, "aws-load-balancer-controller").inputs
    assert controller["version"] == row.version("1.33", "aws-load-balancer-controller")


def test_upgrade_policy_maps_to_support_type(plan: Planner) -> None:
    """`upgrade_policy` is stated on the cluster: standard by default, extended when asked."""
    [default] = plan("cpu").by_type("aws:eks/cluster:Cluster")
    assert default.inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    [extended] = plan("older-minor").by_type("aws:eks/cluster:Cluster")
    assert extended.inputs["upgradePolicy"] == {"supportType": "EXTENDED"}


def test_node_role_pulls_images_only(plan: Planner) -> None:
    """The node role has the worker policy and ECR pull-only, not ECR read-only."""
    attached = sorted(
        r.inputs["policyArn"]
        for r in plan("cpu").by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if r.name.startswith("platform-eks-node-role-")
    )
    assert attached == [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]


def test_no_scale_to_zero_api_means_no_http_add_on(plan: Planner) -> None:
    """A spec whose APIs all keep a replica has no HTTP add-on release (7 pods saved); one
    with a scale-to-zero API has it, and that API's route waits for it."""
    cpu = plan("cpu")
    names = {r.inputs["name"] for r in cpu.by_type(RELEASE)}
    assert "keda" in names
    assert "keda-add-ons-http" not in names
    mixed = plan("mixed", "prod")
    add_on = _release(mixed, "keda-add-ons-http")
    assert add_on.inputs["version"] == matrix().version("1.35", "keda-http-add-on")
    routes = mixed.by_type("kubernetes:http.keda.sh/v1beta1:InterceptorRoute")
    assert routes
    assert all(add_on.urn in r.dependencies for r in routes)
    # The router sends a scale-to-zero API to the interceptor only once the add-on runs.
    [config] = [
        r for r in mixed.by_type("kubernetes:core/v1:ConfigMap") if r.name.endswith("router-routes")
    ]
    assert add_on.urn in config.dependencies


def test_cluster_autoscaler_policy_lints_clean_with_the_nodegroup_arn(plan: Planner) -> None:
    """The scoped DescribeNodegroup resource is a nodegroup ARN in the parliament format."""
    policy = json.loads(
        one(
            plan("mixed", "prod"),
            "aws:iam/rolePolicy:RolePolicy",
            "platform-cluster-autoscaler-irsa-policy",
        ).inputs["policy"]
    )
    [statement] = [s for s in policy["Statement"] if s["Sid"] == "DescribeOwnNodegroups"]
    assert statement["Resource"].startswith("arn:aws:eks:us-west-2:")
    assert statement["Resource"].endswith(":nodegroup/mixed-prod/*/*")


def test_controller_chart_is_the_one_whose_policy_ships() -> None:
    """Every row's load-balancer controller chart is the chart of the controller whose IAM
    policy the stack carries (infra/serving/policies)."""
    from infra.serving.lb_controller import CHART_VERSION, POLICY_FILE

    assert POLICY_FILE.is_file()
    assert {row["aws-load-balancer-controller"].version for row in matrix().rows.values()} == {
        CHART_VERSION
    }


def test_scale_to_zero_means_the_same_to_validation_and_the_program() -> None:
    """cortex_spec's rule (for matrix gaps) and the serving layer's (for the add-on) agree."""
    from cortex_spec import load_spec
    from cortex_spec.component_usage import scales_to_zero
    from infra.serving import scaling_rules
    from tests.conftest import EXAMPLES

    spec = load_spec(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    assert [scales_to_zero(a) for a in spec.apis] == [
        scaling_rules.scales_to_zero(a) for a in spec.apis
    ]
    assert any(scales_to_zero(a) for a in spec.apis)
