"""Cluster rules: KMS, logging, endpoint access, access entries, OIDC, add-ons, kubeconfig."""

from __future__ import annotations

import json

from cortex_spec import naming
from infra.addons import EBS_CSI_SERVICE_ACCOUNT, VPC_CNI_SERVICE_ACCOUNT
from infra.kubeconfig import render
from tests.infra.conftest import Planner, one, stack_file_config

CLUSTER = "aws:eks/cluster:Cluster"
ADDON = "aws:eks/addon:Addon"


def test_cluster_version_role_and_api_authentication(plan: Planner) -> None:
    """EKS runs the spec's Kubernetes version on its own role, with access entries (API) only."""
    cluster = plan("mixed", "prod").by_type(CLUSTER)[0].inputs
    assert cluster["version"] == "1.35"
    assert cluster["roleArn"].endswith(":role/mixed-prod-cluster")
    assert cluster["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": True,
    }
    assert cluster["bootstrapSelfManagedAddons"] is False


def test_secrets_encrypted_with_a_rotating_stack_key(plan: Planner) -> None:
    """Secrets are envelope-encrypted with a KMS key the stack creates, rotation on."""
    graph = plan("mixed", "prod")
    key = graph.by_type("aws:kms/key:Key")[0]
    assert key.inputs["enableKeyRotation"] is True
    encryption = graph.by_type(CLUSTER)[0].inputs["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    assert encryption["provider"]["keyArn"].startswith("arn:aws:kms:us-west-2:")
    assert key.urn in graph.by_type(CLUSTER)[0].dependencies


def test_control_plane_logging_with_retention(plan: Planner) -> None:
    """Control-plane logs go to a log group the stack creates first, with a retention."""
    graph = plan("cpu")
    logs = graph.by_type("aws:cloudwatch/logGroup:LogGroup")[0]
    assert logs.inputs["name"] == "/aws/eks/sentiment-cpu/cluster"
    assert logs.inputs["retentionInDays"] == 90
    cluster = graph.by_type(CLUSTER)[0]
    assert cluster.inputs["enabledClusterLogTypes"] == ["api", "audit", "authenticator"]
    assert logs.urn in cluster.dependencies


def test_endpoint_public_and_private_with_configured_cidrs(plan: Planner) -> None:
    """The API endpoint is private and public; public CIDRs come from the spec."""
    prod = plan("mixed", "prod").by_type(CLUSTER)[0].inputs["vpcConfig"]
    assert prod["endpointPrivateAccess"] is True
    assert prod["endpointPublicAccess"] is True
    assert prod["publicAccessCidrs"] == ["203.0.113.0/24"]
    dev = plan("mixed", "dev").by_type(CLUSTER)[0].inputs["vpcConfig"]
    assert dev["publicAccessCidrs"] == ["0.0.0.0/0"]


def test_admins_from_config_get_cluster_admin_access_entries(plan: Planner) -> None:
    """Each admin ARN gets an access entry and the cluster-admin policy; none without admins."""
    admin = "arn:aws:iam::123456789012:role/platform-admins"
    graph = plan("cpu", admins=(admin,))
    entries = graph.by_type("aws:eks/accessEntry:AccessEntry")
    assert [e.inputs["principalArn"] for e in entries] == [admin]
    association = graph.by_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")[0]
    assert association.inputs["policyArn"].endswith(
        ":cluster-access-policy/AmazonEKSClusterAdminPolicy"
    )
    assert association.inputs["accessScope"] == {"type": "cluster"}
    assert plan("cpu").by_type("aws:eks/accessEntry:AccessEntry") == []


def test_oidc_provider_for_irsa(plan: Planner) -> None:
    """An IAM OIDC provider for the cluster issuer, audience sts.amazonaws.com."""
    graph = plan("cpu")
    oidc = graph.by_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")[0]
    assert oidc.inputs["url"].startswith("https://oidc.eks.us-east-2.amazonaws.com/id/")
    assert oidc.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert graph.outputs["oidc_provider_arn"].startswith("arn:aws:iam::123456789012:oidc-provider/")


def test_managed_addons_at_the_eks_default_version(plan: Planner) -> None:
    """The five managed add-ons, each at the version `get_addon_version(most_recent=False)`
    gives; no Pod Identity agent, since every role is assumed through IRSA."""
    graph = plan("cpu")
    addons = graph.by_type(ADDON)
    assert sorted(a.inputs["addonName"] for a in addons) == [
        "aws-ebs-csi-driver",
        "coredns",
        "kube-proxy",
        "metrics-server",
        "vpc-cni",
    ]
    assert graph.by_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") == []
    assert {a.inputs["addonVersion"] for a in addons} == {"[EKS default for 1.35]"}


def test_vpc_cni_and_ebs_csi_run_on_their_own_irsa_roles(plan: Planner) -> None:
    """VPC CNI and EBS CSI assume IRSA roles bound to their service accounts."""
    graph = plan("cpu")
    for addon, account in (
        ("vpc-cni", VPC_CNI_SERVICE_ACCOUNT),
        ("ebs-csi", EBS_CSI_SERVICE_ACCOUNT),
    ):
        role = one(
            graph,
            "aws:iam/role:Role",
            f"platform-addons-{'bootstrap-' if addon == 'vpc-cni' else ''}{addon}-role",
        )
        trust = json.loads(role.inputs["assumeRolePolicy"])
        condition = trust["Statement"][0]["Condition"]["StringEquals"]
        assert f"system:serviceaccount:kube-system:{account}" in condition.values()
    cni = one(graph, ADDON, "platform-addons-bootstrap-vpc-cni")
    assert cni.inputs["serviceAccountRoleArn"].endswith(":role/sentiment-cpu-vpc-cni")
    node_policies = [
        r.inputs["policyArn"]
        for r in graph.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if "node-role" in r.name
    ]
    assert not any("CNI" in arn for arn in node_policies)


def test_deployment_addons_wait_for_the_system_nodes_and_daemonsets_do_not(plan: Planner) -> None:
    """CoreDNS, EBS CSI and metrics-server wait for the system group; the CNI waits for none."""
    graph = plan("cpu")
    system = one(graph, "aws:eks/nodeGroup:NodeGroup", "platform-nodes-system-group").urn
    for name in ("coredns", "aws-ebs-csi-driver", "metrics-server"):
        assert system in one(graph, ADDON, f"platform-addons-{name}").dependencies
    for name in ("vpc-cni", "kube-proxy"):
        deps = one(graph, ADDON, f"platform-addons-bootstrap-{name}").dependencies
        assert not any(":NodeGroup::" in d for d in deps)


def test_kubeconfig_uses_get_token_without_a_profile() -> None:
    """The kubeconfig runs `aws eks get-token` for the cluster and region, no profile or env."""
    document = json.loads(render("c", "https://x.example", "Q0E=", "us-west-2"))
    exec_ = document["users"][0]["user"]["exec"]
    assert exec_["command"] == "aws"
    assert exec_["args"] == [
        "eks",
        "get-token",
        "--cluster-name",
        "c",
        "--region",
        "us-west-2",
        "--output",
        "json",
    ]
    assert "env" not in exec_
    assert "--profile" not in exec_["args"]


def test_stack_outputs_with_a_secret_kubeconfig(plan: Planner) -> None:
    """Outputs: cluster_name, kubeconfig (secret), vpc_id, oidc_provider_arn, node_groups."""
    outputs = plan("mixed", "prod").outputs
    assert {"cluster_name", "kubeconfig", "vpc_id", "oidc_provider_arn", "node_groups"} <= set(
        outputs
    )
    assert outputs["kubeconfig"] == "[secret]"
    assert outputs["cluster_name"] == "mixed-prod"
    gpu = outputs["node_groups"]["gpu-spot"]
    assert gpu == {
        "node_group": gpu["node_group"],
        "asg": gpu["asg"],
        "capacity_type": "SPOT",
        "instance_types": ["g5.2xlarge", "g6.2xlarge"],
    }
    assert naming.managed_group_of(gpu["node_group"]) == "gpu-spot"
    assert gpu["asg"].startswith(f"eks-{gpu['node_group']}-")
    providers = {r.type for r in plan("mixed", "prod").resources if "providers" in r.type}
    assert providers == {"pulumi:providers:aws", "pulumi:providers:kubernetes"}


def test_example_stack_files_evaluate(plan: Planner) -> None:
    """Pulumi.dev.yaml and Pulumi.prod.yaml, read with PyYAML, evaluate to their environments."""
    from offline import engine

    for stack, name, admins in (("dev", "mixed-dev", 0), ("prod", "mixed-prod", 1)):
        graph = engine.evaluate(
            stack_file_config(stack), stack=stack, region="us-west-2", program=engine.PROGRAM
        )
        assert graph.outputs["cluster_name"] == name
        assert len(graph.by_type("aws:eks/accessEntry:AccessEntry")) == admins
