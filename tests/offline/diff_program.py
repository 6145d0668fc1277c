"""A small stand-in Pulumi program for the diff tests, shaped like the real one.

It reads the same stack config as `__main__.py` and declares, from the spec and with the
project's naming, what the diff must group and classify: a VPC and subnets, the EKS cluster,
a launch template and an EKS node group per managed group, and per API a component holding
its Deployment, Service and autoscaler. It lets the diff machinery be tested before
`infra/platform.py` and `infra/serving/` exist; it is not a model of their internals.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from cortex_spec import Spec, load_spec, naming

_TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


class Platform(pulumi.ComponentResource):
    def __init__(self, name: str, spec: Spec, opts: pulumi.ResourceOptions) -> None:
        super().__init__("cortex:test:Platform", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cluster = spec.cluster
        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=str(cluster.vpc_cidr), opts=child)
        zones = cluster.availability_zones or [f"{cluster.region}a", f"{cluster.region}b"]
        subnets = [
            aws.ec2.Subnet(
                f"{name}-subnet-{zone}",
                vpc_id=vpc.id,
                availability_zone=zone,
                cidr_block=f"10.0.{index * 16}.0/20",
                opts=child,
            )
            for index, zone in enumerate(zones)
        ]
        role = aws.iam.Role(
            f"{name}-cluster-role",
            name=naming.iam_role_name(cluster.name, "cluster"),
            assume_role_policy=_TRUST,
            opts=child,
        )
        self.eks = aws.eks.Cluster(
            f"{name}-eks",
            name=cluster.name,
            role_arn=role.arn,
            version=cluster.kubernetes_version,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=[s.id for s in subnets],
                endpoint_public_access=cluster.endpoint_public_access,
                public_access_cidrs=list(map(str, cluster.endpoint_public_access_cidrs)),
            ),
            opts=child,
        )
        node_role = aws.iam.Role(
            f"{name}-node-role",
            name=naming.iam_role_name(cluster.name, "node"),
            assume_role_policy=_TRUST,
            opts=child,
        )
        volumes = {g.name: g.instance_volume_size for g in cluster.worker_groups}
        for profile in [spec.system_profile, *spec.profiles]:
            for group in profile.groups:
                template = aws.ec2.LaunchTemplate(
                    f"{name}-{group.name}-lt",
                    name=f"{cluster.name}-{group.name}",
                    block_device_mappings=[
                        aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                            device_name="/dev/xvda",
                            ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                                volume_size=volumes.get(profile.name, 50)
                            ),
                        )
                    ],
                    opts=child,
                )
                aws.eks.NodeGroup(
                    f"{name}-{group.name}",
                    cluster_name=self.eks.name,
                    node_group_name=group.name,
                    node_role_arn=node_role.arn,
                    subnet_ids=[s.id for s in subnets],
                    instance_types=list(profile.instance_types),
                    ami_type=profile.ami_type,
                    capacity_type=group.capacity_type,
                    labels=profile.labels,
                    scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                        desired_size=group.min_size,
                        min_size=group.min_size,
                        max_size=group.max_size,
                    ),
                    launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                        id=template.id, version="$Latest"
                    ),
                    # The cluster autoscaler owns the desired size.
                    opts=pulumi.ResourceOptions(
                        parent=self, ignore_changes=["scalingConfig.desiredSize"]
                    ),
                )
        self.k8s = k8s.Provider(f"{name}-k8s", kubeconfig=self.eks.endpoint, opts=child)
        self.register_outputs({})


class Api(pulumi.ComponentResource):
    def __init__(self, name: str, spec: Spec, api_name: str, opts: pulumi.ResourceOptions) -> None:
        super().__init__("cortex:test:Api", name, None, opts)
        api = spec.api(api_name)
        child = pulumi.ResourceOptions(parent=self)
        resource_name = naming.deployment_name(api.name)
        labels = {naming.API_TAG: api.name}
        metadata = k8s.meta.v1.ObjectMetaArgs(
            name=resource_name, namespace=naming.NAMESPACE, labels=labels
        )
        image = api.predictor.image if api.predictor and api.predictor.image else "runtime:0.1.0"
        k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=metadata,
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=api.autoscaling.init_replicas or api.autoscaling.min_replicas,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                    spec=k8s.core.v1.PodSpecArgs(
                        containers=[k8s.core.v1.ContainerArgs(name="api", image=image)]
                    ),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["spec.replicas"]),
        )
        k8s.core.v1.Service(
            f"{name}-service",
            metadata=metadata,
            spec=k8s.core.v1.ServiceSpecArgs(
                selector=labels, ports=[k8s.core.v1.ServicePortArgs(port=80)]
            ),
            opts=child,
        )
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-hpa",
            metadata=metadata,
            spec=k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgs(
                min_replicas=max(api.autoscaling.min_replicas, 1),
                max_replicas=api.autoscaling.max_replicas,
                scale_target_ref=k8s.autoscaling.v2.CrossVersionObjectReferenceArgs(
                    api_version="apps/v1", kind="Deployment", name=resource_name
                ),
            ),
            opts=child,
        )
        self.register_outputs({})


config = pulumi.Config("cortex")
explicit = config.get("environment") or None
loaded = load_spec(
    config.require("spec"),
    environment=explicit or pulumi.get_stack(),
    environment_required=explicit is not None,
)
aws_provider = aws.Provider(
    "aws",
    region=loaded.cluster.region,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags=naming.base_tags(loaded.cluster.name, loaded.cluster.tags)
    ),
)
platform = Platform("platform", loaded, pulumi.ResourceOptions(providers=[aws_provider]))
serving_opts = pulumi.ResourceOptions(providers=[aws_provider, platform.k8s])
for each in loaded.apis:
    Api(f"serving-{each.name}", loaded, each.name, serving_opts)
pulumi.export("cluster_name", platform.eks.name)
