"""Preflight: vCPU quotas per instance class and the network quotas a new cluster uses.

The arithmetic lives in `quotas` (pure); this module asks Service Quotas and EC2 and
compares. Service Quotas is missing in some regions: the checks then warn and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from cortex_aws import quotas
from cortex_aws.checks import CheckResult, Outcome, attempt, failed, passed, skipped, warned
from cortex_aws.session import AwsSession
from cortex_spec.loader import Spec

_NETWORK_CODES = (quotas.EIP_QUOTA, quotas.VPC_QUOTA, quotas.IGW_QUOTA, quotas.NAT_QUOTA)


@dataclass(frozen=True)
class QuotaFacts:
    ec2: Outcome[list[dict[str, Any]]]
    network: dict[tuple[str, str], Outcome[float]]


@dataclass(frozen=True)
class NetworkUsage:
    vpcs: int
    internet_gateways: int
    elastic_ips: int
    nat_per_zone: dict[str, int]


def fetch_quotas(session: AwsSession) -> QuotaFacts:
    """One thread, in a fixed order: Service Quotas throttles bursts from one caller."""
    client = session.service_quotas()

    def listing() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for page in client.get_paginator("list_service_quotas").paginate(ServiceCode="ec2"):
            rows.extend(dict(q) for q in page.get("Quotas", []))
        return rows

    ec2 = attempt(listing, "Service Quotas ListServiceQuotas(ec2)", session.max_attempts)

    def value(service: str, code: str) -> float:
        return float(
            client.get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]["Value"]
        )

    network = {
        (service, code): attempt(
            partial(value, service, code),
            f"Service Quotas GetServiceQuota({service} {code})",
            session.max_attempts,
        )
        for service, code in _NETWORK_CODES
    }
    return QuotaFacts(ec2, network)


def fetch_usage(session: AwsSession) -> Outcome[NetworkUsage]:
    ec2 = session.ec2()

    def call() -> NetworkUsage:
        vpcs = sum(len(p["Vpcs"]) for p in ec2.get_paginator("describe_vpcs").paginate())
        igws = sum(
            len(p["InternetGateways"])
            for p in ec2.get_paginator("describe_internet_gateways").paginate()
        )
        eips = len(ec2.describe_addresses()["Addresses"])
        subnet_zone = {
            s["SubnetId"]: s["AvailabilityZone"]
            for p in ec2.get_paginator("describe_subnets").paginate()
            for s in p["Subnets"]
        }
        per_zone: dict[str, int] = {}
        # Filtered here: botocore names the request field `Filter`, its type stubs `Filters`.
        for page in ec2.get_paginator("describe_nat_gateways").paginate():
            for nat in page["NatGateways"]:
                zone = subnet_zone.get(nat.get("SubnetId", ""))
                if zone and nat.get("State") in ("pending", "available"):
                    per_zone[zone] = per_zone.get(zone, 0) + 1
        return NetworkUsage(vpcs, igws, eips, per_zone)

    return attempt(call, "EC2 network usage (DescribeVpcs, ...)", session.max_attempts)


def vcpu(spec: Spec, region: str, facts: QuotaFacts) -> list[CheckResult]:
    needs = quotas.vcpu_needs(spec)
    if facts.ec2.failure is not None:
        return [skipped("vcpu-quota", "EC2 vCPU quotas", facts.ec2.failure)]
    found = quotas.vcpu_quotas(facts.ec2.value or [])
    results = []
    for need in needs:
        subject = f"{need.quota_class} {need.purchase}"
        quota = found.get(need.dimension)
        parts = "; ".join(need.parts)
        if quota is None:
            results.append(
                warned(
                    "vcpu-quota",
                    subject,
                    f"no Service Quotas entry for class {need.dimension}; not checked "
                    f"(need {need.vcpu} vCPU: {parts})",
                )
            )
        elif quota.value < need.vcpu:
            results.append(
                failed(
                    "vcpu-quota",
                    subject,
                    f"may need up to {need.vcpu} vCPU ({parts}), but the quota "
                    f'"{quota.name}" ({quota.code}) in {region} is {quota.value:g} vCPU',
                    "lower max_instances (or the spot mix), or request an increase to at "
                    f"least {need.vcpu} vCPU: {quotas.console_link(region, 'ec2', quota.code)} "
                    "(approved increases can take ~30 minutes to apply)",
                )
            )
        elif quota.value < need.overlap_vcpu:
            # Enough to run the cluster, not to replace its node groups side by side: a
            # warning, since a first deploy never replaces anything.
            results.append(
                warned(
                    "vcpu-quota",
                    subject,
                    f"need up to {need.vcpu} vCPU to run ({parts}), but replacing every "
                    f"node group runs old and new side by side: {need.overlap_vcpu} vCPU "
                    f"(new groups start at their minimum: {'; '.join(need.overlap_parts)}); "
                    f'the quota "{quota.name}" ({quota.code}) in {region} is '
                    f"{quota.value:g} vCPU",
                    "before a change that replaces node groups (an AZ, subnets, a spot "
                    "group's types, AMI or capacity type), request at least "
                    f"{need.overlap_vcpu} vCPU: {quotas.console_link(region, 'ec2', quota.code)}",
                )
            )
        else:
            results.append(
                passed(
                    "vcpu-quota",
                    subject,
                    f"need up to {need.vcpu} vCPU, {need.overlap_vcpu} while node groups are "
                    f"replaced; quota {quota.value:g} ({quota.code})",
                )
            )
    return results
