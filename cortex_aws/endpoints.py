"""The API load balancer, its router targets and each API's URL, for `status`.

The stack lets Pulumi name the ALB (so a replacement never clashes with the old name) and
tags it `cortex.dev/cluster-name=<cluster>` and `cortex.dev/load-balancer=api`: that is how
it is found. Its one target group holds the router's pods; the router sends each path to
its API inside the cluster, so per-API health is the pods' readiness (kubectl), not ELB's.
URLs are `https://<cluster.domain><endpoint>` with a domain, else on the ALB's DNS name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import ClientError

from cortex_aws.failures import AWS_ERRORS, explain, is_not_found
from cortex_aws.session import AwsSession
from cortex_spec import naming
from cortex_spec.loader import Spec
from cortex_spec.models.job_apis import is_job
from cortex_spec.models.traffic_splitter import TrafficSplitter

# DescribeTags takes at most 20 resource ARNs per call (ELBv2 API reference).
TAGS_PER_CALL: Final = 20


@dataclass(frozen=True)
class LoadBalancerState:
    name: str
    found: bool
    state: str = "not found"
    dns_name: str | None = None
    scheme: str | None = None
    reason: str | None = None
    arn: str | None = None
    domain: str | None = None
    # The router's replicas registered in the target group, and how many pass its check.
    healthy: int | None = None
    targets: int | None = None


@dataclass(frozen=True)
class ApiEndpoint:
    api: str
    url: str | None
    note: str | None = None


def _tagged(session: AwsSession, cluster: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Application load balancers tagged as this cluster's API load balancer."""
    elbv2 = session.elbv2()
    balancers: dict[str, dict[str, Any]] = {}
    for page in elbv2.get_paginator("describe_load_balancers").paginate():
        for balancer in page.get("LoadBalancers", []):
            if balancer.get("Type") == "application":
                balancers[balancer["LoadBalancerArn"]] = dict(balancer)
    arns = sorted(balancers)
    found = []
    for start in range(0, len(arns), TAGS_PER_CALL):
        described = elbv2.describe_tags(ResourceArns=arns[start : start + TAGS_PER_CALL])
        for description in described.get("TagDescriptions", []):
            tags = {t["Key"]: t.get("Value", "") for t in description.get("Tags", [])}
            if (
                tags.get(naming.CLUSTER_TAG) == cluster
                and tags.get(naming.LOAD_BALANCER_TAG) == "api"
            ):
                found.append(balancers[description["ResourceArn"]])
    found.sort(key=lambda b: str(b.get("CreatedTime", "")), reverse=True)
    notes = []
    if len(found) > 1:
        names = ", ".join(str(b.get("LoadBalancerName")) for b in found)
        notes.append(
            f"{len(found)} load balancers carry the tags of {cluster} ({names}): a replacement "
            "is under way or an old one was left behind; showing the newest"
        )
    return found, notes


def _router_targets(session: AwsSession, arn: str) -> tuple[int, int]:
    elbv2 = session.elbv2()
    healthy = total = 0
    for group in elbv2.describe_target_groups(LoadBalancerArn=arn).get("TargetGroups", []):
        health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
        for target in health.get("TargetHealthDescriptions", []):
            total += 1
            healthy += target.get("TargetHealth", {}).get("State") == "healthy"
    return healthy, total


def load_balancer(session: AwsSession, spec: Spec) -> tuple[LoadBalancerState, list[str]]:
    cluster, domain = spec.cluster.name, spec.cluster.domain
    try:
        found, notes = _tagged(session, cluster)
    except AWS_ERRORS as error:
        if isinstance(error, ClientError) and is_not_found(error):
            return LoadBalancerState("", found=False, domain=domain), []
        note = explain(error, "ELB DescribeLoadBalancers").message
        return LoadBalancerState("", found=False, state="unknown", domain=domain), [note]
    if not found:
        return LoadBalancerState("", found=False, domain=domain), notes
    balancer = found[0]
    arn = str(balancer.get("LoadBalancerArn", ""))
    healthy: int | None = None
    targets: int | None = None
    try:
        healthy, targets = _router_targets(session, arn)
    except AWS_ERRORS as error:
        notes.append(explain(error, "ELB target health of the router").message)
    state = balancer.get("State", {})
    return (
        LoadBalancerState(
            name=str(balancer.get("LoadBalancerName", "")),
            found=True,
            state=state.get("Code", "?"),
            dns_name=balancer.get("DNSName"),
            scheme=balancer.get("Scheme"),
            reason=state.get("Reason"),
            arn=arn,
            domain=domain,
            healthy=healthy,
            targets=targets,
        ),
        notes,
    )


def apis(spec: Spec, balancer: LoadBalancerState) -> list[ApiEndpoint]:
    """Each API's URL (every kind, in the file's order): on the domain when there is one,
    else on the ALB's DNS name. A TrafficSplitter's note says where its requests go."""
    scheme = "https" if spec.cluster.serves_https else "http"
    host = spec.cluster.domain or (balancer.dns_name if balancer.found else None)
    missing = None if balancer.found else "no load balancer yet"
    found = []
    for api in spec.entries:
        notes = [missing] if missing else []
        if isinstance(api, TrafficSplitter):
            notes.append(split_note(api))
        elif is_job(api):
            notes.append(JOB_NOTE)
        url = f"{scheme}://{host}{api.endpoint}" if host else None
        found.append(ApiEndpoint(api.name, url, "; ".join(notes) or None))
    return found


# Cortex v0.42's job endpoints (docs/workloads/batch/jobs.md).
JOB_NOTE = "jobs: POST to submit, GET or DELETE ?jobID=<id> for status or to stop"


def split_note(splitter: TrafficSplitter) -> str:
    """`split: a 90%, b 10%; shadow c 50%`."""
    shares = ", ".join(f"{t.name} {t.weight}%" for t in splitter.primaries)
    shadow = splitter.shadow
    return f"split: {shares}" + (f"; shadow {shadow.name} {shadow.weight}%" if shadow else "")
