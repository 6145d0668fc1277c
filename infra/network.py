"""The cluster's network: a new VPC across the chosen AZs, or the subnets of an existing one.

A new VPC gets a public and a private subnet per AZ (tagged so that load balancer controllers
discover them), an internet gateway, and NAT as `nat_gateway` says: none, one in the first
AZ, or one per AZ. Every private subnet has its own route table so that `single` and
`highly_available` differ only in where the default route points.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from cortex_spec import Problem, SpecError
from cortex_spec.models.cluster import ClusterConfig

# Tags the AWS Load Balancer Controller reads to pick subnets (eks-reference.md §13).
PUBLIC_ELB_TAG = "kubernetes.io/role/elb"
INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb"


# Up to this many AZs, subnets are eighths of the VPC (a /16 gives /19s, as eksctl sizes
# them); beyond it, sixteenths. Both layouts support every AZ count EKS regions offer.
_EIGHTHS_UP_TO = 4
MAX_ZONES = 8


def subnet_cidrs(vpc_cidr: str, zones: int) -> tuple[list[str], list[str]]:
    """(public, private) CIDRs, interleaved by AZ index: AZ i gets slots 2i and 2i+1.

    A slot never depends on how many AZs follow it, so adding an AZ to a running cluster
    adds subnets and leaves the existing ones (and their nodes) in place, as long as the
    count stays within one layout (up to 4 AZs, or 5 to 8).
    """
    if not 1 <= zones <= MAX_ZONES:
        raise ValueError(f"{zones} availability zones; the network layout supports 1 to 8")
    network = ipaddress.ip_network(vpc_cidr)
    bits = 3 if zones <= _EIGHTHS_UP_TO else 4
    blocks = [str(block) for block in network.subnets(prefixlen_diff=bits)]
    return blocks[0 : 2 * zones : 2], blocks[1 : 2 * zones : 2]


@dataclass(frozen=True)
class NetworkArgs:
    cluster: ClusterConfig
    zones: list[str]


class Network(pulumi.ComponentResource):
    """A new VPC: subnets, internet gateway, NAT gateways and route tables."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:Network", name, None, opts)
        cluster, zones = args.cluster, args.zones
        child = pulumi.ResourceOptions(parent=self)
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=cluster.vpc_cidr,
            # EKS private endpoint access and node registration need VPC DNS.
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": cluster.name},
            opts=child,
        )
        public_cidrs, private_cidrs = subnet_cidrs(cluster.vpc_cidr, len(zones))
        public: list[aws.ec2.Subnet] = []
        private: list[aws.ec2.Subnet] = []
        for zone, public_cidr, private_cidr in zip(zones, public_cidrs, private_cidrs, strict=True):
            public.append(
                aws.ec2.Subnet(
                    f"{name}-public-{zone}",
                    vpc_id=vpc.id,
                    availability_zone=zone,
                    cidr_block=public_cidr,
                    # Managed nodes in public subnets only get public IPs when the subnet
                    # assigns them (EKS requirement for public node groups).
                    map_public_ip_on_launch=True,
                    tags={"Name": f"{cluster.name}-public-{zone}", PUBLIC_ELB_TAG: "1"},
                    opts=child,
                )
            )
            private.append(
                aws.ec2.Subnet(
                    f"{name}-private-{zone}",
                    vpc_id=vpc.id,
                    availability_zone=zone,
                    cidr_block=private_cidr,
                    tags={"Name": f"{cluster.name}-private-{zone}", INTERNAL_ELB_TAG: "1"},
                    opts=child,
                )
            )
        gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags={"Name": cluster.name}, opts=child
        )
        public_routes = aws.ec2.RouteTable(
            f"{name}-public", vpc_id=vpc.id, tags={"Name": f"{cluster.name}-public"}, opts=child
        )
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=public_routes.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.id,
            opts=child,
        )
        for zone, subnet in zip(zones, public, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{zone}",
                subnet_id=subnet.id,
                route_table_id=public_routes.id,
                opts=child,
            )
        nats = self._nat_gateways(name, cluster, zones, public, gateway)
        for index, (zone, subnet) in enumerate(zip(zones, private, strict=True)):
            table = aws.ec2.RouteTable(
                f"{name}-private-{zone}",
                vpc_id=vpc.id,
                tags={"Name": f"{cluster.name}-private-{zone}"},
                opts=child,
            )
            if nats:
                aws.ec2.Route(
                    f"{name}-private-{zone}-default",
                    route_table_id=table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nats[index % len(nats)].id,
                    opts=child,
                )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{zone}",
                subnet_id=subnet.id,
                route_table_id=table.id,
                opts=child,
            )
        self.vpc_id = vpc.id
        self.public_subnet_ids = [s.id for s in public]
        self.private_subnet_ids = [s.id for s in private]
        self.register_outputs(
            {
                "vpc_id": vpc.id,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
            }
        )

    def _nat_gateways(
        self,
        name: str,
        cluster: ClusterConfig,
        zones: list[str],
        public: list[aws.ec2.Subnet],
        gateway: aws.ec2.InternetGateway,
    ) -> list[aws.ec2.NatGateway]:
        mode = cluster.resolved_nat_gateway
        count = {"none": 0, "single": 1, "highly_available": len(zones)}[mode]
        nats: list[aws.ec2.NatGateway] = []
        for zone, subnet in list(zip(zones, public, strict=True))[:count]:
            address = aws.ec2.Eip(
                f"{name}-nat-{zone}",
                domain="vpc",
                tags={"Name": f"{cluster.name}-nat-{zone}"},
                opts=pulumi.ResourceOptions(parent=self),
            )
            nats.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{zone}",
                    allocation_id=address.id,
                    subnet_id=subnet.id,
                    tags={"Name": f"{cluster.name}-{zone}"},
                    # A NAT gateway in a subnet without an internet route cannot reach out;
                    # AWS documents creating the internet gateway first.
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
                )
            )
        return nats


@dataclass(frozen=True)
class ExistingSubnets:
    """The `subnets` of an existing VPC, looked up once (`aws.ec2.get_subnet`)."""

    vpc_id: str
    subnet_ids: list[str]
    zones: list[str]
    # The subnets' address ranges: where nodes, pods, load balancers and the control plane's
    # network interfaces take their addresses (NetworkPolicies admit traffic from them).
    cidrs: list[str]


def existing_subnets(
    cluster: ClusterConfig, opts: pulumi.InvokeOptions | None = None
) -> ExistingSubnets:
    """The VPC of the given subnets; they must all belong to one VPC."""
    subnets = cluster.subnets or []
    found = {
        subnet.subnet_id: aws.ec2.get_subnet(id=subnet.subnet_id, opts=opts) for subnet in subnets
    }
    vpcs = {subnet_id: result.vpc_id for subnet_id, result in found.items()}
    if len(set(vpcs.values())) != 1:
        listing = ", ".join(f"{s} in {v}" for s, v in sorted(vpcs.items()))
        raise SpecError(
            [
                Problem(
                    location=None,
                    path="cluster.subnets",
                    message=f"the subnets belong to different VPCs ({listing})",
                    hint="list subnets of one VPC only",
                )
            ]
        )
    return ExistingSubnets(
        vpc_id=next(iter(vpcs.values())),
        subnet_ids=[s.subnet_id for s in subnets],
        zones=[s.availability_zone for s in subnets],
        cidrs=sorted({result.cidr_block for result in found.values()}),
    )
