"""`status(spec)`: what is running now, read from EKS, Auto Scaling and ELBv2.

The cluster, its managed node groups (sizes, health issues, and their Auto Scaling group's
recent failed scaling activities, which say why GPU capacity did not arrive), the API load
balancer with its router targets, and each API's URL (on `cluster.domain` when
set). A cluster that does not exist is "not
deployed", not an error. Missing pieces of a deployed cluster are reported, never raised.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Final

from botocore.exceptions import ClientError

from cortex_aws import async_queues, endpoints
from cortex_aws.failures import AWS_ERRORS, explain, is_not_found, provision_error
from cortex_aws.session import AwsSession
from cortex_spec import naming
from cortex_spec.loader import Spec

WORKERS: Final = 6
# Enough history to show a repeated failure without flooding the screen.
RECENT_ACTIVITIES: Final = 20
SHOWN_FAILURES: Final = 3


@dataclass(frozen=True)
class ScalingFailure:
    auto_scaling_group: str
    started: str
    status: str
    description: str
    cause: str


@dataclass(frozen=True)
class NodeGroupState:
    name: str
    in_spec: bool
    found: bool
    status: str = "MISSING"
    capacity_type: str = ""
    instance_types: tuple[str, ...] = ()
    desired: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    issues: tuple[str, ...] = ()
    failed_scaling: tuple[ScalingFailure, ...] = ()
    # The managed group of the spec it was made for (`cpu`; "" when none): EKS knows it
    # as `<group>-<suffix>` (cortex_spec.naming), and during a replacement as two groups.
    group: str = ""


@dataclass(frozen=True)
class ClusterStatus:
    cluster: str
    region: str
    deployed: bool
    state: str | None = None
    version: str | None = None
    endpoint: str | None = None
    node_groups: tuple[NodeGroupState, ...] = ()
    load_balancer: endpoints.LoadBalancerState | None = None
    apis: tuple[endpoints.ApiEndpoint, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def expected_groups(spec: Spec) -> list[str]:
    """The managed node groups the stack creates: workers in order, then system."""
    names = [group.name for profile in spec.profiles for group in profile.groups]
    return [*names, *(g.name for g in spec.system_profile.groups)]


def owner(physical: str, expected: list[str]) -> str:
    """The expected managed group an EKS node group belongs to, or "": named from its
    prefix (`cpu-<suffix>`), or exactly (groups made before names had a suffix)."""
    if physical in expected:
        return physical
    managed = naming.managed_group_of(physical)
    return managed if managed in expected else ""


def status(spec: Spec, session: AwsSession | None = None) -> ClusterStatus:
    session = session or AwsSession(spec.cluster.region)
    session.require_credentials()
    name, region = spec.cluster.name, spec.cluster.region
    try:
        cluster = session.eks().describe_cluster(name=name)["cluster"]
    except AWS_ERRORS as error:
        if isinstance(error, ClientError) and is_not_found(error):
            return ClusterStatus(name, region, deployed=False)
        doing = f"EKS DescribeCluster({name})"
        raise provision_error(error, doing, attempts=session.max_attempts) from None
    notes: list[str] = []
    if cluster.get("tags", {}).get(naming.CLUSTER_TAG) != name:
        notes.append(
            f"EKS cluster {name} lacks the tag {naming.CLUSTER_TAG}={name}: cortex-infra "
            "did not create it, so what follows may not match the spec"
        )
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="status") as pool:
        balancer = pool.submit(endpoints.load_balancer, session, spec)
        groups = _node_groups(session, spec, pool, notes)
        lb_state, lb_notes = balancer.result()
    apis = _with_queues(endpoints.apis(spec, lb_state), async_queues.notes(session, spec))
    return ClusterStatus(
        cluster=name,
        region=region,
        deployed=True,
        state=cluster.get("status"),
        version=cluster.get("version"),
        endpoint=cluster.get("endpoint"),
        node_groups=tuple(groups),
        load_balancer=lb_state,
        apis=tuple(apis),
        notes=(*notes, *lb_notes),
    )


def _with_queues(
    apis: list[endpoints.ApiEndpoint], queues: dict[str, str]
) -> list[endpoints.ApiEndpoint]:
    """An AsyncAPI's line also says how deep its queue and dead-letter queue are."""
    return [
        replace(a, note="; ".join(n for n in (a.note, queues[a.api]) if n))
        if a.api in queues
        else a
        for a in apis
    ]


def _node_groups(
    session: AwsSession, spec: Spec, pool: ThreadPoolExecutor, notes: list[str]
) -> list[NodeGroupState]:
    eks, name = session.eks(), spec.cluster.name
    try:
        pages = eks.get_paginator("list_nodegroups").paginate(clusterName=name)
        actual = [n for page in pages for n in page.get("nodegroups", [])]
    except AWS_ERRORS as error:
        notes.append(explain(error, "EKS ListNodegroups").message)
        return []
    expected = expected_groups(spec)
    owners = {physical: owner(physical, expected) for physical in actual}

    def rank(name: str) -> tuple[int, str]:
        # Spec order; a group being replaced shows its old and new node group side by side.
        return (expected.index(owners[name]) if owners[name] else len(expected), name)

    ordered = sorted(actual, key=rank)
    futures = [pool.submit(_describe, session, name, n, owners[n]) for n in ordered]
    states = [f.result() for f in futures]
    found = set(owners.values())
    missing = [
        NodeGroupState(n, in_spec=True, found=False, group=n) for n in expected if n not in found
    ]
    return states + missing


def _describe(session: AwsSession, cluster: str, group: str, managed: str) -> NodeGroupState:
    in_spec = bool(managed)
    try:
        found = session.eks().describe_nodegroup(clusterName=cluster, nodegroupName=group)
    except AWS_ERRORS as error:
        message = explain(error, f"EKS DescribeNodegroup({group})").message
        return NodeGroupState(
            group, in_spec, found=True, status="UNKNOWN", issues=(message,), group=managed
        )
    node = found["nodegroup"]
    scaling = node.get("scalingConfig", {})
    issues = tuple(
        f"{i.get('code', '?')}: {i.get('message', '')}"
        for i in node.get("health", {}).get("issues", [])
    )
    groups = [
        g["name"] for g in node.get("resources", {}).get("autoScalingGroups", []) if "name" in g
    ]
    failures: list[ScalingFailure] = []
    for asg in groups:
        found_failures, note = _failed_scaling(session, asg)
        failures.extend(found_failures)
        issues = (*issues, note) if note else issues
    return NodeGroupState(
        name=group,
        in_spec=in_spec,
        found=True,
        status=node.get("status", "?"),
        capacity_type=node.get("capacityType", ""),
        instance_types=tuple(node.get("instanceTypes", [])),
        desired=scaling.get("desiredSize"),
        minimum=scaling.get("minSize"),
        maximum=scaling.get("maxSize"),
        issues=issues,
        failed_scaling=tuple(failures),
        group=managed,
    )


def _failed_scaling(session: AwsSession, asg: str) -> tuple[list[ScalingFailure], str | None]:
    try:
        activities = session.autoscaling().describe_scaling_activities(
            AutoScalingGroupName=asg, MaxRecords=RECENT_ACTIVITIES
        )["Activities"]
    except AWS_ERRORS as error:
        return [], explain(error, f"Auto Scaling DescribeScalingActivities({asg})").message
    failed = [a for a in activities if a.get("StatusCode") in ("Failed", "Cancelled")]
    failed.sort(key=lambda a: a.get("StartTime", ""), reverse=True)
    return [
        ScalingFailure(
            auto_scaling_group=asg,
            started=str(a.get("StartTime", "")),
            status=str(a.get("StatusCode", "")),
            description=str(a.get("Description", "")),
            cause=str(a.get("StatusMessage", "") or a.get("Cause", "")),
        )
        for a in failed[:SHOWN_FAILURES]
    ], None
