"""One EKS managed node group, with its launch template, its scaling owner and its
cluster-autoscaler ASG tags.

Everything a group is made of comes from `cortex_spec.node_profiles` (AMI type, labels,
taints, extended resources, the spot/on-demand split); nothing is re-derived here.

Safe on every update (docs/cluster.md, "Node groups on day 2"):
- no fixed physical names: the node group is named from a prefix and the launch template
  from a prefix, so a replacement (new subnets, AMI or capacity type, a spot group's types)
  is created beside the old one and the old one is deleted last: capacity never drops to 0;
- an on-demand group's single instance type lives in the launch template, so changing it is
  a new template version, which EKS rolls out a third of the nodes at a time (an update,
  not a replacement);
- `version` comes from the cluster resource: the group follows the control plane, after it;
- min and max belong to `NodeGroupScaling` after creation (infra/node_scaling.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec import naming
from cortex_spec.node_profiles import ManagedGroup, NodeProfile, group_labels
from infra.node_scaling import NodeGroupScaling, NodeGroupScalingArgs

# IMDSv2 only, reachable from the host network namespace alone: a pod (one more network
# hop) gets no answer, so it cannot borrow the node role; pods use IRSA (docs/cluster.md).
IMDS_HOP_LIMIT: Final = 1
# The root device of the AL2023 EKS AMIs, the only family node_profiles picks.
ROOT_DEVICE: Final = "/dev/xvda"
NODE_TEMPLATE: Final = "k8s.io/cluster-autoscaler/node-template"
# Min, max and desired size are set at creation only (Pulumi wire name); afterwards
# NodeGroupScaling owns min and max, and the cluster-autoscaler the desired size.
SCALING_CONFIG: Final = "scalingConfig"


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


def template_instance_type(node_profile: NodeProfile, group: ManagedGroup) -> str | None:
    """The instance type a launch template carries: an on-demand group's only type.

    On-demand groups (a companion too) run the primary type alone, so the autoscaler's model
    of a new node (it reads the type from the launch template) is exact. Spot groups draw
    from the whole distribution, which only the node group's `instanceTypes` can list; EKS
    fails a group that sets both (botocore EKS model, CreateNodegroup `instanceTypes`)."""
    return node_profile.instance_types[0] if group.capacity_type == "ON_DEMAND" else None


def node_group_instance_types(node_profile: NodeProfile, group: ManagedGroup) -> list[str] | None:
    """The node group's `instanceTypes`: a spot group's distribution, else none at all."""
    return list(node_profile.instance_types) if group.capacity_type == "SPOT" else None


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.removeprefix(NODE_TEMPLATE + "/").lower()).strip("-")


@dataclass(frozen=True)
class ManagedNodeGroupArgs:
    cluster: str
    region: str
    cluster_name: pulumi.Output[str]
    # The cluster resource's `version` output: the group upgrades after the control plane.
    kubernetes_version: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    subnet_ids: list[pulumi.Output[str]]
    profile: NodeProfile
    group: ManagedGroup
    tags: dict[str, str]
    # What nodes need before they can join and become Ready (role policies, CNI, kube-proxy).
    prerequisites: list[pulumi.Resource]


class ManagedNodeGroup(pulumi.ComponentResource):
    """Launch template, EKS managed node group, its scaling owner and its autoscaler tags."""

    node_group: aws.eks.NodeGroup
    # The physical name EKS knows the group by (`<prefix><suffix>`), known after creation.
    node_group_name: pulumi.Output[str]
    # `<group>-`: what the program knows of the name before creation (cluster-autoscaler).
    name_prefix: str
    asg_name: pulumi.Output[str]
    instance_types: list[str]
    scaling: NodeGroupScaling

    def __init__(
        self, name: str, args: ManagedNodeGroupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ManagedNodeGroup", name, None, opts)
        node_profile, group = args.profile, args.group
        volume = node_profile.volume
        child = pulumi.ResourceOptions(parent=self)
        labels = group_labels(node_profile, group)
        instance_tags = {**args.tags, "Name": f"{args.cluster}-{group.name}"}
        self.name_prefix = naming.node_group_prefix(group.name)
        template = aws.ec2.LaunchTemplate(
            f"{name}-lt",
            # Launch template names are unique per account and region: a prefix lets a
            # replacement exist beside the template it replaces.
            name_prefix=f"{args.cluster}-{self.name_prefix}",
            description=f"Nodes of {group.name} in EKS cluster {args.cluster}",
            instance_type=template_instance_type(node_profile, group),
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
        self.instance_types = node_group_instance_types(node_profile, group) or [
            node_profile.instance_types[0]
        ]
        self.node_group = aws.eks.NodeGroup(
            f"{name}-group",
            cluster_name=args.cluster_name,
            # No fixed name: a replacement is created first, under a new name, and the old
            # group is deleted at the end of the update (create-before-delete).
            node_group_name_prefix=self.name_prefix,
            # The only value EKS accepts is the cluster's own version (botocore EKS model,
            # CreateNodegroup `version`); the template has no image id, so EKS picks the AMI
            # of that version and rolls the nodes onto it when the cluster moves on.
            version=args.kubernetes_version,
            node_role_arn=args.node_role_arn,
            subnet_ids=args.subnet_ids,
            ami_type=node_profile.ami_type,
            capacity_type=group.capacity_type,
            instance_types=node_group_instance_types(node_profile, group),
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
                # Sizes are for creation only: the bridge drops ignored paths from the
                # Terraform plan (pulumi-terraform-bridge pkg/tfbridge/provider.go, Update),
                # so no update of this resource ever sends a stale desired size.
                ignore_changes=[SCALING_CONFIG],
                # Nodes that start before the node role's policies, the CNI and kube-proxy
                # exist never become Ready, and the create fails after its timeout.
                depends_on=args.prerequisites,
            ),
        )
        self.node_group_name = self.node_group.node_group_name
        self.scaling = NodeGroupScaling(
            f"{name}-scaling",
            NodeGroupScalingArgs(
                region=args.region,
                cluster_name=args.cluster_name,
                nodegroup_name=self.node_group_name,
                min_size=group.min_size,
                max_size=group.max_size,
            ),
            opts=child,
        )
        self.asg_name = self.node_group.resources.apply(_asg_name)
        # Managed node group tags never reach the ASG (eksctl #1571), yet the autoscaler
        # reads scale-from-zero hints from ASG tags only: tag the ASG itself. A replaced
        # group has a new ASG, so its tags are created on it before the old ones go.
        for key, value in autoscaler_tags(node_profile, group, labels).items():
            aws.autoscaling.Tag(
                f"{name}-{_slug(key)}",
                autoscaling_group_name=self.asg_name,
                tag=aws.autoscaling.TagTagArgs(key=key, value=value, propagate_at_launch=False),
                opts=child,
            )
        self.register_outputs({"node_group_name": self.node_group_name, "asg_name": self.asg_name})


def _asg_name(resources: Sequence[aws.eks.outputs.NodeGroupResource]) -> str:
    groups = resources[0].autoscaling_groups if resources else None
    return (groups[0].name or "") if groups else ""
