"""cluster-autoscaler: a Helm release on an IRSA role, discovering the managed groups' ASGs.

Chart `cluster-autoscaler` 9.52.1 from https://kubernetes.github.io/autoscaler: the release
`cluster-autoscaler-chart-9.52.1` of kubernetes/autoscaler (2025-10-20); the compatibility
table of cluster-autoscaler/README.md asks for chart 9.51.0+ with cluster-autoscaler 1.34.
Values used are those listed in the chart's README (autoDiscovery, awsRegion, cloudProvider,
expanderPriorities, extraArgs, fullnameOverride, image.tag, nodeSelector, priorityClassName,
rbac.serviceAccount.*, containerSecurityContext).

The image must match the control plane's Kubernetes minor (cluster-autoscaler README,
"Releases"). Tags per minor: v1.29.5, v1.30.6 and v1.31.4 from kubernetes/kops PR #17640;
v1.32.5, v1.33.3 and v1.34.2 from kubernetes/k8s.io PR #8815 (their promotion to
registry.k8s.io). No cited release for a newer minor was found: such clusters get the newest
known tag and the program warns.
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
from infra.irsa import IrsaRole, IrsaRoleArgs, policy_document

CHART: Final = "cluster-autoscaler"
CHART_VERSION: Final = "9.52.1"
REPOSITORY: Final = "https://kubernetes.github.io/autoscaler"
RELEASE: Final = "cluster-autoscaler"
SERVICE_ACCOUNT: Final = "cluster-autoscaler"
IMAGE_TAGS: Final = {
    "1.29": "v1.29.5",
    "1.30": "v1.30.6",
    "1.31": "v1.31.4",
    "1.32": "v1.32.5",
    "1.33": "v1.33.3",
    "1.34": "v1.34.2",
}
ENABLED_TAG: Final = "k8s.io/cluster-autoscaler/enabled"


def image_tag(kubernetes_version: str) -> str:
    """The cluster-autoscaler release for a Kubernetes minor (newest known past the table)."""
    if kubernetes_version in IMAGE_TAGS:
        return IMAGE_TAGS[kubernetes_version]
    newest = max(IMAGE_TAGS, key=lambda v: int(v.split(".")[1]))
    pulumi.log.warn(
        f"cluster-autoscaler: no cited release for Kubernetes {kubernetes_version}; running "
        f"{IMAGE_TAGS[newest]} (built for {newest}) until infra/cluster_autoscaler.py pins one"
    )
    return IMAGE_TAGS[newest]


def iam_statements(cluster: str) -> list[dict[str, Any]]:
    """The cluster-autoscaler AWS README's policy: read everything it must see, and change
    only ASGs tagged as this cluster's (EKS tags its managed groups' ASGs with both keys)."""
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
                "eks:DescribeNodegroup",
            ],
            "Resource": "*",
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


def expander_priorities(asgs: Mapping[str, int]) -> dict[str, list[str]]:
    """Priority -> regexes of exact ASG names (priority expander ConfigMap format)."""
    by_priority: dict[int, list[str]] = {}
    for asg, priority in asgs.items():
        by_priority.setdefault(priority, []).append(f"^{re.escape(asg)}$")
    return {str(p): sorted(by_priority[p]) for p in sorted(by_priority)}


@dataclass(frozen=True)
class ClusterAutoscalerArgs:
    cluster: str
    region: str
    kubernetes_version: str
    oidc_provider_arn: pulumi.Output[str]
    oidc_issuer: pulumi.Output[str]
    # ASG name -> expander priority, one entry per managed node group.
    priorities: list[tuple[pulumi.Output[str], int]]
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
                policy=policy_document(iam_statements(args.cluster)),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        names = [asg for asg, _ in args.priorities]
        ranks = [priority for _, priority in args.priorities]
        priorities = pulumi.Output.all(*names).apply(
            lambda resolved: expander_priorities(dict(zip(resolved, ranks, strict=True)))
        )
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
            version=CHART_VERSION,
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
