"""Network rules: AZ choice, subnets per AZ, NAT modes, node placement, existing VPCs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_spec import SpecError, limits, load_spec
from infra.network import INTERNAL_ELB_TAG, MAX_ZONES, PUBLIC_ELB_TAG, subnet_cidrs
from infra.zones import choose_zones
from tests.conftest import EXAMPLES
from tests.infra.conftest import Planner, node_group

SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"


def test_choose_zones_intersects_and_keeps_three_sorted() -> None:
    """Default AZs: the intersection of every type's AZs, sorted, the first 3 outside us-east-1."""
    offered = {"a.x": ["r-1d", "r-1a", "r-1c", "r-1b"], "b.x": ["r-1b", "r-1d", "r-1c", "r-1a"]}
    assert choose_zones("r-1", offered) == ["r-1a", "r-1b", "r-1c"]


def test_us_east_1_keeps_two_zones_and_never_1e() -> None:
    """In us-east-1 Cortex kept 2 AZs and excluded us-east-1e."""
    offered = {"m5.large": ["us-east-1e", "us-east-1d", "us-east-1c"]}
    assert choose_zones("us-east-1", offered) == ["us-east-1c", "us-east-1d"]


def test_fewer_than_two_zones_is_a_spec_error() -> None:
    """Fewer than 2 usable AZs stops the program with a SpecError naming the types."""
    with pytest.raises(SpecError, match=r"only 1 availability zone\(s\).*p4d.24xlarge"):
        choose_zones("eu-west-1", {"p4d.24xlarge": ["eu-west-1a"], "t3.medium": ["eu-west-1a"]})


def test_a_shortfall_found_with_aws_data_is_located_at_the_node_group() -> None:
    """With live offerings the program makes validate's decision (zones.decide), and names
    the node group whose type left fewer than 2 AZs, at its line in the spec."""
    spec = load_spec(EXAMPLES / "cpu" / "cortex.yaml")
    offered = {"m6i.large": ["us-east-2a"], "t3.medium": ["us-east-2a", "us-east-2b"]}
    with pytest.raises(SpecError) as caught:
        choose_zones("us-east-2", offered, spec)
    (problem,) = caught.value.problems
    assert problem.location is not None
    assert problem.location.line == _line_of(EXAMPLES / "cpu" / "cortex.yaml", "instance_type:")
    assert problem.path == "cluster.node_groups[0] (cpu): instance_type"
    assert problem.excerpt is not None
    assert "m6i.large" in problem.excerpt


def test_the_spec_bounds_the_zones_to_the_subnet_layout() -> None:
    """validate refuses more AZs than the network layout supports (no plan-time ValueError)."""
    assert limits.MAX_AVAILABILITY_ZONES == MAX_ZONES


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_subnet_cidrs_split_the_vpc_like_eksctl() -> None:
    """A /16 over 3 AZs becomes /19s, as eksctl sizes them: public and private per AZ."""
    public, private = subnet_cidrs("192.168.0.0/16", 3)
    assert public == ["192.168.0.0/19", "192.168.64.0/19", "192.168.128.0/19"]
    assert private == ["192.168.32.0/19", "192.168.96.0/19", "192.168.160.0/19"]


def test_adding_an_availability_zone_keeps_existing_subnets() -> None:
    """Subnet slots depend on the AZ's index only: a third or fourth AZ adds, never re-carves."""
    two, three, four = (subnet_cidrs("10.0.0.0/16", n) for n in (2, 3, 4))
    assert three[0][:2] == two[0]
    assert three[1][:2] == two[1]
    assert four[0][:3] == three[0]
    assert four[1][:3] == three[1]
    assert len({*four[0], *four[1]}) == 8


def test_smallest_allowed_vpc_still_gives_valid_subnets() -> None:
    """A /24 VPC (the smallest the spec allows) over 6 AZs gives /28s, AWS's smallest subnet."""
    public, private = subnet_cidrs("10.0.0.0/24", 6)
    assert {cidr.split("/")[1] for cidr in public + private} == {"28"}


def test_default_zones_come_from_the_offerings_invoke(plan: Planner) -> None:
    """Without `availability_zones`, subnets go to the AZs the offerings invoke allows."""
    graph = plan("cpu")
    zones = sorted({r.inputs["availabilityZone"] for r in graph.by_type(SUBNET)})
    assert zones == ["us-east-2a", "us-east-2b", "us-east-2c"]
    v042 = plan("cortex-v0.42")
    zones = sorted({r.inputs["availabilityZone"] for r in v042.by_type(SUBNET)})
    assert zones == ["us-east-1a", "us-east-1b"]


def test_public_and_private_subnet_per_zone_tagged_for_load_balancers(plan: Planner) -> None:
    """Each AZ gets a public (elb-tagged, public IPs) and a private (internal-elb) subnet."""
    subnets = plan("mixed", "prod").by_type(SUBNET)
    public = [s for s in subnets if PUBLIC_ELB_TAG in s.inputs["tags"]]
    private = [s for s in subnets if INTERNAL_ELB_TAG in s.inputs["tags"]]
    assert sorted(s.inputs["availabilityZone"] for s in public) == [
        "us-west-2a",
        "us-west-2b",
        "us-west-2c",
    ]
    assert all(s.inputs["mapPublicIpOnLaunch"] for s in public)
    assert sorted(s.inputs["availabilityZone"] for s in private) == sorted(
        s.inputs["availabilityZone"] for s in public
    )
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in private)


@pytest.mark.parametrize(
    ("spec", "env", "count"),
    [("mixed", "prod", 3), ("cpu", None, 1), ("mixed", "dev", 0)],
)
def test_nat_gateways_follow_nat_gateway_setting(
    plan: Planner, spec: str, env: str | None, count: int
) -> None:
    """highly_available: one NAT per AZ; single: one; none: no NAT and no private default route."""
    graph = plan(spec, env)
    assert len(graph.by_type(NAT)) == count
    assert len(graph.by_type("aws:ec2/eip:Eip")) == count
    private_defaults = [
        r for r in graph.by_type("aws:ec2/route:Route") if "natGatewayId" in r.inputs
    ]
    assert len(private_defaults) == (3 if count else 0)


def test_nodes_in_private_subnets_by_default(plan: Planner) -> None:
    """With the default private visibility every node group uses the private subnets only."""
    graph = plan("cpu")
    private = {r.urn for r in graph.by_type(SUBNET) if INTERNAL_ELB_TAG in r.inputs["tags"]}
    for name in ("cpu", "system"):
        group = node_group(graph, name)
        subnet_deps = {d for d in group.dependencies if ":Subnet::" in d}
        assert subnet_deps == private


def test_nodes_in_public_subnets_when_asked(plan: Planner) -> None:
    """`subnet_visibility: public` places nodes in the public subnets."""
    graph = plan("mixed", "dev")
    public = {r.urn for r in graph.by_type(SUBNET) if PUBLIC_ELB_TAG in r.inputs["tags"]}
    subnet_deps = {d for d in node_group(graph, "cpu").dependencies if ":Subnet::" in d}
    assert subnet_deps == public


def test_existing_vpc_uses_given_subnets_and_creates_no_network(plan: Planner) -> None:
    """With `subnets`, no VPC, subnet, gateway or route is created; nodes use the given IDs."""
    graph = plan("existing-vpc")
    for token in (
        "aws:ec2/vpc:Vpc",
        SUBNET,
        NAT,
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/routeTable:RouteTable",
    ):
        assert graph.by_type(token) == []
    ids = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    assert node_group(graph, "cpu").inputs["subnetIds"] == ids
    cluster = graph.by_type("aws:eks/cluster:Cluster")[0]
    assert cluster.inputs["vpcConfig"]["subnetIds"] == ids
    assert str(graph.outputs["vpc_id"]).startswith("vpc-")
