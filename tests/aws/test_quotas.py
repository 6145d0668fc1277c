"""Quota arithmetic: Cortex's worst-case split, classes, vCPU needs and network needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_aws import quotas
from cortex_spec import load_spec, zones
from cortex_spec.models.cluster import NodeGroup
from tests.aws import stubs
from tests.conftest import EXAMPLES


def _group(**fields: object) -> NodeGroup:
    return NodeGroup.model_validate({"name": "g", "instance_type": "g5.xlarge", **fields})


def test_worst_case_split_is_cortex_formula() -> None:
    """On-demand = B + ceil(P% x (M - B)), spot = M - B - floor(P% x (M - B)), each worst case."""
    group = _group(
        min_instances=2,
        max_instances=12,
        spot=True,
        spot_config={"on_demand_base_capacity": 2, "on_demand_percentage_above_base_capacity": 25},
    )
    assert quotas.max_on_demand(group) == 2 + 3
    assert quotas.max_spot(group) == 12 - 2 - 2


def test_on_demand_group_needs_no_spot_quota() -> None:
    """A group without spot needs its maximum on-demand and nothing on spot."""
    group = _group(max_instances=7)
    assert (quotas.max_on_demand(group), quotas.max_spot(group)) == (7, 0)


@pytest.mark.parametrize(
    ("type_name", "klass"),
    [
        ("m6i.large", "standard"),
        ("t3.medium", "standard"),
        ("c7i.large", "standard"),
        ("g5.xlarge", "g"),
        ("inf2.xlarge", "inf"),
        ("trn1.2xlarge", "trn"),
        ("p4d.24xlarge", "p"),
    ],
)
def test_family_picks_quota_class(type_name: str, klass: str) -> None:
    """a c d h i m r t z share the standard class; accelerated families are their own."""
    assert quotas.quota_class(type_name) == klass


def test_vcpu_needs_of_mixed_prod_add_system_group_as_standard_on_demand() -> None:
    """Needs per class: workers by the split, plus the system group's max x vCPU."""
    spec = load_spec(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    needs = {n.dimension: n.vcpu for n in quotas.vcpu_needs(spec)}
    # cpu 20 x 4 vCPU + system 5 x t3.medium 2 vCPU
    assert needs["standard/ondemand"] == 20 * 4 + 5 * 2
    # gpu-spot max 12, base 2, 25 %: on-demand 2 + ceil(2.5) = 5, spot 12 - 2 - 2 = 8
    assert needs["g/ondemand"] == 5 * 8
    assert needs["g/spot"] == 8 * 8
    assert needs["inf/ondemand"] == 8 * 4
    assert "standard/spot" not in needs


def test_overlap_adds_each_new_groups_minimum_to_the_worst_case() -> None:
    """A replacement runs the old groups (up to their max) beside the new ones (at their min):
    the overlap need is the steady need plus every managed group's minimum, per purchase."""
    spec = load_spec(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    needs = {n.dimension: n for n in quotas.vcpu_needs(spec)}
    # cpu min 2 x 4 vCPU + system min 2 x 2 vCPU on top of 90
    assert needs["standard/ondemand"].overlap_vcpu == 90 + 2 * 4 + 2 * 2
    assert needs["standard/ondemand"].overlap_parts == ("cpu: 2 x 4 vCPU", "system: 2 x 2 vCPU")
    # the on-demand companion starts at 2; the spot group and inf2 start at 0
    assert needs["g/ondemand"].overlap_vcpu == 5 * 8 + 2 * 8
    assert needs["g/spot"].overlap_vcpu == needs["g/spot"].vcpu == 8 * 8
    assert needs["inf/ondemand"].overlap_vcpu == needs["inf/ondemand"].vcpu


def test_vcpu_quotas_are_keyed_by_lowercased_class() -> None:
    """ListServiceQuotas rows are matched by their Class dimension, as Cortex did."""
    found = quotas.vcpu_quotas([stubs.quota_row("g/spot", 32.0), {"QuotaCode": "L-X"}])
    assert found == {"g/spot": quotas.QuotaValue("L-3819A6DF", found["g/spot"].name, 32.0)}


def test_console_link_names_region_service_and_code() -> None:
    """The fix for a shortfall is the Service Quotas console page of that quota."""
    link = quotas.console_link("us-west-2", "ec2", "L-3819A6DF")
    assert link == (
        "https://us-west-2.console.aws.amazon.com/servicequotas/home?region=us-west-2"
        "#!/services/ec2/quotas/L-3819A6DF"
    )


def test_single_nat_needs_room_in_the_first_zone_only(tmp_path: Path) -> None:
    """A single NAT gateway (and its Elastic IP) sits in the first zone, as infra puts it."""
    spec = stubs.spec_from(tmp_path)
    need = quotas.network_need(spec, ("us-west-2a", "us-west-2b", "us-west-2c"))
    assert (need.vpcs, need.internet_gateways, need.nat_zones, need.elastic_ips) == (
        1,
        1,
        ("us-west-2a",),
        1,
    )


def test_highly_available_nat_needs_one_per_zone(tmp_path: Path) -> None:
    """highly_available: a NAT gateway and an Elastic IP in every chosen zone."""
    spec = stubs.spec_from(tmp_path, nat_gateway="highly_available")
    need = quotas.network_need(spec, ("us-west-2a", "us-west-2b"))
    assert need.nat_zones == ("us-west-2a", "us-west-2b")
    assert need.elastic_ips == 2


def test_default_zones_follow_cortex_rule() -> None:
    """Sorted, without us-east-1e, 2 in us-east-1 and 3 elsewhere."""
    offered = ["us-east-1e", "us-east-1d", "us-east-1a", "us-east-1b"]
    assert zones.choose("us-east-1", offered) == ("us-east-1a", "us-east-1b")
    assert zones.choose("us-west-2", ["us-west-2d", "us-west-2a", "us-west-2c", "us-west-2b"]) == (
        "us-west-2a",
        "us-west-2b",
        "us-west-2c",
    )
