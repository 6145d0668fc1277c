"""One EKS managed node group, with its launch template and cluster-autoscaler ASG tags.

Everything a group is made of comes from `cortex_spec.node_profiles` (AMI type, labels,
taints, extended resources, the spot/on-demand split); nothing is re-derived here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec.node_profiles import ManagedGroup, NodeProfile, group_labels

# IMDSv2 only, reachable from the host network namespace alone: a pod (one more network
# hop) gets no answer, so it cannot borrow the node role; pods use IRSA (docs/cluster.md).
IMDS_HOP_LIMIT: Final = 1
# The root device of the AL2023 EKS AMIs, the only family node_profiles picks.
ROOT_DEVICE: Final = "/dev/xvda"
NODE_TEMPLATE: Final = "k8s.io/cluster-autoscaler/node-template"
# Desired size belongs to the cluster-autoscaler after creation (Pulumi wire name).
DESIRED_SIZE: Final = "scalingConfig.desiredSize"


def autoscaler_tags(
    node_profile: NodeProfile, group: ManagedGroup, labels: dict[str, str]
) -> dict[str, str]:
    """Scale-from-zero hints, in the cluster-autoscaler AWS README's tag format."""
    tags = {f"{NODE_TEMPLATE}/label/{key}": value for key, value in labels.items()}
    for taint in node_profile.taints:
        tags[f"{NODE_TEMPLATE}/taint/{taint.key}"] = f"{taint.value}:{taint.kubernetes_effect}"
    for resource, count in node_profile.extended_resources.items():
        if count > 0:
            tags[f"{NODE_TEMPLATE}/resources/{resource}"] = str(count)
    return dict(sorted(tags.items()))


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.removeprefix(NODE_TEMPLATE + "/").lower()).strip("-")


@dataclass(frozen=True)
class ManagedNodeGroupArgs:
    cluster: str
    cluster_name: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    subnet_ids: list[pulumi.Output[str]]
    profile: NodeProfile
    group: ManagedGroup
    tags: dict[str, str]
    # What nodes need before they can join and become Ready (role policies, the CNI).
    prerequisites: list[pulumi.Resource]


class ManagedNodeGroup(pulumi.ComponentResource):
    """Launch template, EKS managed node group and its autoscaler tags."""

    node_group: aws.eks.NodeGroup
    asg_name: pulumi.Output[str]
    instance_types: list[str]

    def __init__(
        self, name: str, args: ManagedNodeGroupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ManagedNodeGroup", name, None, opts)
        node_profile, group = args.profile, args.group
        volume = node_profile.volume
        child = pulumi.ResourceOptions(parent=self)
        labels = group_labels(node_profile, group)
        instance_tags = {**args.tags, "Name": f"{args.cluster}-{group.name}"}
        template = aws.ec2.LaunchTemplate(
            f"{name}-lt",
            name=f"{args.cluster}-{group.name}",
            description=f"Nodes of {group.name} in EKS cluster {args.cluster}",
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=IMDS_HOP_LIMIT,
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=ROOT_DEVICE,
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=volume.size_gb,
                        volume_type=volume.type,
                        iops=volume.iops,
                        throughput=volume.throughput,
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            # Provider default tags reach the template itself, not what it launches.
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=instance_tags)
                for kind in ("instance", "volume", "network-interface")
            ],
            opts=child,
        )
        # On-demand groups (a companion too) run the primary type only, so that the
        # autoscaler's model of a new node (the first type) is exact; spot groups draw from
        # the whole distribution to reach more spot pools.
        self.instance_types = list(
            node_profile.instance_types
            if group.capacity_type == "SPOT"
            else node_profile.instance_types[:1]
        )
        self.node_group = aws.eks.NodeGroup(
            f"{name}-group",
            cluster_name=args.cluster_name,
            node_group_name=group.name,
            node_role_arn=args.node_role_arn,
            subnet_ids=args.subnet_ids,
            ami_type=node_profile.ami_type,
            capacity_type=group.capacity_type,
            instance_types=self.instance_types,
            labels=labels,
            taints=[
                aws.eks.NodeGroupTaintArgs(key=t.key, value=t.value, effect=t.effect)
                for t in node_profile.taints
            ],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=group.min_size, max_size=group.max_size, desired_size=group.min_size
            ),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            # terraform-aws-eks's default: replace a third of the nodes at a time.
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable_percentage=33),
            opts=pulumi.ResourceOptions(
                parent=self,
                ignore_changes=[DESIRED_SIZE],
                # The group's name is fixed, so a replacement (new instance types, capacity
                # or AMI type) cannot exist beside the old group: delete it first.
                delete_before_replace=True,
                # Nodes that start before the node role's policies and the CNI exist never
                # become Ready, and the create fails after its timeout.
                depends_on=args.prerequisites,
            ),
        )
        self.asg_name = self.node_group.resources.apply(_asg_name)
        # Managed node group tags never reach the ASG (eksctl #1571), yet the autoscaler
        # reads scale-from-zero hints from ASG tags only: tag the ASG itself.
        for key, value in autoscaler_tags(node_profile, group, labels).items():
            aws.autoscaling.Tag(
                f"{name}-{_slug(key)}",
                autoscaling_group_name=self.asg_name,
                tag=aws.autoscaling.TagTagArgs(key=key, value=value, propagate_at_launch=False),
                opts=child,
            )
        self.register_outputs({"asg_name": self.asg_name})


def _asg_name(resources: Sequence[aws.eks.outputs.NodeGroupResource]) -> str:
    groups = resources[0].autoscaling_groups if resources else None
    return (groups[0].name or "") if groups else ""
