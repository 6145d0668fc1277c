"""Preflight: room for what the serving layer creates per account and region.

The serving layer puts every API behind one Application Load Balancer, one target group and
two listeners (80 and 443) with no listener rules: the Envoy router inside the cluster does
the per-API routing (infra/serving/router.py), so the load balancer quotas do not grow with
the API count. A replacement of the load balancer (a new scheme) creates the new one, with
its target group, before the old ones go: for that moment two of each exist.

What does grow with the API count is IAM: each API has its own role (least privilege,
infra/serving/workload.py), next to the platform's roles (`PLATFORM_ROLES`, pinned against
the plans by tests/offline/test_quota_needs.py). IAM's "Roles per account" quota is 1,000 by
default (adjustable): about 990 APIs fill an empty account.

Sources: ELBv2 DescribeAccountLimits (`application-load-balancers`, `target-groups`,
`listeners-per-application-load-balancer`) and IAM GetAccountSummary (`Roles`,
`RolesQuota`), the quota values AWS applies to this account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cortex_aws.checks import CheckResult, Outcome, attempt, failed, passed, skipped
from cortex_aws.session import AwsSession
from cortex_spec import naming
from cortex_spec.loader import Spec

CHECK: Final = "serving-quota"
# The cluster, node, VPC CNI, EBS CSI, cluster-autoscaler and load balancer controller roles.
PLATFORM_ROLES: Final = 6
LOAD_BALANCERS: Final = 1
TARGET_GROUPS: Final = 1
LISTENERS: Final = 2
# An AsyncAPI's gateway has a role of its own; the KEDA operator gets one when any exists.
ASYNC_EXTRA_ROLES: Final = 1
KEDA_ROLE: Final = 1


@dataclass(frozen=True)
class ServingNeed:
    load_balancers: int
    target_groups: int
    listeners: int
    iam_roles: int


def serving_need(spec: Spec) -> ServingNeed:
    """What the stack holds at once, counting a load balancer replacement's overlap."""
    return ServingNeed(
        load_balancers=2 * LOAD_BALANCERS,
        target_groups=2 * TARGET_GROUPS,
        listeners=LISTENERS,
        # A job API has two roles: its gateway's and its workers' (infra/serving/jobs.py).
        iam_roles=PLATFORM_ROLES + len(spec.apis) + 2 * len(spec.jobs) + async_roles(spec),
    )


def async_roles(spec: Spec) -> int:
    """The gateways' roles and the KEDA operator's (infra/serving/async_stack.py)."""
    count = sum(1 for api in spec.apis if api.is_async)
    return count * ASYNC_EXTRA_ROLES + (KEDA_ROLE if count else 0)


@dataclass(frozen=True)
class ServingFacts:
    limits: Outcome[dict[str, int]]
    balancers: Outcome[int]
    target_groups: Outcome[int]
    roles: Outcome[tuple[int, int, int]]  # (in use, quota, this stack's own)


def fetch(session: AwsSession, spec: Spec) -> ServingFacts:
    elb = session.elbv2()
    attempts = session.max_attempts

    def limits() -> dict[str, int]:
        rows = elb.describe_account_limits().get("Limits", [])
        return {str(r["Name"]): int(r["Max"]) for r in rows if "Name" in r and "Max" in r}

    def balancers() -> int:
        pages = elb.get_paginator("describe_load_balancers").paginate()
        return sum(1 for p in pages for b in p["LoadBalancers"] if b.get("Type") == "application")

    def target_groups() -> int:
        pages = elb.get_paginator("describe_target_groups").paginate()
        return sum(len(p["TargetGroups"]) for p in pages)

    def roles() -> tuple[int, int, int]:
        iam = session.iam()
        summary = iam.get_account_summary()["SummaryMap"]
        # The stack's roles are named `<cluster>-<purpose>` (naming.iam_role_name): those
        # that exist already are replaced by themselves, not added.
        prefix = naming.iam_role_name(spec.cluster.name, "")
        own = sum(
            1
            for page in iam.get_paginator("list_roles").paginate()
            for role in page["Roles"]
            if str(role["RoleName"]).startswith(prefix)
        )
        return int(summary["Roles"]), int(summary["RolesQuota"]), own

    return ServingFacts(
        limits=attempt(limits, "ELBv2 DescribeAccountLimits", attempts),
        balancers=attempt(balancers, "ELBv2 DescribeLoadBalancers", attempts),
        target_groups=attempt(target_groups, "ELBv2 DescribeTargetGroups", attempts),
        roles=attempt(roles, "IAM GetAccountSummary and ListRoles", attempts),
    )


def _fits(subject: str, in_use: int, need: int, limit: int, hint: str) -> CheckResult:
    text = f"{in_use} in use + {need} for this stack, quota {limit}"
    if in_use + need <= limit:
        return passed(CHECK, subject, text)
    return failed(CHECK, subject, f"{text}: {in_use + need - limit} over", hint)


def check(spec: Spec, facts: ServingFacts) -> list[CheckResult]:
    need = serving_need(spec)
    results: list[CheckResult] = []
    increase = "request an increase in Service Quotas (Elastic Load Balancing)"
    if facts.limits.failure is not None:
        results.append(skipped(CHECK, "load balancers", facts.limits.failure))
    else:
        limits = facts.limits.value or {}
        for subject, name, usage, count in (
            ("load balancers", "application-load-balancers", facts.balancers, need.load_balancers),
            ("target groups", "target-groups", facts.target_groups, need.target_groups),
        ):
            if usage.failure is not None:
                results.append(skipped(CHECK, subject, usage.failure))
            elif name in limits:
                results.append(
                    _fits(
                        subject, usage.value or 0, count, limits[name], f"free some, or {increase}"
                    )
                )
        listeners = limits.get("listeners-per-application-load-balancer")
        if listeners is not None:
            results.append(
                _fits("listeners per load balancer", 0, need.listeners, listeners, increase)
            )
    if facts.roles.failure is not None:
        results.append(skipped(CHECK, "IAM roles", facts.roles.failure))
    else:
        in_use, quota, own = facts.roles.value or (0, 0, 0)
        results.append(
            _fits(
                f"IAM roles ({len(spec.apis)} APIs, one role each"
                + (
                    f", {async_roles(spec)} for AsyncAPI gateways and KEDA"
                    if async_roles(spec)
                    else ""
                )
                + (f"; {len(spec.jobs)} job APIs, two each" if spec.jobs else "")
                + ")",
                in_use - own,
                need.iam_roles,
                quota,
                "split the APIs over several stacks (accounts), or request a higher "
                '"Roles per account" quota in Service Quotas (IAM)',
            )
        )
    return results
