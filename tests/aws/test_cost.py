"""The cost estimate offline: every price labelled with source and date, never invented."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cortex_aws import cost, price_table
from cortex_aws.money import HOURS_PER_MONTH
from cortex_aws.price_cache import PriceCache
from cortex_aws.prices import PriceBook
from cortex_spec import load_spec
from tests.aws import stubs
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the user's ~/.cache: each test gets an empty price cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _offline(path: Path, env: str | None = None) -> cost.CostEstimate:
    return cost.estimate(load_spec(path, environment=env), live=False, today=TODAY)


def test_every_offline_price_is_the_dated_table_or_unknown() -> None:
    """Offline, each figure is labelled 'AWS list price as of 2022-04-24, from Cortex v0.42.1'
    or 'unknown: <why>'."""
    found = _offline(EXAMPLES / "mixed" / "cortex.yaml", "prod")
    labels = {price.label for line in found.lines for _, price in line.prices}
    assert "AWS list price as of 2022-04-24, from Cortex v0.42.1" in labels
    assert all(label == price_table.LABEL or label.startswith("unknown: ") for label in labels), (
        labels
    )


def test_table_prices_are_copied_not_computed() -> None:
    """An on-demand figure equals the table's value for that region and type."""
    found = _offline(EXAMPLES / "cpu" / "cortex.yaml")
    cpu = next(line for line in found.lines if line.name == "cpu")
    assert cpu.unit.low == cpu.unit.high == price_table.lookup("us-east-2", "instance", "m6i.large")


def test_load_balancer_is_unknown_offline_never_the_nlb_price() -> None:
    """cortex-infra builds an ALB; the table has only NLB/ELB prices, so the ALB is unknown."""
    found = _offline(EXAMPLES / "cpu" / "cortex.yaml")
    balancer = next(line for line in found.lines if line.name == "load balancer")
    assert (balancer.unit.low, balancer.unit.high) == (None, None)
    [(_, price)] = balancer.prices
    assert "no Application Load Balancer price" in price.label
    assert "load balancer" in found.excluded


def test_types_missing_from_the_table_are_unknown() -> None:
    """inf2 and g6 are not in the 2022 table: their groups are unknown, not estimated."""
    found = _offline(EXAMPLES / "mixed" / "cortex.yaml", "prod")
    by_name = {line.name: line for line in found.lines}
    assert by_name["inf2"].unit.high is None
    assert by_name["gpu-spot"].unit.high is None  # g6.2xlarge could launch: no upper bound
    assert by_name["gpu-spot-on-demand"].unit.high is not None  # priced at g5.2xlarge, first


def test_node_group_lines_follow_managed_groups() -> None:
    """One line per EKS managed group, with its capacity type and min/max, then system."""
    spec = load_spec(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    found = cost.estimate(spec, live=False, today=TODAY)
    nodes = [(x.name, x.count_min, x.count_max) for x in found.lines if x.section == "nodes"]
    expected = [(g.name, g.min_size, g.max_size) for p in spec.profiles for g in p.groups]
    system = spec.system_profile.groups[0]
    assert nodes == [*expected, (system.name, system.min_size, system.max_size)]


def test_offline_spot_is_unknown_up_to_on_demand() -> None:
    """Offline, a spot group ranges from unknown to the highest on-demand price of its types."""
    spec = load_spec(
        EXAMPLES / "cortex-v0.42" / "cortex.yaml",
        cluster_config=EXAMPLES / "cortex-v0.42" / "cluster.yaml",
    )
    found = cost.estimate(spec, live=False, today=TODAY)
    spot = next(line for line in found.lines if line.name == "ng-cpu-spot")
    types = ["m5.large", "m5a.large", "m5d.large", "m5n.large"]
    highest = max(float(price_table.lookup("us-east-1", "instance", t)) for t in types)
    assert (spot.unit.low, spot.unit.high) == (None, highest)
    assert "ng-cpu-spot" in found.partial_low


def test_ebs_comes_from_the_node_group_volume() -> None:
    """Root volumes: size x the table's gp3 GB-month price, per hour of 730 per month."""
    found = _offline(EXAMPLES / "gpu-spot" / "cortex.yaml")
    volumes = next(line for line in found.lines if line.name == "gpu volumes")
    gb_month = float(price_table.lookup("us-west-2", "ebs-gb", "gp3"))
    assert volumes.unit.low == pytest.approx(100 * gb_month / HOURS_PER_MONTH)
    assert (volumes.count_min, volumes.count_max) == (1, 6)


def test_gp3_iops_and_throughput_above_the_free_baseline_are_priced(tmp_path: Path) -> None:
    """gp3 pays only above 3000 IOPS and 125 MB/s; Cortex's throughput figure is /1000-fixed."""
    text = stubs.FEASIBLE.replace(
        "      max_instances: 3\n",
        "      max_instances: 3\n      instance_volume_iops: 6000\n"
        "      instance_volume_throughput: 250\n",
    )
    found = cost.estimate(stubs.spec_from(tmp_path, text), live=False, today=TODAY)
    volumes = next(line for line in found.lines if line.name == "cpu volumes")
    region = "us-west-2"
    monthly = (
        50 * float(price_table.lookup(region, "ebs-gb", "gp3"))
        + 3000 * float(price_table.lookup(region, "ebs-iops", "gp3"))
        + 125 * float(price_table.lookup(region, "ebs-throughput", "gp3"))
    )
    assert volumes.unit.low == pytest.approx(monthly / HOURS_PER_MONTH)
    per_mib = float(price_table.lookup(region, "ebs-throughput", "gp3"))
    assert per_mib == pytest.approx(0.04096 * 1000 / 1024)


def test_extended_support_adds_a_surcharge_line(tmp_path: Path) -> None:
    """A version past standard support adds EKS's extended-support line; offline unknown."""
    spec = stubs.spec_from(tmp_path, kubernetes_version="1.31")
    found = cost.estimate(spec, live=False, today=TODAY)
    line = next(x for x in found.lines if x.name == "EKS extended support")
    assert "since 2025-11-26" in line.detail
    assert line.unit.high is None
    assert "only the EKS standard-support rate" in line.prices[0][1].label


def test_totals_add_known_parts_and_name_the_rest() -> None:
    """Totals sum what is known and list the unknown lines, instead of guessing them."""
    found = _offline(EXAMPLES / "cpu" / "cortex.yaml")
    known = [line for line in found.lines if line.unit.high is not None]
    assert found.at_max.high == pytest.approx(sum(x.at_max.high or 0 for x in known))
    assert found.excluded == ("load balancer",)
    assert "not priced (unknown): load balancer" in cost.summary(found)


def test_offline_estimate_makes_no_aws_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """live=False (what plan uses) never opens an AWS session."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("an AWS session was opened")

    monkeypatch.setattr("cortex_aws.cost.AwsSession", refuse)
    found = _offline(EXAMPLES / "gpu-spot" / "cortex.yaml")
    assert found.live is False
    assert "spot prices are live only" in " ".join(found.notes)


def test_cached_price_is_used_offline_with_its_fetch_date(tmp_path: Path) -> None:
    """A cached Price List figure beats the table and keeps the day it was fetched."""
    cache = PriceCache(tmp_path / "prices")
    cache.store("us-east-2", {"alb": 0.0225}, "2026-11-20")
    book = PriceBook("us-east-2", live=False, cache=cache, today=TODAY)
    found = cost.estimate(
        load_spec(EXAMPLES / "cpu" / "cortex.yaml"), live=False, book=book, today=TODAY
    )
    balancer = next(line for line in found.lines if line.name == "load balancer")
    [(_, price)] = balancer.prices
    assert price.label == "AWS Price List API, fetched 2026-11-20 (cached)"
    assert balancer.unit.low == 0.0225


def test_system_volumes_are_priced_as_the_launch_template_declares_them() -> None:
    """The system group's root volume is priced from NodeProfile.volume (50 GB gp3 by default)."""
    spec = load_spec(EXAMPLES / "cpu" / "cortex.yaml")
    found = cost.estimate(spec, live=False, today=TODAY)
    line = next(line for line in found.lines if line.name == "system volumes")
    assert spec.system_profile.volume.size_gb == 50
    assert line.detail.startswith("50 GB gp3, 3000 IOPS, 125 MB/s")
    gb_month = float(price_table.lookup(spec.cluster.region, "ebs-gb", "gp3"))
    assert line.unit.low == pytest.approx(50 * gb_month / HOURS_PER_MONTH)


def test_an_async_api_names_what_is_billed_by_use_as_unknown() -> None:
    """An AsyncAPI adds no invented price: SQS, S3 and KMS are billed by use, said so."""
    found = _offline(EXAMPLES / "async" / "cortex.yaml")
    [note] = [n for n in found.notes if n.startswith("AsyncAPI summarizer:")]
    assert "SQS requests" in note
    assert note.endswith("billed by use: unknown here")
