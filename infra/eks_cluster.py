"""The EKS control plane: IAM roles, KMS secrets encryption, logging, access entries, OIDC.

Authentication is by access entries only (`API`): the identity that creates the cluster is
made admin by EKS itself (`bootstrap_cluster_creator_admin_permissions`, fixed at creation,
so it never drifts with whoever runs a later `pulumi up`), and every ARN in
`BuildOptions.admin_arns` gets an access entry with the cluster-admin access policy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec import naming
from cortex_spec.models.cluster import ClusterConfig

# The three log types terraform-aws-eks enables by default (eks-reference.md §12); the
# controller-manager and scheduler streams are verbose and rarely read.
LOG_TYPES: Final = ("api", "audit", "authenticator")
# Long enough to investigate an incident a quarter later, short enough to bound cost.
LOG_RETENTION_DAYS: Final = 90
ADMIN_POLICY: Final = "arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
# cluster.upgrade_policy → `upgrade_policy.support_type` (pulumi_aws ClusterUpgradePolicyArgs:
# "Valid values are `EXTENDED`, `STANDARD`").
SUPPORT_TYPES: Final = {"standard": "STANDARD", "extended": "EXTENDED"}
# What kubelet needs on every node: joining the cluster, and pulling images from ECR. The
# EKS node IAM role page names AmazonEC2ContainerRegistryPullOnly (pull, no listing or
# describing of repositories) where AmazonEC2ContainerRegistryReadOnly was used before.
NODE_POLICIES: Final = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")


def _assume_role_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        },
        sort_keys=True,
    )


@dataclass(frozen=True)
class EksClusterArgs:
    cluster: ClusterConfig
    partition: str
    subnet_ids: list[pulumi.Output[str]]
    admin_arns: tuple[str, ...] = ()


class EksCluster(pulumi.ComponentResource):
    """Control plane, its KMS key and log group, the node role and the IRSA OIDC provider."""

    name: pulumi.Output[str]
    # The control plane's Kubernetes version as EKS reports it after its update: node groups
    # take their `version` from it, so they follow the cluster and never run ahead of it.
    version: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    certificate_authority: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    oidc_issuer: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    # The node role's policy attachments: nodes launched before them cannot join.
    node_role_ready: list[pulumi.Resource]

    def __init__(
        self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:EksCluster", name, None, opts)
        cluster, partition = args.cluster, args.partition
        child = pulumi.ResourceOptions(parent=self)
        policy = f"arn:{partition}:iam::aws:policy"
        role = aws.iam.Role(
            f"{name}-role",
            name=naming.iam_role_name(cluster.name, "cluster"),
            assume_role_policy=_assume_role_policy("eks.amazonaws.com"),
            opts=child,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-role-policy",
            role=role.name,
            policy_arn=f"{policy}/AmazonEKSClusterPolicy",
            opts=child,
        )
        key = aws.kms.Key(
            f"{name}-secrets",
            description=f"Envelope encryption of Kubernetes secrets in EKS cluster {cluster.name}",
            enable_key_rotation=True,
            # The longest AWS allows: a key deleted by mistake can still be recovered.
            deletion_window_in_days=30,
            opts=child,
        )
        aws.kms.Alias(
            f"{name}-secrets",
            name=f"alias/{cluster.name}-eks-secrets",
            target_key_id=key.key_id,
            opts=child,
        )
        # EKS writes to this exact name; created first, it keeps our retention instead of
        # EKS creating one that never expires.
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/eks/{cluster.name}/cluster",
            retention_in_days=LOG_RETENTION_DAYS,
            opts=child,
        )
        eks = aws.eks.Cluster(
            f"{name}-cluster",
            name=cluster.name,
            version=cluster.kubernetes_version,
            role_arn=role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=args.subnet_ids,
                endpoint_private_access=True,
                endpoint_public_access=cluster.endpoint_public_access,
                public_access_cidrs=(
                    cluster.endpoint_public_access_cidrs if cluster.endpoint_public_access else None
                ),
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=True,
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=key.arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(LOG_TYPES),
            # Stated, never EKS's silent default (EXTENDED): `standard` lets EKS upgrade the
            # control plane at the end of standard support instead of billing extended
            # support (EKS user guide, "View current cluster upgrade policy").
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(
                support_type=SUPPORT_TYPES[cluster.upgrade_policy]
            ),
            # The managed add-ons install VPC CNI, kube-proxy and CoreDNS; the self-managed
            # copies EKS would bootstrap otherwise conflict with them (terraform-aws-eks
            # hard-codes the same, eks-reference.md §9).
            bootstrap_self_managed_addons=False,
            # The log group must exist first or EKS creates its own without retention; the
            # cluster policy must be attached before EKS assumes the role.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs, attachment]),
        )
        issuer = eks.identities.apply(_issuer)
        oidc = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=issuer,
            client_id_lists=["sts.amazonaws.com"],
            opts=child,
        )
        self._admins(name, eks, args.admin_arns, partition)
        node_role = aws.iam.Role(
            f"{name}-node-role",
            name=naming.iam_role_name(cluster.name, "node"),
            assume_role_policy=_assume_role_policy("ec2.amazonaws.com"),
            opts=child,
        )
        # The VPC CNI's permissions live on its own IRSA role (infra/addons.py), so nodes
        # carry only what kubelet and image pulls need. Attachments are named by policy: a
        # stack that had ReadOnly attaches PullOnly first and detaches ReadOnly at the end of
        # the update, so nodes can pull images throughout.
        self.node_role_ready = [
            aws.iam.RolePolicyAttachment(
                f"{name}-node-role-{managed}",
                role=node_role.name,
                policy_arn=f"{policy}/{managed}",
                opts=child,
            )
            for managed in NODE_POLICIES
        ]
        self.name = eks.name
        self.version = eks.version
        self.endpoint = eks.endpoint
        self.certificate_authority = eks.certificate_authority.apply(lambda ca: ca.data or "")
        self.security_group_id = eks.vpc_config.apply(
            lambda vpc: vpc.cluster_security_group_id or ""
        )
        self.oidc_provider_arn = oidc.arn
        self.oidc_issuer = issuer.apply(lambda url: url.removeprefix("https://"))
        self.node_role_arn = node_role.arn
        self.register_outputs(
            {"name": eks.name, "endpoint": eks.endpoint, "oidc_provider_arn": oidc.arn}
        )

    def _admins(
        self, name: str, eks: aws.eks.Cluster, admin_arns: tuple[str, ...], partition: str
    ) -> None:
        """An access entry with the cluster-admin policy per configured admin ARN."""
        for arn in sorted(set(admin_arns)):
            # Named by a hash of the ARN, so adding or removing one admin leaves the others.
            suffix = hashlib.sha256(arn.encode()).hexdigest()[:8]
            entry = aws.eks.AccessEntry(
                f"{name}-admin-{suffix}",
                cluster_name=eks.name,
                principal_arn=arn,
                type="STANDARD",
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.eks.AccessPolicyAssociation(
                f"{name}-admin-{suffix}",
                cluster_name=eks.name,
                principal_arn=entry.principal_arn,
                policy_arn=ADMIN_POLICY.format(partition=partition),
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                opts=pulumi.ResourceOptions(parent=self),
            )


def _issuer(identities: Sequence[aws.eks.outputs.ClusterIdentity]) -> str:
    """The OIDC issuer URL EKS publishes for the cluster."""
    oidcs = identities[0].oidcs if identities else None
    return (oidcs[0].issuer or "") if oidcs else ""
