"""The platform: network, EKS, node groups, add-ons, node autoscaling and device plugins.

Order of creation follows data and the few real prerequisites only: every node group waits
for the cluster, the node role's policies and the bootstrap add-ons (VPC CNI, kube-proxy),
never for another node group; Deployment add-ons and Helm releases wait for the system node
group; the cluster-autoscaler names node groups by prefix and so waits for none of them.
On a Kubernetes version bump the same edges order the update: the control plane, then the
bootstrap add-ons and node groups (rolling, in place), then the Deployment add-ons.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi
import pulumi_aws as aws

from cortex_spec import Spec, catalog, naming
from cortex_spec.node_profiles import ManagedGroup, NodeProfile
from infra import kubeconfig as kubeconfigs
from infra.addons import AddonsArgs, BootstrapAddons, WorkloadAddons
from infra.cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from infra.device_plugins import DevicePlugins, DevicePluginsArgs
from infra.eks_cluster import EksCluster, EksClusterArgs
from infra.handles import BuildOptions, ClusterHandle, StackOutputs
from infra.network import Network, NetworkArgs, existing_subnets
from infra.node_groups import ManagedNodeGroup, ManagedNodeGroupArgs
from infra.zones import zones_for


@dataclass(frozen=True)
class PlatformArgs:
    spec: Spec
    options: BuildOptions


@dataclass(frozen=True)
class _Subnets:
    vpc_id: pulumi.Output[str]
    public: list[pulumi.Output[str]]
    private: list[pulumi.Output[str]]
    nodes: list[pulumi.Output[str]]
    cidrs: tuple[str, ...]


class Platform(pulumi.ComponentResource):
    """Everything below the serving layer; `handle` is what the serving layer receives."""

    handle: ClusterHandle
    kubeconfig: pulumi.Output[str]
    node_groups: pulumi.Output[dict[str, dict[str, object]]]

    def __init__(
        self, name: str, args: PlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:Platform", name, None, opts)
        spec, cluster = args.spec, args.spec.cluster
        child = pulumi.ResourceOptions(parent=self)
        region = catalog.region(cluster.region)
        partition = region.partition if region else "aws"
        subnets = self._subnets(name, spec)
        eks = EksCluster(
            f"{name}-eks",
            EksClusterArgs(
                cluster=cluster,
                partition=partition,
                subnet_ids=subnets.nodes,
                admin_arns=args.options.admin_arns,
            ),
            opts=child,
        )
        self.kubeconfig = kubeconfigs.kubeconfig(
            eks.name, eks.endpoint, eks.certificate_authority, cluster.region
        )
        provider = kubeconfigs.provider(f"{name}-k8s", self.kubeconfig, opts=child)
        addons = AddonsArgs(
            cluster=cluster.name,
            cluster_name=eks.name,
            kubernetes_version=cluster.kubernetes_version,
            partition=partition,
            oidc_provider_arn=eks.oidc_provider_arn,
            oidc_issuer=eks.oidc_issuer,
        )
        bootstrap = BootstrapAddons(f"{name}-addons-bootstrap", addons, opts=child)
        tags = naming.base_tags(cluster.name, cluster.tags)

        def node_group(node_profile: NodeProfile, group: ManagedGroup) -> ManagedNodeGroup:
            return ManagedNodeGroup(
                f"{name}-nodes-{group.name}",
                ManagedNodeGroupArgs(
                    cluster=cluster.name,
                    region=cluster.region,
                    cluster_name=eks.name,
                    kubernetes_version=eks.version,
                    node_role_arn=eks.node_role_arn,
                    subnet_ids=subnets.nodes,
                    profile=node_profile,
                    group=group,
                    tags=tags,
                    prerequisites=[*eks.node_role_ready, *bootstrap.resources],
                ),
                opts=child,
            )

        system_profile = spec.system_profile
        system = node_group(system_profile, system_profile.groups[0])
        groups = [(system_profile, system_profile.groups[0], system)]
        for node_profile in spec.profiles:
            for group in node_profile.groups:
                groups.append((node_profile, group, node_group(node_profile, group)))
        workload = WorkloadAddons(
            f"{name}-addons",
            replace(addons, after=[system.node_group]),
            opts=child,
        )
        system_ready: list[pulumi.Resource] = [
            system.node_group,
            bootstrap.vpc_cni,
            workload.coredns,
        ]
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        ClusterAutoscaler(
            f"{name}-cluster-autoscaler",
            ClusterAutoscalerArgs(
                cluster=cluster.name,
                region=cluster.region,
                partition=partition,
                account_id=identity.account_id,
                kubernetes_version=cluster.kubernetes_version,
                oidc_provider_arn=eks.oidc_provider_arn,
                oidc_issuer=eks.oidc_issuer,
                priorities=[(mng.name_prefix, group.expander_priority) for _, group, mng in groups],
                k8s_provider=provider,
                system_ready=system_ready,
            ),
            opts=child,
        )
        accelerators = {p.accelerator for p in spec.profiles}
        if accelerators & {"nvidia", "neuron"}:
            DevicePlugins(
                f"{name}-device-plugins",
                DevicePluginsArgs(
                    nvidia="nvidia" in accelerators,
                    neuron_instance_types=sorted(
                        {
                            t
                            for p in spec.profiles
                            if p.accelerator == "neuron"
                            for t in p.instance_types
                        }
                    ),
                    kubernetes_version=cluster.kubernetes_version,
                    k8s_provider=provider,
                    system_ready=system_ready,
                ),
                opts=child,
            )
        self.node_groups = _node_groups_output(groups)
        self.handle = ClusterHandle(
            name=eks.name,
            region=cluster.region,
            account_id=identity.account_id,
            kubernetes_version=cluster.kubernetes_version,
            vpc_id=subnets.vpc_id,
            public_subnet_ids=subnets.public,
            private_subnet_ids=subnets.private,
            cluster_security_group_id=eks.security_group_id,
            oidc_provider_arn=eks.oidc_provider_arn,
            oidc_issuer=eks.oidc_issuer,
            k8s_provider=provider,
            kubeconfig=self.kubeconfig,
            tags=tags,
            network_cidrs=subnets.cidrs,
            system_ready=system_ready,
        )
        self.register_outputs(
            {"cluster_name": eks.name, "vpc_id": subnets.vpc_id, "node_groups": self.node_groups}
        )

    def _subnets(self, name: str, spec: Spec) -> _Subnets:
        """A new VPC, or the spec's existing subnets; nodes go private unless told public."""
        cluster = spec.cluster
        invoke = pulumi.InvokeOptions(parent=self)
        if cluster.subnets:
            existing = existing_subnets(cluster, invoke)
            # The subnets' visibility is the VPC owner's business: whichever they are, they
            # are all the cluster may use, for nodes and load balancers alike.
            ids = [pulumi.Output.from_input(s) for s in existing.subnet_ids]
            vpc = pulumi.Output.from_input(existing.vpc_id)
            return _Subnets(vpc, ids, ids, ids, tuple(existing.cidrs))
        network = Network(
            f"{name}-network",
            NetworkArgs(cluster=cluster, zones=zones_for(spec, invoke)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        public = cluster.subnet_visibility == "public"
        return _Subnets(
            network.vpc_id,
            network.public_subnet_ids,
            network.private_subnet_ids,
            network.public_subnet_ids if public else network.private_subnet_ids,
            (cluster.vpc_cidr,),
        )


def build_platform(spec: Spec, options: BuildOptions) -> tuple[Platform, pulumi.ResourceOptions]:
    """The platform under an AWS provider for the spec's region; the options to reuse."""
    cluster = spec.cluster
    # An explicit provider: the spec, not ambient `aws:region` config, decides the region,
    # and every taggable AWS resource gets the cluster tags.
    provider = aws.Provider(
        "aws",
        region=cluster.region,
        default_tags=aws.ProviderDefaultTagsArgs(tags=naming.base_tags(cluster.name, cluster.tags)),
    )
    opts = pulumi.ResourceOptions(providers=[provider])
    return Platform("platform", PlatformArgs(spec=spec, options=options), opts=opts), opts


def stack_outputs(
    platform: Platform, extra: dict[str, pulumi.Output[object]] | None = None
) -> StackOutputs:
    """The stack outputs the platform provides, plus the serving layer's `extra`."""
    return StackOutputs(
        cluster_name=platform.handle.name,
        kubeconfig=platform.kubeconfig,
        vpc_id=platform.handle.vpc_id,
        oidc_provider_arn=platform.handle.oidc_provider_arn,
        node_groups=platform.node_groups,
        extra=extra or {},
    )


def _node_groups_output(
    groups: list[tuple[NodeProfile, ManagedGroup, ManagedNodeGroup]],
) -> pulumi.Output[dict[str, dict[str, object]]]:
    """name -> {node_group, asg, instance_types, capacity_type}: the `node_groups` output,
    keyed by the managed group's spec name; `node_group` is the physical EKS name."""
    names = [value for _, _, mng in groups for value in (mng.node_group_name, mng.asg_name)]

    def build(resolved: list[Any]) -> dict[str, dict[str, object]]:
        return {
            group.name: {
                "node_group": resolved[2 * index],
                "asg": resolved[2 * index + 1],
                "instance_types": list(mng.instance_types),
                "capacity_type": group.capacity_type,
            }
            for index, (_, group, mng) in enumerate(groups)
        }

    return pulumi.Output.all(*names).apply(build)
