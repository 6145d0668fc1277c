"""Live prices from the AWS Price List Query API (`pricing:GetProducts`) and spot history.

Product selection follows the attribute names the Price List publishes, as Cortex's
generator (`pkg/lib/aws/gen_resource_metadata.py`) and infracost use them: EC2 instances by
regionCode, instanceType, operatingSystem=Linux, tenancy=Shared, preInstalledSw=NA,
capacitystatus=Used and operation RunInstances; the EKS cluster-hour by usagetype
`*AmazonEKS-Hours:perCluster` (extended support adds `*AmazonEKS-Hours:extendedSupport`);
NAT gateway hours by `*NatGateway-Hours`; the ALB hour by `*LoadBalancerUsage` in product
family "Load Balancer-Application"; EBS by volumeApiName. A product that cannot be found is
"not found" (the caller falls back), never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_pricing import PricingClient

    from cortex_aws.checks import Outcome

# EBS throughput is priced per GiB/s-month; gp3 throughput is set in MiB/s.
_MIB_PER_GIB: Final = 1024
SPOT_PRODUCT: Final = "Linux/UNIX"


@dataclass(frozen=True)
class Query:
    service: str
    filters: tuple[tuple[str, str], ...]
    select: Callable[[dict[str, str]], bool]
    unit: str | None = None
    factor: float = 1.0


def _usagetype_endswith(suffix: str) -> Callable[[dict[str, str]], bool]:
    return lambda attributes: attributes.get("usagetype", "").endswith(suffix)


def _any(attributes: dict[str, str]) -> bool:
    return True


def _ec2_linux(attributes: dict[str, str]) -> bool:
    return attributes.get("operation") == "RunInstances"


def _provisioned_iops(attributes: dict[str, str]) -> bool:
    return "VolumeP-IOPS" in attributes.get("usagetype", "")


def query(region: str, kind: str, name: str) -> Query:
    filters: tuple[tuple[str, str], ...] = (("regionCode", region),)
    if kind == "instance":
        filters += (
            ("instanceType", name),
            ("operatingSystem", "Linux"),
            ("tenancy", "Shared"),
            ("preInstalledSw", "NA"),
            ("capacitystatus", "Used"),
        )
        return Query("AmazonEC2", filters, _ec2_linux, unit="Hrs")
    if kind == "eks":
        filters += (("productFamily", "Compute"),)
        return Query("AmazonEKS", filters, _usagetype_endswith("AmazonEKS-Hours:perCluster"))
    if kind == "eks-extended":
        filters += (("productFamily", "Compute"),)
        return Query("AmazonEKS", filters, _usagetype_endswith("AmazonEKS-Hours:extendedSupport"))
    if kind == "nat":
        filters += (("productFamily", "NAT Gateway"),)
        return Query("AmazonEC2", filters, _usagetype_endswith("NatGateway-Hours"))
    if kind == "alb":
        filters += (("productFamily", "Load Balancer-Application"), ("locationType", "AWS Region"))
        return Query("AWSELB", filters, _usagetype_endswith("LoadBalancerUsage"))
    if kind == "ebs-gb":
        filters += (("productFamily", "Storage"), ("volumeApiName", name))
        return Query("AmazonEC2", filters, _any, unit="GB-Mo")
    if kind == "ebs-iops":
        filters += (("productFamily", "System Operation"), ("volumeApiName", name))
        return Query("AmazonEC2", filters, _provisioned_iops, unit="IOPS-Mo")
    if kind == "ebs-throughput":
        filters += (("productFamily", "Provisioned Throughput"), ("volumeApiName", name))
        return Query("AmazonEC2", filters, _any, unit="GiBps-mo", factor=1 / _MIB_PER_GIB)
    raise ValueError(f"no Price List query for {kind}")


def on_demand_usd(product: dict[str, Any], unit: str | None) -> float | None:
    """The OnDemand price of one PriceList entry, in USD per `unit` (any unit if None)."""
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        for dimension in term.get("priceDimensions", {}).values():
            if unit is not None and dimension.get("unit") != unit:
                continue
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is not None:
                return float(usd)
    return None


def select(items: list[str], spec: Query) -> float | None:
    """The first matching product by SKU, so that the answer does not depend on page order."""
    products = [json.loads(item) for item in items]
    products.sort(key=lambda p: str(p.get("product", {}).get("sku", "")))
    for product in products:
        attributes = product.get("product", {}).get("attributes", {})
        if not spec.select(attributes):
            continue
        usd = on_demand_usd(product, spec.unit)
        if usd is not None:
            return usd * spec.factor
    return None


def fetch(
    pricing: PricingClient, region: str, kind: str, name: str, attempts: int
) -> Outcome[float | None]:
    """The live price, None when the Price List has no such product, or the AWS failure."""
    spec = query(region, kind, name)

    def call() -> float | None:
        items: list[str] = []
        pages = pricing.get_paginator("get_products").paginate(
            ServiceCode=spec.service,
            FormatVersion="aws_v1",
            Filters=[{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in spec.filters],
        )
        for page in pages:
            items.extend(page.get("PriceList", []))
        return select(items, spec)

    # Imported here: botocore (its errors) is needed only when AWS is called.
    from cortex_aws.checks import attempt  # noqa: PLC0415

    return attempt(call, f"Price List GetProducts({spec.service})", attempts)


def spot(
    ec2: EC2Client, types: list[str], zones: tuple[str, ...] | None, attempts: int
) -> Outcome[dict[str, float]]:
    """The lowest current Linux spot price per type, over `zones` (all zones when None)."""

    def call() -> dict[str, float]:
        lowest: dict[str, float] = {}
        pages = ec2.get_paginator("describe_spot_price_history").paginate(
            InstanceTypes=types,  # type: ignore[arg-type]  # stubs list known names only
            ProductDescriptions=[SPOT_PRODUCT],
            StartTime=datetime.now(UTC),
        )
        for page in pages:
            for row in page.get("SpotPriceHistory", []):
                name, zone = row.get("InstanceType", ""), row.get("AvailabilityZone", "")
                if "SpotPrice" not in row or (zones and zone not in zones):
                    continue
                price = float(row["SpotPrice"])
                if name not in lowest or price < lowest[name]:
                    lowest[name] = price
        return lowest

    from cortex_aws.checks import attempt  # noqa: PLC0415

    return attempt(call, "EC2 DescribeSpotPriceHistory", attempts)
