"""`run(spec)`: every preflight check, in parallel where the calls are independent.

Order of work: identity and region first (if either fails, nothing else can be trusted and
the rest is reported as skipped); then EKS, the existing cluster, the certificate, whether
this machine can reach the cluster's API endpoint (endpoint_access.py), the
offerings, Service Quotas and the network usage, all at once; then the pure comparisons.
The report lists results in a fixed order whatever the threads did.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from cortex_aws import (
    account_checks,
    endpoint_access,
    network_checks,
    offering_checks,
    quota_checks,
    serving_quotas,
)
from cortex_aws.checks import CheckResult, warned
from cortex_aws.session import AwsSession
from cortex_spec import zones
from cortex_spec.loader import Spec

# Eight independent calls in the second stage; more threads would only invite throttling.
WORKERS: Final = 8
_LATER: Final = (
    "eks",
    "existing-cluster",
    "offerings",
    "vcpu-quota",
    "network-quota",
    serving_quotas.CHECK,
    "certificate",
    "endpoint-access",
)


@dataclass(frozen=True)
class PreflightReport:
    cluster: str
    region: str
    zones: tuple[str, ...]
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        return not any(r.status == "fail" for r in self.results)

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in ("pass", "warn", "fail")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cluster": self.cluster,
            "region": self.region,
            "zones": list(self.zones),
            "summary": self.counts(),
            "checks": [r.to_dict() for r in self.results],
        }


def run(
    spec: Spec,
    session: AwsSession | None = None,
    *,
    checkip_url: str | None = None,
) -> PreflightReport:
    """Raises ProvisionError only when there are no credentials at all. `checkip_url` is
    where the deploying machine's public address is asked (tests point it at loopback)."""
    session = session or AwsSession(spec.cluster.region)
    session.require_credentials()
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="preflight") as pool:
        identity = pool.submit(account_checks.identity, session)
        first = _gather([identity, pool.submit(account_checks.region, session)])
        if any(r.status == "fail" for r in first):
            skipped = [
                warned(name, "-", "skipped: the identity or region check failed") for name in _LATER
            ]
            return _report(spec, (), [*first, *skipped])
        eks = pool.submit(account_checks.eks_available, session)
        existing = pool.submit(account_checks.existing_cluster, session, spec)
        certificate = pool.submit(account_checks.certificate, session, spec)
        offers = pool.submit(offering_checks.fetch, session, zones.instance_types(spec))
        facts = pool.submit(quota_checks.fetch_quotas, session)
        usage = pool.submit(quota_checks.fetch_usage, session)
        access = pool.submit(endpoint_access.run, spec, checkip_url)
        serving = pool.submit(serving_quotas.fetch, session, spec)
        offer_results, chosen = offering_checks.check(spec, offers.result())
        results = [
            *first,
            *eks.result(),
            *existing.result(),
            *offer_results,
            *quota_checks.vcpu(spec, session.region, facts.result()),
            *network_checks.check(spec, chosen, facts.result(), usage.result()),
            *serving_quotas.check(spec, serving.result()),
            *certificate.result(),
            *access.result(),
        ]
    return _report(spec, chosen, results)


def _gather(futures: list[Future[list[CheckResult]]]) -> list[CheckResult]:
    return [result for future in futures for result in future.result()]


def _report(spec: Spec, chosen: tuple[str, ...], results: list[CheckResult]) -> PreflightReport:
    return PreflightReport(spec.cluster.name, spec.cluster.region, chosen, tuple(results))
