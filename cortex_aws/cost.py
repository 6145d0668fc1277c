"""`estimate(spec, live=...)`: what the cluster costs per hour and month, at min and at max.

Lines: every EKS managed node group (spot as a range), each node group's root volumes, and
the fixed costs (EKS control plane, its extended-support surcharge when the version is past
standard support, NAT gateways, the API load balancer). Every figure carries its price's
source and date; a price that no source has is "unknown" and the totals say what they
leave out. `live=False` (what `plan` uses) makes no network call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from cortex_aws import money, price_list
from cortex_aws.cost_items import (
    CostLine,
    fixed_line,
    node_line,
    storage_line,
    unknown_fixed,
    volume_keys,
)
from cortex_aws.money import Range
from cortex_aws.prices import Price, PriceBook, PriceKey
from cortex_aws.session import AwsSession
from cortex_spec import zones
from cortex_spec.errors import ProvisionError
from cortex_spec.kubernetes_versions import SUPPORT
from cortex_spec.loader import Spec
from runtime.job_contract import GATEWAY_REPLICAS

NOT_INCLUDED: Final = (
    "data transfer, NAT gateway data processing, load balancer capacity units (LCU), public "
    "IPv4 addresses, CloudWatch logs and the ECR repository are not included"
)


@dataclass(frozen=True)
class CostEstimate:
    cluster: str
    region: str
    live: bool
    lines: tuple[CostLine, ...]
    notes: tuple[str, ...]

    @property
    def at_min(self) -> Range:
        return _known_sum(line.at_min for line in self.lines)

    @property
    def at_max(self) -> Range:
        return _known_sum(line.at_max for line in self.lines)

    @property
    def excluded(self) -> tuple[str, ...]:
        """Lines whose upper end is unknown, so the totals' upper end leaves them out."""
        return tuple(line.name for line in self.lines if line.unit.high is None)

    @property
    def partial_low(self) -> tuple[str, ...]:
        """Lines whose lower end is unknown (e.g. offline spot): the total low counts 0."""
        return tuple(
            line.name for line in self.lines if line.unit.low is None and line.unit.high is not None
        )

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({price.label for line in self.lines for _, price in line.prices}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.cluster,
            "region": self.region,
            "live": self.live,
            "hours_per_month": money.HOURS_PER_MONTH,
            "lines": [line.to_dict() for line in self.lines],
            "total": {
                "hourly": {"at_min": self.at_min.to_dict(), "at_max": self.at_max.to_dict()},
                "monthly": {
                    "at_min": self.at_min.monthly().to_dict(),
                    "at_max": self.at_max.monthly().to_dict(),
                },
                "excluded": list(self.excluded),
                "low_end_without": list(self.partial_low),
            },
            "sources": list(self.sources),
            "notes": list(self.notes),
        }


def _known_sum(ranges: Any) -> Range:
    low = high = 0.0
    for span in ranges:
        low += span.low or 0.0
        high += span.high or 0.0
    return Range(low, high)


def extended_support_since(version: str, today: date) -> str | None:
    row = SUPPORT.get(version)
    if row is None or today.isoformat() <= row.standard_support_ends:
        return None
    return row.standard_support_ends


def estimate(
    spec: Spec,
    *,
    live: bool,
    session: AwsSession | None = None,
    book: PriceBook | None = None,
    today: date | None = None,
) -> CostEstimate:
    today = today or date.today()
    region = spec.cluster.region
    notes: list[str] = []
    if live:
        skipped = _unusable(session, region)
        if isinstance(skipped, str):
            notes.append(f"live prices skipped: {skipped} (using the cache and table)")
            live, session = False, None
        else:
            session = skipped
    book = book or PriceBook(region, live=live, session=session, today=today)
    profiles = [*spec.profiles, spec.system_profile]
    chosen = zones.offline(spec)
    nat = _nat_count(spec, chosen)
    extended = extended_support_since(spec.cluster.kubernetes_version, today)
    keys = [PriceKey("instance", t) for p in profiles for t in p.instance_types]
    keys += [k for p in profiles for k in volume_keys(p.volume)]
    keys += [PriceKey("eks"), PriceKey("alb")]
    keys += [PriceKey("nat")] if nat else []
    keys += [PriceKey("eks-extended")] if extended else []
    book.load(keys)
    spot = _spot(spec, session if live else None, chosen, notes, today)
    lines = [node_line(p, g, book, spot) for p in profiles for g in p.groups]
    lines += [storage_line(p, book) for p in profiles]
    lines.append(fixed_line("EKS control plane", "1 cluster", 1, book.get(PriceKey("eks"))))
    if extended:
        version = spec.cluster.kubernetes_version
        detail = f"Kubernetes {version} is past standard support since {extended}"
        price = book.get(PriceKey("eks-extended"))
        lines.append(fixed_line("EKS extended support", detail, 1, price))
    if nat is None:
        lines.append(unknown_fixed("NAT gateways", "one per zone", "zone count unknown"))
    elif nat:
        mode = spec.cluster.resolved_nat_gateway.replace("_", " ")
        lines.append(fixed_line("NAT gateways", f"{nat} ({mode})", nat, book.get(PriceKey("nat"))))
    alb = book.get(PriceKey("alb"))
    lines.append(fixed_line("load balancer", "1 application load balancer", 1, alb))
    notes += book.notes
    notes += kind_notes(spec)
    notes.append(NOT_INCLUDED)
    return CostEstimate(spec.cluster.name, region, live, tuple(lines), tuple(notes))


def kind_notes(spec: Spec) -> list[str]:
    """What the kinds other than RealtimeAPI add, or do not add, to the estimate."""
    notes = []
    for splitter in spec.splitters:
        extra = " (a shadow's copies too)" if splitter.shadow is not None else ""
        notes.append(
            f"TrafficSplitter {splitter.name}: no resources of its own; its requests load the "
            f"APIs it splits to{extra}, whose node groups are priced above"
        )
    for job in spec.jobs:
        notes.append(
            f"{job.kind} {job.name}: its gateway ({GATEWAY_REPLICAS} pods of 100m CPU, 128 MiB) "
            "runs on the system nodes, priced above; each job's workers run on the API's node "
            "groups only while the job runs, and its SQS requests and S3 records are not priced"
        )
    for api in (a for a in spec.apis if a.is_async):
        notes.append(
            f"AsyncAPI {api.name}: its workers run on its node groups and its gateway (2 "
            "replicas) on the system nodes, both priced above; its SQS requests, the S3 "
            "storage and requests of its results, and the stack's async KMS key are billed "
            "by use: unknown here"
        )
    return notes


def _unusable(session: AwsSession | None, region: str) -> AwsSession | str:
    """A session with credentials, or why live prices cannot be asked for."""
    try:
        session = session or AwsSession(region)
        if not session.has_credentials():
            return "no AWS credentials"
    except ProvisionError as error:
        return error.message
    return session


def _nat_count(spec: Spec, chosen: tuple[str, ...] | None) -> int | None:
    mode = spec.cluster.resolved_nat_gateway
    if mode == "none":
        return 0
    if mode == "single":
        return 1
    return len(chosen) if chosen else None


def _spot(
    spec: Spec,
    session: AwsSession | None,
    chosen: tuple[str, ...] | None,
    notes: list[str],
    today: date,
) -> dict[str, Price]:
    """Current spot prices (live only); offline, spot ranges start at "unknown"."""
    types = [
        t
        for p in spec.profiles
        if any(g.capacity_type == "SPOT" for g in p.groups)
        for t in p.instance_types
    ]
    if not types:
        return {}
    if session is None:
        notes.append("spot prices are live only: spot groups show unknown - on-demand")
        return {}
    outcome = price_list.spot(session.ec2(), types, chosen, session.max_attempts)
    if outcome.failure is not None:
        notes.append(f"spot prices unavailable: {outcome.failure.message}")
        return {}
    found = outcome.value or {}
    return {t: Price(usd, "hour", "spot", today.isoformat()) for t, usd in found.items()}


def summary(estimate: CostEstimate) -> str:
    """A few lines for `plan`: totals at min and max, what they leave out, price sources."""
    low, high = estimate.at_min, estimate.at_max
    lines = [
        f"estimated cost in {estimate.region}:",
        f"  at minimum size: {money.text(low)}/hour ({money.text(low.monthly(), digits=0)}/month)",
        f"  at maximum size: {money.text(high)}/hour "
        f"({money.text(high.monthly(), digits=0)}/month)",
    ]
    if estimate.excluded:
        lines.append(f"  not priced (unknown): {', '.join(estimate.excluded)}")
    if estimate.partial_low:
        lines.append(f"  low end counts no spot price for: {', '.join(estimate.partial_low)}")
    lines.append(
        f"  prices: {'; '.join(s for s in estimate.sources if not s.startswith('unknown'))}"
    )
    return "\n".join(lines)
