"""Specs and botocore Stubber responses for the AWS tests.

Stubbed responses follow the documented shapes (boto3 reference and the AWS CLI examples):
Service Quotas rows carry `UsageMetric.MetricDimensions.Class` such as `Standard/OnDemand`;
Price List entries are JSON strings with `product.attributes` and `terms.OnDemand`.
Quota values and prices here are test fixtures, not facts about any account.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from cortex_aws import quotas
from cortex_aws.session import AwsSession
from cortex_spec import Spec, load_spec

REGION = "us-west-2"

FEASIBLE = """
cluster:
  name: feasible
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b, us-west-2c]
  nat_gateway: single
  node_groups:
    - name: cpu
      instance_type: m6i.large
      min_instances: 1
      max_instances: 3
    - name: gpu
      instance_type: g5.2xlarge
      min_instances: 0
      max_instances: 6
      spot: true
      spot_config:
        instance_distribution: [g5.2xlarge, g6.2xlarge]
apis: []
"""

# Quota codes as AWS documents them: L-1216C47A (cortex-spec.md §9), L-3819A6DF ("All G
# Spot Instance Requests"); the others name the remaining classes this spec needs.
QUOTA_ROWS = {
    "standard/ondemand": (
        "L-1216C47A",
        "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
        "Standard/OnDemand",
    ),
    "standard/spot": (
        "L-34B43A08",
        "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests",
        "Standard/Spot",
    ),
    "g/ondemand": ("L-DB2E81BA", "Running On-Demand G and VT instances", "G/OnDemand"),
    "g/spot": ("L-3819A6DF", "All G and VT Spot Instance Requests", "G/Spot"),
    "inf/ondemand": ("L-1945791B", "Running On-Demand Inf instances", "Inf/OnDemand"),
}


def write_spec(tmp_path: Path, text: str = FEASIBLE) -> Path:
    path = tmp_path / "cortex.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def spec_from(tmp_path: Path, text: str = FEASIBLE, **cluster: Any) -> Spec:
    """A loaded spec; `cluster` overrides are applied after validation, for what the
    offline catalog would reject but a live account can still see (or not)."""
    spec = load_spec(write_spec(tmp_path, text))
    if not cluster:
        return spec
    return dataclasses.replace(spec, cluster=spec.cluster.model_copy(update=cluster))


def quota_row(klass: str, value: float) -> dict[str, Any]:
    code, name, dimension = QUOTA_ROWS[klass]
    return {
        "ServiceCode": "ec2",
        "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
        "QuotaArn": f"arn:aws:servicequotas:{REGION}:123456789012:ec2/{code}",
        "QuotaCode": code,
        "QuotaName": name,
        "Value": value,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "UsageMetric": {
            "MetricNamespace": "AWS/Usage",
            "MetricName": "ResourceCount",
            "MetricDimensions": {
                "Class": dimension,
                "Resource": "vCPU",
                "Service": "EC2",
                "Type": "Resource",
            },
            "MetricStatisticRecommendation": "Maximum",
        },
    }


def network_quota(service: str, code: str, value: float) -> dict[str, Any]:
    return {
        "Quota": {
            "ServiceCode": service,
            "QuotaCode": code,
            "QuotaName": code,
            "Value": value,
            "Unit": "None",
            "Adjustable": True,
            "GlobalQuota": False,
        }
    }


def stub_quotas(session: AwsSession, vcpu: dict[str, float], network: float = 5.0) -> Stubber:
    """Service Quotas as the preflight asks it: the ec2 listing, then four network quotas."""
    client = boto3.client("service-quotas", region_name=session.region)
    stubber = Stubber(client)
    rows = [quota_row(klass, value) for klass, value in vcpu.items()]
    stubber.add_response("list_service_quotas", {"Quotas": rows}, {"ServiceCode": "ec2"})
    for service, code in (quotas.EIP_QUOTA, quotas.VPC_QUOTA, quotas.IGW_QUOTA, quotas.NAT_QUOTA):
        stubber.add_response(
            "get_service_quota",
            network_quota(service, code, network),
            {"ServiceCode": service, "QuotaCode": code},
        )
    stubber.activate()
    session.install("service-quotas", client)
    return stubber


AMPLE = {
    "standard/ondemand": 256.0,
    "standard/spot": 256.0,
    "g/ondemand": 256.0,
    "g/spot": 256.0,
    "inf/ondemand": 256.0,
}


def price_item(sku: str, attributes: dict[str, str], usd: str, unit: str) -> str:
    """One PriceList entry (a JSON string), as GetProducts returns it."""
    return json.dumps(
        {
            "product": {"productFamily": "x", "attributes": attributes, "sku": sku},
            "serviceCode": attributes.get("servicecode", ""),
            "terms": {
                "OnDemand": {
                    f"{sku}.JRTCKXETXF": {
                        "priceDimensions": {
                            f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                                "unit": unit,
                                "endRange": "Inf",
                                "description": "fixture",
                                "appliesTo": [],
                                "rateCode": f"{sku}.JRTCKXETXF.6YS6EN2CT7",
                                "beginRange": "0",
                                "pricePerUnit": {"USD": usd},
                            }
                        },
                        "sku": sku,
                        "effectiveDate": "2026-11-01T00:00:00Z",
                        "offerTermCode": "JRTCKXETXF",
                        "termAttributes": {},
                    }
                }
            },
            "version": "20261101000000",
            "publicationDate": "2026-11-01T00:00:00Z",
        }
    )
