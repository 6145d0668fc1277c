"""`cluster:` — the EKS cluster, its network and its node groups (Cortex v0.42 field names)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator

from cortex_spec import catalog
from cortex_spec.kubernetes_versions import DEFAULT_VERSION, OLDEST_MINOR
from cortex_spec.models.base import CidrValue, StrictModel, check_image, fail
from cortex_spec.models.legacy import CortexOnlyClusterFields

_CLUSTER_NAME = re.compile(r"^([a-z0-9])+(-[a-z0-9]+)*$")
_NODE_GROUP_NAME = re.compile(r"^[a-zA-Z0-9-]*[a-zA-Z0-9]$")
_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_CERT_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$")
_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(aws|\d{12}):policy/[\w+=,.@/-]+$")
_K8S_VERSION = re.compile(r"^1\.\d+$")
_SIZE_TOO_SMALL = ("nano", "micro")


def check_instance_type(value: str) -> str:
    """Known to the catalog, and of a kind EKS nodes can serve from."""
    info = catalog.instance_type(value)
    if info is None:
        close = catalog.suggest(value, catalog.instance_type_names())
        fail(
            f'unknown instance type "{value}"',
            f"did you mean '{close[0]}'?" if close else "use an EC2 type such as m5.large",
        )
    if info.size in _SIZE_TOO_SMALL:
        fail(
            f"nano and micro instances (including {value}) are not supported",
            "nodes need room for the kubelet and system pods; use a larger size such as "
            f"{info.family}.large",
        )
    if info.accelerator == "amd":
        fail(
            f"AMD GPU instances (including {value}) are not supported",
            "serving GPUs are NVIDIA (g4dn, g5, g6, g6e, p4d, p5); pick one of those",
        )
    if info.arch == "mac" or info.fpga or info.media_accelerator or info.series in ("dl",):
        fail(
            f"{value} instances are not supported",
            "use a CPU, NVIDIA GPU or AWS Neuron (inf, trn) instance type",
        )
    return value


class ExistingSubnet(StrictModel):
    """A subnet of an existing VPC to place the cluster in."""

    availability_zone: Annotated[str, Field(description="AZ of the subnet, e.g. us-west-2a.")]
    subnet_id: Annotated[str, Field(description="ID of the subnet, e.g. subnet-0abc1234.")]

    @field_validator("subnet_id")
    @classmethod
    def _subnet_id(cls, value: str) -> str:
        if not _SUBNET_ID.match(value):
            fail(f'"{value}" is not a subnet ID', "write it like subnet-0123456789abcdef0")
        return value


class SpotConfig(StrictModel):
    """How a spot node group mixes spot and on-demand capacity (Cortex semantics)."""

    instance_distribution: Annotated[
        list[Annotated[str, Field(description="An EC2 instance type.")]] | None,
        Field(
            default=None,
            description="Instance types the group may launch; the primary `instance_type` is "
            "always first. Each must have at least the primary's CPU, memory and accelerators.",
        ),
    ]
    on_demand_base_capacity: Annotated[
        int,
        Field(
            default=0,
            ge=0,
            description="Instances that are always on-demand, before any spot. They run in a "
            "companion on-demand node group.",
        ),
    ]
    on_demand_percentage_above_base_capacity: Annotated[
        int,
        Field(
            default=0,
            ge=0,
            le=100,
            description="Percentage of the capacity above the base that is on-demand (0-100). "
            "Cortex's code default is 0.",
        ),
    ]
    max_price: Annotated[
        float | None,
        Field(
            default=None,
            gt=0,
            description="Cortex's maximum spot price per hour. EKS managed node groups cannot cap "
            "it (spot is never charged above on-demand); accepted with a warning.",
        ),
    ]
    instance_pools: Annotated[
        int | None,
        Field(
            default=None,
            ge=1,
            le=20,
            description="Cortex's spot pool count. EKS managed node groups choose pools "
            "themselves (price-capacity-optimized); accepted with a warning.",
        ),
    ]

    @field_validator("instance_distribution")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            check_instance_type(item)
        return value


class NodeGroup(StrictModel):
    """One EKS managed node group (plus an on-demand companion when spot asks for one)."""

    name: Annotated[
        str,
        Field(description="Unique name: letters, digits and dashes, at most 26 characters."),
    ]
    instance_type: Annotated[
        str, Field(description="EC2 instance type; its accelerator picks the AMI and taints.")
    ]
    min_instances: Annotated[
        int, Field(default=1, ge=0, description="Minimum nodes; 0 lets the group scale to zero.")
    ]
    max_instances: Annotated[
        int, Field(default=5, ge=1, description="Maximum nodes the autoscaler may run.")
    ]
    priority: Annotated[
        int,
        Field(
            default=1,
            ge=1,
            le=100,
            description="Autoscaler preference, 1-100: higher is tried first when several "
            "groups fit a pending pod.",
        ),
    ]
    instance_volume_size: Annotated[
        int, Field(default=50, ge=20, le=16384, description="Root volume size in GB.")
    ]
    instance_volume_type: Annotated[
        Literal["gp2", "gp3", "io1", "st1", "sc1"],
        Field(default="gp3", description="Root volume type (encrypted)."),
    ]
    instance_volume_iops: Annotated[
        int | None,
        Field(
            default=None,
            description="Provisioned IOPS: io1 (100-64000, at most 50 x size) or gp3 "
            "(3000-16000, at most 500 x size). Defaults: gp3 3000; io1 min(50 x size, 3000).",
        ),
    ]
    instance_volume_throughput: Annotated[
        int | None,
        Field(default=None, description="gp3 throughput in MB/s (125-1000); default 125."),
    ]
    spot: Annotated[bool, Field(default=False, description="Run on spot capacity.")]
    spot_config: Annotated[
        SpotConfig | None,
        Field(default=None, description="Spot mix; only with `spot: true`."),
    ]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > 26:
            fail(f'"{value}" must be no more than 26 characters', "shorten the node group name")
        if not _NODE_GROUP_NAME.match(value):
            fail(
                f'"{value}" is not a valid node group name',
                "use letters, digits and dashes, not ending with a dash",
            )
        return value

    @field_validator("instance_type")
    @classmethod
    def _instance_type(cls, value: str) -> str:
        return check_instance_type(value)


class SystemNodeGroup(StrictModel):
    """The on-demand group that runs cluster add-ons (Cortex's operator group)."""

    instance_type: Annotated[
        str, Field(default="t3.medium", description="CPU instance type for add-on pods.")
    ]
    min_instances: Annotated[int, Field(default=2, ge=1, description="Minimum nodes.")]
    max_instances: Annotated[int, Field(default=5, ge=1, description="Maximum nodes.")]

    @field_validator("instance_type")
    @classmethod
    def _instance_type(cls, value: str) -> str:
        check_instance_type(value)
        info = catalog.instance_type(value)
        if info is not None and info.accelerator != "none":
            fail(f"{value} has accelerators", "use a CPU type such as t3.medium or m5.large")
        return value


class ClusterConfig(CortexOnlyClusterFields):
    """The cluster section: identity, network, load balancer and node groups."""

    name: Annotated[
        str,
        Field(
            default="cortex",
            validation_alias=AliasChoices("name", "cluster_name"),
            description="Cluster name, 3-54 lowercase letters, digits and dashes. Cortex's "
            "`cluster_name` is accepted too.",
        ),
    ]
    region: Annotated[str, Field(description="AWS region, e.g. us-west-2.")]
    availability_zones: Annotated[
        list[str] | None,
        Field(
            default=None,
            description="At least 2 AZs. Default: AZs that offer every node group's type.",
        ),
    ]
    kubernetes_version: Annotated[
        str,
        Field(default=DEFAULT_VERSION, description="EKS Kubernetes minor version, e.g. 1.35."),
    ]
    subnet_visibility: Annotated[
        Literal["public", "private"],
        Field(
            default="private",
            description="Where nodes run. Default private (Cortex defaulted to public): nodes "
            "get no public IPs and reach the internet through NAT.",
        ),
    ]
    nat_gateway: Annotated[
        Literal["none", "single", "highly_available"] | None,
        Field(
            default=None,
            description="NAT: none, single, or one per AZ. Default: none with `subnets` or "
            "public nodes, else single.",
        ),
    ]
    vpc_cidr: Annotated[
        CidrValue,
        Field(default="192.168.0.0/16", description="CIDR of the new VPC, /16 to /24."),
    ]
    subnets: Annotated[
        list[ExistingSubnet] | None,
        Field(default=None, description="Use an existing VPC: at least 2 subnets."),
    ]
    api_load_balancer_scheme: Annotated[
        Literal["internet-facing", "internal"],
        Field(default="internet-facing", description="Scheme of the shared API load balancer."),
    ]
    api_load_balancer_type: Annotated[
        Literal["alb", "nlb", "elb"],
        Field(
            default="alb",
            description="cortex-infra always builds an application load balancer (path routing "
            "needs layer 7). Cortex's nlb and elb are accepted with a warning.",
        ),
    ]
    api_load_balancer_cidr_white_list: Annotated[
        list[CidrValue],
        Field(
            default_factory=lambda: ["0.0.0.0/0"],
            description="Client CIDRs allowed to reach the API load balancer.",
        ),
    ]
    ssl_certificate_arn: Annotated[
        str | None,
        Field(default=None, description="ACM certificate for HTTPS; HTTP then redirects."),
    ]
    endpoint_public_access: Annotated[
        bool,
        Field(default=True, description="Expose the Kubernetes API endpoint publicly."),
    ]
    endpoint_public_access_cidrs: Annotated[
        list[CidrValue],
        Field(
            default_factory=lambda: ["0.0.0.0/0"],
            description="CIDRs allowed to reach the public Kubernetes API endpoint.",
        ),
    ]
    tags: Annotated[
        dict[str, str],
        Field(default_factory=dict, description="AWS tags added to every resource."),
    ]
    iam_policy_arns: Annotated[
        list[str],
        Field(
            default_factory=list,
            description="Extra IAM policies for every API's role (Cortex attached them to "
            "nodes, with S3 full access by default; here the default is none).",
        ),
    ]
    runtime_image: Annotated[
        str | None,
        Field(
            default=None,
            description="Image that serves predictor-form APIs. Default: the runtime image in "
            "the ECR repository the stack creates.",
        ),
    ]
    system_node_group: Annotated[
        SystemNodeGroup,
        Field(default_factory=SystemNodeGroup, description="Nodes for cluster add-ons."),
    ]
    node_groups: Annotated[
        list[NodeGroup] | None,
        Field(default=None, max_length=100, description="Worker node groups (at most 100)."),
    ]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not 3 <= len(value) <= 54:
            fail(f'"{value}" must be 3 to 54 characters', "pick a shorter or longer name")
        if not _CLUSTER_NAME.match(value):
            fail(
                f'"{value}" is not a valid cluster name',
                "only lowercase alphanumeric characters and dashes are allowed, with no "
                "consecutive dashes and no leading or trailing dashes",
            )
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        info = catalog.region(value)
        if info is None or not info.eks:
            close = catalog.suggest(value, catalog.region_names())
            fail(
                f'"{value}" is not a valid AWS region, or is one where EKS is not available',
                f"did you mean '{close[0]}'?" if close else "use a region such as us-west-2",
            )
        return value

    @field_validator("kubernetes_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _K8S_VERSION.match(value):
            fail(f'"{value}" is not a Kubernetes minor version', 'write it like "1.35" (quoted)')
        if int(value.split(".")[1]) < OLDEST_MINOR:
            fail(
                f"Kubernetes {value} is past the end of EKS extended support",
                f"use {DEFAULT_VERSION}",
            )
        return value

    @field_validator("ssl_certificate_arn")
    @classmethod
    def _certificate(cls, value: str | None) -> str | None:
        if value is not None and not _CERT_ARN.match(value):
            fail(
                f'"{value}" is not an ACM certificate ARN',
                "write it like arn:aws:acm:us-west-2:123456789012:certificate/<id>",
            )
        return value

    @field_validator("runtime_image")
    @classmethod
    def _runtime_image(cls, value: str | None) -> str | None:
        return None if value is None else check_image(value)

    @field_validator("iam_policy_arns")
    @classmethod
    def _policies(cls, value: list[str]) -> list[str]:
        for arn in value:
            if not _POLICY_ARN.match(arn):
                fail(
                    f'"{arn}" is not an IAM policy ARN',
                    "write it like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                )
        return value

    @property
    def worker_groups(self) -> list[NodeGroup]:
        return list(self.node_groups or [])

    @property
    def resolved_nat_gateway(self) -> Literal["none", "single", "highly_available"]:
        if self.nat_gateway is not None:
            return self.nat_gateway
        return "none" if self.subnets or self.subnet_visibility == "public" else "single"
