"""What one layer of the program hands to the next: the stack settings the program reads
from Pulumi config, the platform as the serving layer sees it, and what the stack exports."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s


@dataclass(frozen=True)
class BuildOptions:
    """Stack-level settings that are not part of cortex.yaml (only `infra/program.py:main` reads
    Pulumi config; `infra.build` receives them here)."""

    stack: str
    admin_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterHandle:
    """The platform (network, EKS, nodes, add-ons) as the serving layer sees it."""

    name: pulumi.Output[str]
    region: str
    account_id: pulumi.Output[str]
    kubernetes_version: str
    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    # The EKS-created security group every managed node carries; load balancer targets
    # (pod IPs on nodes) are reached through it.
    cluster_security_group_id: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    # The issuer without its scheme, as IRSA trust conditions spell it.
    oidc_issuer: pulumi.Output[str]
    k8s_provider: k8s.Provider
    # The provider's kubeconfig (a secret): the router's ConfigMaps go through a second
    # provider of the same cluster that updates ConfigMaps in place.
    kubeconfig: pulumi.Output[str]
    tags: dict[str, str]
    # The address ranges of the cluster's network (the new VPC's CIDR, or the given subnets'):
    # the load balancer and the control plane reach pods from there (network_policies.py).
    network_cidrs: tuple[str, ...] = ()
    # Helm releases and workloads wait for somewhere to run: the system node group and the
    # core add-ons (CoreDNS, VPC CNI). Nothing else needs to wait on the whole platform.
    system_ready: list[pulumi.Resource] = field(default_factory=list)


@dataclass(frozen=True)
class StackOutputs:
    """Everything the program exports."""

    cluster_name: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    vpc_id: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    node_groups: pulumi.Output[dict[str, dict[str, object]]]
    extra: dict[str, pulumi.Output[object]] = field(default_factory=dict)

    def exports(self) -> dict[str, pulumi.Output[object]]:
        return {
            "cluster_name": self.cluster_name,
            "kubeconfig": pulumi.Output.secret(self.kubeconfig),
            "vpc_id": self.vpc_id,
            "oidc_provider_arn": self.oidc_provider_arn,
            "node_groups": self.node_groups,
            **self.extra,
        }
