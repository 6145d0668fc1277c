"""The plan's summary data: node-count ranges, accelerators, endpoints, risks, cost."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_aws.price_cache import PriceCache
from cortex_cli.plan_summary import accelerators, node_groups, plan_summary
from cortex_spec import Spec, load_spec
from offline.graph import PlanGraph, PlannedResource
from tests.conftest import EXAMPLES

MIXED = EXAMPLES / "mixed" / "cortex.yaml"


def _graph(*groups: tuple[str, int, int]) -> PlanGraph:
    resources = tuple(
        PlannedResource(
            urn=f"urn:pulumi:dev::cortex::aws:eks/nodeGroup:NodeGroup::platform-{name}",
            type="aws:eks/nodeGroup:NodeGroup",
            name=f"platform-{name}",
            parent="",
            provider="",
            dependencies=(),
            inputs={
                "nodeGroupName": name,
                "scalingConfig": {"minSize": low, "maxSize": high},
                "instanceTypes": ["g5.2xlarge"],
                "capacityType": "SPOT",
            },
        )
        for name, low, high in groups
    )
    return PlanGraph("dev", "cortex", resources, {}, ())


@pytest.fixture(scope="module")
def prod() -> Spec:
    return load_spec(MIXED, environment="prod")


def test_node_group_ranges_come_from_the_plan(prod: Spec) -> None:
    """A planned node group's min/max are the graph's, tied to their spec group."""
    found = {g["name"]: g for g in node_groups(prod, _graph(("gpu-spot", 3, 9)))}
    assert (found["gpu-spot"]["min"], found["gpu-spot"]["max"]) == (3, 9)
    assert found["gpu-spot-on-demand"]["spec_group"] == "gpu-spot"


def test_groups_missing_from_the_plan_use_the_spec(prod: Spec) -> None:
    """Without a planned group, the spec's resolved sizes stand in (no group is dropped)."""
    names = [g["name"] for g in node_groups(prod, _graph())]
    assert names == ["system", "cpu", "gpu-spot", "gpu-spot-on-demand", "inf2"]


def test_accelerator_totals_multiply_nodes_by_devices(prod: Spec) -> None:
    """GPU totals are node counts times GPUs per node, summed per model."""
    groups = node_groups(prod, _graph(("gpu-spot", 0, 10), ("gpu-spot-on-demand", 2, 2)))
    nvidia = next(t for t in accelerators(groups) if t["model"].startswith("NVIDIA"))
    assert (nvidia["min"], nvidia["max"], nvidia["unit"]) == (2, 12, "GPUs")


def test_dev_summary_names_the_plain_http_risk_with_its_reason() -> None:
    """Dev of the mixed example (no domain) carries its risks with field and reason: the
    public endpoint (open to all, as by default) first, then plain HTTP."""
    summary = plan_summary(load_spec(MIXED, environment="dev"), _graph())
    codes = [risk["code"] for risk in summary["risks"]]
    assert codes == ["public-api-endpoint", "plain-http-to-internet"]
    assert summary["risks"][1]["path"] == "cluster.ssl_certificate_arn"
    assert all(risk["reason"] for risk in summary["risks"])


def test_prod_summary_has_no_risks_and_an_offline_cost(prod: Spec) -> None:
    """Prod of the mixed example: no risks, and the offline estimate at min and max."""
    summary = plan_summary(prod, _graph())
    assert summary["risks"] == []
    assert summary["cost"]["live"] is False
    total = summary["cost"]["total"]["hourly"]
    assert total["at_min"]["high"] <= total["at_max"]["high"]


def test_plan_cost_ignores_the_price_cache(
    prod: Spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan's prices come from the packaged table only: a cached live price (written by
    `cost` on this machine) does not change the plan, so plans are the same everywhere."""
    before = plan_summary(prod, _graph())["cost"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    PriceCache.default().store("us-west-2", {"instance:m6i.xlarge": 99.0}, "2026-12-01")
    assert plan_summary(prod, _graph())["cost"] == before


def test_summary_says_where_each_api_answers(prod: Spec) -> None:
    """With a domain each API's URL is known before deploying; without, the ALB's name
    stands in."""
    summary = plan_summary(prod, _graph())
    assert summary["endpoints"]["domain"] == "api.example.com"
    assert {"name": "sentiment", "url": "https://api.example.com/sentiment"} in summary[
        "endpoints"
    ]["apis"]
    dev = plan_summary(load_spec(MIXED, environment="dev"), _graph())
    assert dev["endpoints"]["apis"][0]["url"] == "http://<load balancer DNS name>/sentiment"
