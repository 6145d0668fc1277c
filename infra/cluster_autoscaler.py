"""cluster-autoscaler: a Helm release on an IRSA role, discovering the managed groups' ASGs.

Chart `cluster-autoscaler` from https://kubernetes.github.io/autoscaler and the image tag
both come from the version matrix row of the cluster's Kubernetes minor
(`cortex_spec/data/version_matrix.yaml`, with their sources): the image must match the
control plane's minor (cluster-autoscaler README, "Releases"), and validation rejects a
minor without a cited image or chart, so no cluster runs another minor's autoscaler.
Values used are those listed in the chart's README (autoDiscovery, awsRegion, cloudProvider,
expanderPriorities, extraArgs, fullnameOverride, image.tag, nodeSelector, priorityClassName,
rbac.serviceAccount.*, containerSecurityContext).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.node_profiles import NODE_GROUP_LABEL, SYSTEM_GROUP
from cortex_spec.version_matrix import matrix
from infra.irsa import IrsaRole, IrsaRoleArgs, policy_document

CHART: Final = "cluster-autoscaler"
REPOSITORY: Final = "https://kubernetes.github.io/autoscaler"
RELEASE: Final = "cluster-autoscaler"
SERVICE_ACCOUNT: Final = "cluster-autoscaler"
ENABLED_TAG: Final = "k8s.io/cluster-autoscaler/enabled"


def image_tag(kubernetes_version: str) -> str:
    """The cluster-autoscaler release cited for that minor (version matrix)."""
    return matrix().version(kubernetes_version, "cluster-autoscaler")


def chart_version(kubernetes_version: str) -> str:
    return matrix().version(kubernetes_version, "cluster-autoscaler-chart")


def nodegroup_arn(partition: str, region: str, account_id: str, cluster: str) -> str:
    """Every managed node group of this cluster: the EKS `nodegroup` resource type is
    `arn:${Partition}:eks:${Region}:${Account}:nodegroup/${ClusterName}/${NodegroupName}/${UUID}`
    (Service Authorization Reference, Amazon EKS resource types; parliament's copy of it)."""
    return f"arn:{partition}:eks:{region}:{account_id}:nodegroup/{cluster}/*/*"


def iam_statements(cluster: str, nodegroups: pulumi.Input[str] = "*") -> list[dict[str, Any]]:
    """The cluster-autoscaler AWS README's policy: read what it must see, describe only this
    cluster's node groups (`nodegroups`, see `nodegroup_arn`), and change only ASGs tagged
    as this cluster's (EKS tags its managed groups' ASGs with both keys)."""
    return [
        {
            "Sid": "Discover",
            "Effect": "Allow",
            "Action": [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeTags",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            "Resource": "*",
        },
        {
            # Labels and taints of a managed group at zero nodes (the README's note on
            # eks:DescribeNodegroup); this cluster's groups only.
            "Sid": "DescribeOwnNodegroups",
            "Effect": "Allow",
            "Action": ["eks:DescribeNodegroup"],
            "Resource": nodegroups,
        },
        {
            "Sid": "ScaleOwnGroups",
            "Effect": "Allow",
            "Action": [
                "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup",
            ],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    f"aws:ResourceTag/{ENABLED_TAG}": "true",
                    f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster}": "owned",
                }
            },
        },
    ]


# EKS names a managed node group's Auto Scaling group `eks-<node group name>-<node group
# id>` (terraform-aws-modules/terraform-aws-eks#3007, 2024; groups made before 2021 had
# `eks-<id>` only, aws/containers-roadmap#1304), the id a UUID in 8-4-4-4-12 hex form
# (kubernetes/autoscaler#3956 lists such names).
_EKS_ASG_ID: Final = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# The priority expander drops a group that no regex matches, while others match
# (kubernetes/autoscaler expander/priority/priority.go: "The group won't be used"); this
# lowest priority keeps any ASG we did not foresee usable, as a last resort.
FALLBACK_PRIORITY: Final = 0
FALLBACK_REGEX: Final = ".*"


def asg_regex(node_group_prefix: str) -> str:
    """The ASG names of the node groups named from `node_group_prefix`, and no others.

    Anchored at both ends (the expander searches, it does not match whole names), with the
    Terraform name suffix spelled out: `gpu-` cannot match `eks-gpu-spot-…`, whose next
    character is a letter where the suffix starts with a digit."""
    # Node group names are letters, digits and dashes, literal in a regex: no escaping, so
    # the ConfigMap reads as the names it matches.
    if not re.fullmatch("[A-Za-z0-9-]+", node_group_prefix):
        raise ValueError(f"unexpected node group prefix {node_group_prefix!r}")
    return f"^eks-{node_group_prefix}{naming.NODE_GROUP_SUFFIX}-{_EKS_ASG_ID}$"


def expander_priorities(prefixes: Mapping[str, int]) -> dict[str, list[str]]:
    """Priority -> ASG name regexes (priority expander ConfigMap format), from node group
    name prefixes the program knows before any group exists, plus the fallback."""
    by_priority: dict[int, list[str]] = {FALLBACK_PRIORITY: [FALLBACK_REGEX]}
    for prefix, priority in prefixes.items():
        if priority <= FALLBACK_PRIORITY:
            raise ValueError(f"expander priority of {prefix!r} must be above the fallback")
        by_priority.setdefault(priority, []).append(asg_regex(prefix))
    return {str(p): sorted(by_priority[p]) for p in sorted(by_priority)}


@dataclass(frozen=True)
class ClusterAutoscalerArgs:
    cluster: str
    region: str
    partition: str
    # The stack's account (an invoke's output): the node group ARNs of the IAM policy.
    account_id: pulumi.Output[str]
    kubernetes_version: str
    oidc_provider_arn: pulumi.Output[str]
    oidc_issuer: pulumi.Output[str]
    # Node group name prefix -> expander priority, one entry per managed node group: plain
    # strings, so the release waits for no node group (a new GPU group never blocks it).
    priorities: list[tuple[str, int]]
    k8s_provider: k8s.Provider
    # Its pod needs a node to run on (the system node group).
    system_ready: list[pulumi.Resource]


class ClusterAutoscaler(pulumi.ComponentResource):
    """IRSA role and the Helm release."""

    def __init__(
        self, name: str, args: ClusterAutoscalerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ClusterAutoscaler", name, None, opts)
        role = IrsaRole(
            f"{name}-irsa",
            IrsaRoleArgs(
                role_name=naming.iam_role_name(args.cluster, "cluster-autoscaler"),
                namespace=naming.SYSTEM_NAMESPACE,
                service_account=SERVICE_ACCOUNT,
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_issuer=args.oidc_issuer,
                policy=policy_document(
                    iam_statements(
                        args.cluster,
                        args.account_id.apply(
                            lambda account: nodegroup_arn(
                                args.partition, args.region, account, args.cluster
                            )
                        ),
                    )
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        priorities = expander_priorities(dict(args.priorities))
        values: dict[str, Any] = {
            "fullnameOverride": RELEASE,
            "cloudProvider": "aws",
            "awsRegion": args.region,
            "autoDiscovery": {"clusterName": args.cluster},
            "image": {"tag": image_tag(args.kubernetes_version)},
            "rbac": {
                "serviceAccount": {
                    "create": True,
                    "name": SERVICE_ACCOUNT,
                    "annotations": {"eks.amazonaws.com/role-arn": role.arn},
                }
            },
            "extraArgs": {
                # Cortex's expander: spot before its on-demand companion, higher spec
                # priority first (node_profiles.managed_groups).
                "expander": "priority",
                # API pods with emptyDir (/dev/shm) must not pin their node forever.
                "skip-nodes-with-local-storage": False,
            },
            "expanderPriorities": priorities,
            "nodeSelector": {NODE_GROUP_LABEL: SYSTEM_GROUP},
            "priorityClassName": "system-cluster-critical",
            "containerSecurityContext": {
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
            },
        }
        k8s.helm.v3.Release(
            f"{name}-release",
            name=RELEASE,
            chart=CHART,
            version=chart_version(args.kubernetes_version),
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=REPOSITORY),
            namespace=naming.SYSTEM_NAMESPACE,
            values=values,
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=args.k8s_provider,
                # Helm waits for the pod to be Ready, which needs the system nodes.
                depends_on=args.system_ready,
            ),
        )
        self.register_outputs({"role_arn": role.arn})
