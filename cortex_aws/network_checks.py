"""Preflight: room for the VPC, internet gateway, NAT gateways and their Elastic IPs.

Cortex v0.42.1 `VerifyNetworkQuotas` (cortex-spec.md §9): in use + needed must fit each
quota. cortex-infra puts a single NAT gateway in the first zone and highly available ones in
every zone (infra/network.py), each with one Elastic IP, so each of those zones needs room.
"""

from __future__ import annotations

from dataclasses import dataclass

from cortex_aws import quotas
from cortex_aws.checks import CheckResult, Outcome, failed, passed, skipped, warned
from cortex_aws.quota_checks import NetworkUsage, QuotaFacts
from cortex_spec.loader import Spec


@dataclass(frozen=True)
class _Count:
    subject: str
    code: tuple[str, str]
    in_use: int
    need: int


def _compare(region: str, item: _Count, facts: QuotaFacts) -> CheckResult:
    quota = facts.network[item.code]
    if quota.failure is not None or quota.value is None:
        assert quota.failure is not None
        return skipped("network-quota", item.subject, quota.failure)
    limit = int(quota.value)
    total = item.in_use + item.need
    text = f"{item.in_use} in use + {item.need} new, quota {limit} ({item.code[1]})"
    if total <= limit:
        return passed("network-quota", item.subject, text)
    return failed(
        "network-quota",
        item.subject,
        f"{text}: {total - limit} over",
        f"free some {item.subject}, or request a quota of at least {total}: "
        f"{quotas.console_link(region, item.code[0], item.code[1])}",
    )


def check(
    spec: Spec, zones: tuple[str, ...], facts: QuotaFacts, usage: Outcome[NetworkUsage]
) -> list[CheckResult]:
    region = spec.cluster.region
    need = quotas.network_need(spec, zones)
    if need.vpcs == 0 and need.nat_mode == "none":
        return [passed("network-quota", "network", "existing subnets: no VPC or NAT to create")]
    if usage.failure is not None or usage.value is None:
        assert usage.failure is not None
        return [skipped("network-quota", "network", usage.failure)]
    used = usage.value
    items = []
    if need.vpcs:
        items.append(_Count("VPCs", quotas.VPC_QUOTA, used.vpcs, need.vpcs))
    if need.internet_gateways:
        items.append(
            _Count(
                "internet gateways",
                quotas.IGW_QUOTA,
                used.internet_gateways,
                need.internet_gateways,
            )
        )
    if need.nat_mode != "none":
        items.append(_Count("Elastic IPs", quotas.EIP_QUOTA, used.elastic_ips, need.elastic_ips))
    results = [_compare(region, item, facts) for item in items]
    if need.nat_mode != "none":
        results.append(_nat(region, need, used, facts))
    return results


def _nat(
    region: str, need: quotas.NetworkNeed, used: NetworkUsage, facts: QuotaFacts
) -> CheckResult:
    subject = "NAT gateways per zone"
    quota = facts.network[quotas.NAT_QUOTA]
    if quota.failure is not None or quota.value is None:
        assert quota.failure is not None
        return skipped("network-quota", subject, quota.failure)
    if not need.nat_zones:
        return warned("network-quota", subject, "not checked: no zones could be chosen (above)")
    limit, code = int(quota.value), quotas.NAT_QUOTA[1]
    full = [z for z in need.nat_zones if used.nat_per_zone.get(z, 0) + 1 > limit]
    counts = ", ".join(f"{z}: {used.nat_per_zone.get(z, 0)}" for z in need.nat_zones)
    if full:
        return failed(
            "network-quota",
            subject,
            f"no room for one more NAT gateway in {', '.join(full)} (in use {counts}; "
            f"quota {limit} per zone, {code})",
            f"delete unused NAT gateways there, or request a quota of at least {limit + 1}: "
            f"{quotas.console_link(region, 'vpc', code)}",
        )
    return passed("network-quota", subject, f"in use {counts}; quota {limit} per zone ({code})")
