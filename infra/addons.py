"""EKS managed add-ons, in two stages.

`BootstrapAddons` are the DaemonSets nodes need to become Ready: the VPC CNI (pod networking;
a node without it stays NotReady) and kube-proxy (Service routing: the CNI's own pod reaches
the API server through the `kubernetes` Service, aws/amazon-vpc-cni-k8s#1078). They go
ACTIVE without any node, so node groups wait for them (terraform-aws-eks calls these
`before_compute`). `WorkloadAddons` run Deployments (CoreDNS, the EBS CSI controller,
metrics-server), which only go ACTIVE once a node can run them, so they wait for the system
node group instead.

No EKS Pod Identity agent: it only serves credentials to pods named in Pod Identity
associations, and the stack has none; every controller and API assumes its role through
IRSA (infra/irsa.py). Leaving it out removes a host-network DaemonSet from every node and
a prerequisite from every node group; a stack that had it deletes it on its next update.

Versions: no add-on version is written in code, because a valid version depends on the
cluster's Kubernetes minor and no cited table covers every minor we accept. Each version is
resolved with `aws.eks.get_addon_version(most_recent=False)`: the version EKS marks as the
default for that Kubernetes version, never the newest. Diff risk: when AWS changes which
version is the default for a minor, the next `pulumi up` updates the add-on in place. The
offline plan cannot know the real value and shows a placeholder (docs/cluster.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec import naming
from infra.irsa import IrsaRole, IrsaRoleArgs

SYSTEM_NAMESPACE: Final = naming.SYSTEM_NAMESPACE
# Service accounts the add-ons run as (EKS user guide pages of the VPC CNI and EBS CSI
# add-ons); the IRSA trust policies admit exactly these.
VPC_CNI_SERVICE_ACCOUNT: Final = "aws-node"
EBS_CSI_SERVICE_ACCOUNT: Final = "ebs-csi-controller-sa"
# The VPC CNI's network policy agent enforces the serving layer's NetworkPolicies
# (infra/serving/network_policies.py). EKS user guide, "Restrict Pod network traffic with
# Kubernetes network policies": the `enableNetworkPolicy` configuration value, add-on
# v1.14.0-eksbuild.3 or later, Kubernetes 1.25+, nodes with Linux 5.10+ (every AL2023 AMI
# the node groups use); the BPF file system is mounted by every EKS-optimized AMI of 1.27+.
# Every version this project accepts (1.29+) has a default add-on far past v1.14.
VPC_CNI_CONFIGURATION: Final = {"enableNetworkPolicy": "true"}


@dataclass(frozen=True)
class AddonsArgs:
    cluster: str
    cluster_name: pulumi.Output[str]
    kubernetes_version: str
    partition: str
    oidc_provider_arn: pulumi.Output[str]
    oidc_issuer: pulumi.Output[str]
    # What the add-ons' pods need before EKS reports them ACTIVE (WorkloadAddons: nodes).
    after: list[pulumi.Resource] = field(default_factory=list)


class _AddonStage(pulumi.ComponentResource):
    """Shared helpers: the pinned-by-invoke version and the add-on resource."""

    def __init__(
        self, token: str, name: str, args: AddonsArgs, opts: pulumi.ResourceOptions | None
    ) -> None:
        super().__init__(token, name, None, opts)
        self._stage_args = args
        self._stage_name = name

    def _default_version(self, addon: str) -> str:
        found = aws.eks.get_addon_version(
            addon_name=addon,
            kubernetes_version=self._stage_args.kubernetes_version,
            most_recent=False,
            opts=pulumi.InvokeOptions(parent=self),
        )
        return found.version

    def _addon(
        self,
        addon: str,
        role_arn: pulumi.Input[str] | None = None,
        configuration: dict[str, str] | None = None,
    ) -> aws.eks.Addon:
        return aws.eks.Addon(
            f"{self._stage_name}-{addon}",
            cluster_name=self._stage_args.cluster_name,
            addon_name=addon,
            addon_version=self._default_version(addon),
            service_account_role_arn=role_arn,
            configuration_values=json.dumps(configuration, sort_keys=True)
            if configuration
            else None,
            # The stack owns these add-ons: settings changed by hand are put back.
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            # Deployment add-ons stay DEGRADED, and their create times out, without a node.
            opts=pulumi.ResourceOptions(parent=self, depends_on=self._stage_args.after),
        )

    def _irsa(self, purpose: str, service_account: str, managed_policy: str) -> IrsaRole:
        args = self._stage_args
        return IrsaRole(
            f"{self._stage_name}-{purpose}",
            IrsaRoleArgs(
                role_name=naming.iam_role_name(args.cluster, purpose),
                namespace=SYSTEM_NAMESPACE,
                service_account=service_account,
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_issuer=args.oidc_issuer,
                managed_policy_arns=(f"arn:{args.partition}:iam::aws:policy/{managed_policy}",),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )


class BootstrapAddons(_AddonStage):
    """VPC CNI (with its own IRSA role) and kube-proxy."""

    # What a node needs to become Ready, and nothing else: node groups wait for these.
    resources: list[pulumi.Resource]
    vpc_cni: aws.eks.Addon

    def __init__(
        self, name: str, args: AddonsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:BootstrapAddons", name, args, opts)
        # AWS's managed CNI policy on an IRSA role rather than on the node role: pods that
        # reach the node's credentials cannot change the VPC's network interfaces.
        cni_role = self._irsa("vpc-cni", VPC_CNI_SERVICE_ACCOUNT, "AmazonEKS_CNI_Policy")
        self.vpc_cni = self._addon("vpc-cni", cni_role.arn, VPC_CNI_CONFIGURATION)
        self.resources = [self.vpc_cni, self._addon("kube-proxy")]
        self.register_outputs({})


class WorkloadAddons(_AddonStage):
    """CoreDNS, the EBS CSI driver (with its own IRSA role) and metrics-server."""

    coredns: aws.eks.Addon

    def __init__(
        self, name: str, args: AddonsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:WorkloadAddons", name, args, opts)
        self.coredns = self._addon("coredns")
        ebs_role = self._irsa(
            "ebs-csi", EBS_CSI_SERVICE_ACCOUNT, "service-role/AmazonEBSCSIDriverPolicy"
        )
        self._addon("aws-ebs-csi-driver", ebs_role.arn)
        self._addon("metrics-server")
        self.register_outputs({})
