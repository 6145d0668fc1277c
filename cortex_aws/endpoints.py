"""The API load balancer and each API's URL and target health, for `status`.

The stack names the ALB `naming.load_balancer_name(cluster)` and tags it
`cortex.dev/cluster-name=<cluster>` and `cortex.dev/load-balancer=api`; each API has a
target group named `naming.target_group_name(cluster, api)`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from botocore.exceptions import ClientError

from cortex_aws.failures import AWS_ERRORS, explain, is_not_found
from cortex_aws.session import AwsSession
from cortex_spec import naming
from cortex_spec.loader import Spec


@dataclass(frozen=True)
class LoadBalancerState:
    name: str
    found: bool
    state: str = "not found"
    dns_name: str | None = None
    scheme: str | None = None
    reason: str | None = None
    arn: str | None = None


@dataclass(frozen=True)
class ApiEndpoint:
    api: str
    url: str | None
    target_group: str
    healthy: int | None = None
    targets: int | None = None
    note: str | None = None


def load_balancer(session: AwsSession, spec: Spec) -> tuple[LoadBalancerState, list[str]]:
    cluster = spec.cluster.name
    name = naming.load_balancer_name(cluster)
    elbv2 = session.elbv2()
    try:
        found = elbv2.describe_load_balancers(Names=[name])["LoadBalancers"]
    except AWS_ERRORS as error:
        if isinstance(error, ClientError) and is_not_found(error):
            return LoadBalancerState(name, found=False), []
        note = explain(error, f"ELB DescribeLoadBalancers({name})").message
        return LoadBalancerState(name, found=False, state="unknown"), [note]
    if not found:
        return LoadBalancerState(name, found=False), []
    balancer = found[0]
    arn = balancer.get("LoadBalancerArn", "")
    notes = []
    try:
        described = elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
        tags = {t["Key"]: t.get("Value", "") for d in described for t in d.get("Tags", [])}
        if tags.get(naming.CLUSTER_TAG) != cluster:
            notes.append(
                f"load balancer {name} lacks the tag {naming.CLUSTER_TAG}={cluster}; it may "
                "belong to something else"
            )
    except AWS_ERRORS as error:
        notes.append(explain(error, f"ELB DescribeTags({name})").message)
    state = balancer.get("State", {})
    return (
        LoadBalancerState(
            name=name,
            found=True,
            state=state.get("Code", "?"),
            dns_name=balancer.get("DNSName"),
            scheme=balancer.get("Scheme"),
            reason=state.get("Reason"),
            arn=arn,
        ),
        notes,
    )


def apis(
    session: AwsSession, spec: Spec, balancer: LoadBalancerState, pool: ThreadPoolExecutor
) -> list[ApiEndpoint]:
    scheme = "https" if spec.cluster.ssl_certificate_arn else "http"
    base = f"{scheme}://{balancer.dns_name}" if balancer.found and balancer.dns_name else None
    futures = [
        pool.submit(_api, session, spec.cluster.name, api.name, api.endpoint, base)
        for api in spec.apis
    ]
    return [f.result() for f in futures]


def _api(
    session: AwsSession, cluster: str, api: str, endpoint: str, base: str | None
) -> ApiEndpoint:
    group = naming.target_group_name(cluster, api)
    url = f"{base}{endpoint}" if base else None
    elbv2 = session.elbv2()
    try:
        groups = elbv2.describe_target_groups(Names=[group])["TargetGroups"]
        arn = groups[0]["TargetGroupArn"]
        health = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    except AWS_ERRORS as error:
        if isinstance(error, ClientError) and is_not_found(error):
            return ApiEndpoint(api, url, group, note="target group not found (not deployed?)")
        return ApiEndpoint(api, url, group, note=explain(error, "ELB target health").message)
    healthy = sum(1 for h in health if h.get("TargetHealth", {}).get("State") == "healthy")
    return ApiEndpoint(api, url, group, healthy=healthy, targets=len(health))
