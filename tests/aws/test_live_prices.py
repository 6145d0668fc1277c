"""Live prices: the Price List API through botocore's Stubber (moto has no Pricing API),
spot prices from moto's DescribeSpotPriceHistory, and the disk cache they leave behind."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from cortex_aws import cost, prices
from cortex_aws.price_cache import PriceCache
from cortex_aws.session import AwsSession
from cortex_spec import load_spec
from tests.aws import stubs
from tests.conftest import EXAMPLES, MotoServer

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One price at a time, so the Stubber's queue matches the calls; a private cache."""
    monkeypatch.setattr(prices, "WORKERS", 1)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _filters(**fields: str) -> list[dict[str, str]]:
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in fields.items()]


def _instance(name: str, usd: str) -> tuple[dict[str, Any], dict[str, Any]]:
    attributes = {
        "servicecode": "AmazonEC2",
        "instanceType": name,
        "operation": "RunInstances",
        "operatingSystem": "Linux",
        "regionCode": "us-west-2",
    }
    windows = {**attributes, "operation": "RunInstances:0002"}
    response = {
        "FormatVersion": "aws_v1",
        "PriceList": [
            stubs.price_item("ZZWIN", windows, "9.0", "Hrs"),
            stubs.price_item(f"SKU{name}", attributes, usd, "Hrs"),
        ],
    }
    expected = {
        "ServiceCode": "AmazonEC2",
        "FormatVersion": "aws_v1",
        "Filters": _filters(
            regionCode="us-west-2",
            instanceType=name,
            operatingSystem="Linux",
            tenancy="Shared",
            preInstalledSw="NA",
            capacitystatus="Used",
        ),
    }
    return response, expected


def _usage(service: str, usagetype: str, usd: str, unit: str) -> dict[str, Any]:
    attributes = {"servicecode": service, "usagetype": usagetype, "regionCode": "us-west-2"}
    other = {**attributes, "usagetype": "USW2-Other"}
    return {
        "FormatVersion": "aws_v1",
        "PriceList": [
            stubs.price_item("A1", other, "5.0", unit),
            stubs.price_item("B2", attributes, usd, unit),
        ],
    }


def stub_gpu_spot_prices(session: AwsSession) -> Stubber:
    """Price List answers for examples/gpu-spot, in the order the estimate asks them."""
    client = boto3.client("pricing", region_name="us-east-1")
    stubber = Stubber(client)
    for name, usd in (("g5.xlarge", "1.1"), ("g6.xlarge", "0.9"), ("t3.medium", "0.05")):
        response, expected = _instance(name, usd)
        stubber.add_response("get_products", response, expected)
    ebs = _usage("AmazonEC2", "USW2-EBS:VolumeUsage.gp3", "0.09", "GB-Mo")
    stubber.add_response(
        "get_products", ebs, {"ServiceCode": "AmazonEC2", "FormatVersion": ANY, "Filters": ANY}
    )
    eks = _usage("AmazonEKS", "USW2-AmazonEKS-Hours:perCluster", "0.11", "Hrs")
    stubber.add_response(
        "get_products", eks, {"ServiceCode": "AmazonEKS", "FormatVersion": ANY, "Filters": ANY}
    )
    alb = _usage("AWSELB", "USW2-LoadBalancerUsage", "0.03", "Hrs")
    stubber.add_response(
        "get_products", alb, {"ServiceCode": "AWSELB", "FormatVersion": ANY, "Filters": ANY}
    )
    nat = _usage("AmazonEC2", "USW2-NatGateway-Hours", "0.05", "Hrs")
    stubber.add_response(
        "get_products", nat, {"ServiceCode": "AmazonEC2", "FormatVersion": ANY, "Filters": ANY}
    )
    stubber.activate()
    session.install("pricing", client, region="us-east-1")
    return stubber


def test_live_prices_carry_fetch_date_and_are_cached(aws: MotoServer) -> None:
    """Price List figures are labelled with today's date and written to the disk cache."""
    session = AwsSession("us-west-2")
    stubber = stub_gpu_spot_prices(session)
    spec = load_spec(EXAMPLES / "gpu-spot" / "cortex.yaml")
    found = cost.estimate(spec, live=True, session=session, today=TODAY)
    stubber.assert_no_pending_responses()
    by_name = {line.name: line for line in found.lines}
    assert by_name["load balancer"].unit.low == 0.03  # the ALB hour, not the other usage type
    gpu = by_name["gpu"]
    # moto's spot history answers 0.00001 for every type; on-demand up to the higher, g5.
    assert (gpu.unit.low, gpu.unit.high) == (0.00001, 1.1)
    labels = {price.label for line in found.lines for _, price in line.prices}
    assert labels == {
        "AWS Price List API, fetched 2026-11-23",
        "EC2 spot price history, 2026-11-23",
    }
    cached = json.loads(PriceCache.default().path("us-west-2").read_text(encoding="utf-8"))
    assert cached["prices"]["instance:g5.xlarge"] == {"usd": 1.1, "fetched": "2026-11-23"}
    assert cached["prices"]["alb"]["usd"] == 0.03


def test_live_failure_falls_back_to_the_table_with_a_note(aws: MotoServer) -> None:
    """If the Price List refuses, prices come from the dated table and a note says why."""
    session = AwsSession("us-west-2")
    client = boto3.client("pricing", region_name="us-east-1")
    stubber = Stubber(client)
    for _ in range(7):
        stubber.add_client_error("get_products", service_error_code="AccessDeniedException")
    stubber.activate()
    session.install("pricing", client, region="us-east-1")
    spec = load_spec(EXAMPLES / "gpu-spot" / "cortex.yaml")
    found = cost.estimate(spec, live=True, session=session, today=TODAY)
    system = next(line for line in found.lines if line.name == "system")
    assert system.prices[0][1].label == "AWS list price as of 2022-04-24, from Cortex v0.42.1"
    assert any("live prices unavailable for 7 item(s)" in note for note in found.notes)
    assert any("access denied" in note for note in found.notes)


def test_live_without_credentials_uses_cache_and_table(
    aws: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials: cost still answers, offline, and says why."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    spec = load_spec(EXAMPLES / "cpu" / "cortex.yaml")
    found = cost.estimate(spec, live=True, today=TODAY)
    assert found.live is False
    assert found.notes[0].startswith("live prices skipped: no AWS credentials")
