"""The plan's "costs and risks" section: node-count ranges, accelerators, risks, cost."""

from __future__ import annotations

import pytest

from cortex_cli.plan_summary import accelerators, costs_and_risks, node_groups
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
    """The section lists each risk with its field and a `why` line (dev's public endpoint
    first, open to all as by default)."""
    summary = costs_and_risks(load_spec(MIXED, environment="dev"), _graph())
    assert (
        "    ! cluster.ssl_certificate_arn: the API load balancer serves plain HTTP" in summary.text
    )
    codes = [risk["code"] for risk in summary.data["risks"]]
    assert codes == ["public-api-endpoint", "plain-http-to-internet"]


def test_prod_summary_has_no_risks_and_an_offline_cost(prod: Spec) -> None:
    """Prod of the mixed example: `risks: none found`, and the offline cost estimate."""
    summary = costs_and_risks(prod, _graph())
    assert "  risks: none found" in summary.text
    assert summary.data["risks"] == []
    assert summary.data["cost"]["live"] is False


def test_summary_says_where_the_apis_answer(prod: Spec) -> None:
    """With a domain the URLs are known before deploying; without, the ALB's name stands in."""
    summary = costs_and_risks(prod, _graph())
    assert "  endpoints: https://api.example.com/<endpoint> (3 APIs)" in summary.text
    assert summary.data["endpoints"]["domain"] == "api.example.com"
    dev = costs_and_risks(load_spec(MIXED, environment="dev"), _graph())
    assert "  endpoints: http://<load balancer DNS name>/<endpoint> (3 APIs)" in dev.text
