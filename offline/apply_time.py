"""How long `pulumi up` takes, estimated from the plan's dependency graph.

Pulumi starts a step as soon as every resource it depends on is done (its `dependencies`,
and the provider it is created with), so the time of an apply is the longest chain of
waits through the graph: the critical path. Each step takes the time in `STEP_TIMES`, the
one table of figures, each with its published source. Where nothing is published the
figure is unknown: it counts as zero and the estimate names it, so the result reads "at
least" and never hides a guess. Component resources take no time (Pulumi registers them
without a provider call); a resource type absent from the table has no waiter in its
provider (one API call, `NO_WAIT`) or is unknown.

The provisioning floor of a new stack is the chain no design can avoid: the control plane,
then one node group, then one Helm release on it (`FLOOR_TYPES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from offline.graph import PlanGraph, PlannedResource


@dataclass(frozen=True)
class StepTime:
    """A step's duration in seconds (None: unknown) and where the figure comes from."""

    seconds: int | None
    source: str


UNKNOWN_HELM: Final = (
    "unknown: pulumi-kubernetes waits for the chart's workloads to be ready (helm.v3.Release "
    "`skipAwait` false), which depends on the chart and the nodes; no published figure"
)
# Creation times (a new stack). Replacing a resource takes its creation time again.
STEP_TIMES: Final[Mapping[str, StepTime]] = {
    "aws:eks/cluster:Cluster": StepTime(
        900,
        '"currently averages 15 minutes" (AWS, aws/containers-roadmap#1227); 15m00s measured '
        "in us-west-2 (easontechtalk.com, EKS cluster creation across regions)",
    ),
    "aws:eks/nodeGroup:NodeGroup": StepTime(
        300,
        'CREATING to ACTIVE "~2-5 min", upper end (alchemy.run, EKS Nodegroup provider page)',
    ),
    "aws:ec2/natGateway:NatGateway": StepTime(
        300,
        '"up to 5 min" from pending to available (kubernetes/kops#944, route.go comment)',
    ),
    "aws:lb/loadBalancer:LoadBalancer": StepTime(
        300,
        'an ALB "no more than 5 minutes" on most runs (hashicorp/terraform#24799)',
    ),
    "aws:iam/role:Role": StepTime(
        1, 'pulumi up log: aws:iam:Role "created (1s)" (pulumi/pulumi-eks#1819)'
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": StepTime(
        1, 'pulumi up log: RolePolicyAttachment "created (0.71s)" (pulumi/pulumi-eks#1819)'
    ),
    "aws:eks/addon:Addon": StepTime(
        None,
        "unknown: waits for the add-on's pods; CoreDNS reported at 13-15 min when it waits for "
        "nodes (aws-ia/terraform-aws-eks-blueprints#642), vpc-cni and kube-proxy as soon as "
        "their pods are ready",
    ),
    "kubernetes:helm.sh/v3:Release": StepTime(None, UNKNOWN_HELM),
    "kubernetes:apps/v1:Deployment": StepTime(
        None,
        "unknown: pulumi-kubernetes waits until the rollout is available: image pull and "
        "model load, up to ~10 min for an LLM on inf2/GPU (awslabs/ai-on-eks, llama3-inf2.md)",
    ),
    "kubernetes:core/v1:Service": StepTime(
        None,
        "unknown: pulumi-kubernetes waits for a Service with a selector to have endpoints, "
        "that is for its pods (pulumi-kubernetes await logic)",
    ),
    "docker-build:index:Image": StepTime(
        None, "unknown: the build and push of the image, on the deploying machine"
    ),
    "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": StepTime(
        None,
        "unknown: targets register in 90-180 s for an NLB (kubernetes-sigs/aws-load-balancer-"
        "controller#1834); no figure for an ALB. pulumi-kubernetes does not wait on it",
    ),
}
# In-place updates that take longer than a creation; any other update is estimated as a
# creation of the same step (no wait beyond it).
UPDATE_TIMES: Final[Mapping[str, StepTime]] = {
    "aws:eks/nodeGroup:NodeGroup": StepTime(
        900,
        'a rolling update of a 2-node group "~15 min" (pulumi/pulumi-eks#633 comment)',
    ),
}
# Types whose provider returns when its one API call does: seconds, not minutes.
NO_WAIT: Final = StepTime(
    0,
    "no waiter: the provider returns with the API call (seconds; pulumi-kubernetes waits "
    "only for workloads, Services, Ingresses, Jobs and PVCs)",
)
UNKNOWN_TYPE: Final = StepTime(None, "unknown: no published figure for this type")
# A Kubernetes object annotated `pulumi.com/skipAwait: "true"` is created without the
# provider's await logic (pulumi-kubernetes docs, "Resource awaiting"), whatever its kind.
SKIP_AWAIT_ANNOTATION: Final = "pulumi.com/skipAwait"
SKIPPED_AWAIT: Final = StepTime(
    0,
    "no waiter: annotated pulumi.com/skipAwait, so pulumi-kubernetes returns with the API call",
)
# Prefixes of types with no waiter in their provider (the figure is NO_WAIT).
_NO_WAIT_PREFIXES: Final = (
    "aws:ec2/",
    "aws:vpc/",
    "aws:iam/",
    "aws:s3/",
    "aws:kms/",
    "aws:ecr/",
    "aws:cloudwatch/",
    "aws:route53/",
    "aws:autoscaling/tag",
    "aws:lb/listener",
    "aws:lb/targetGroup",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:Secret",
    "kubernetes:policy/v1:",
    "kubernetes:autoscaling/",
    "kubernetes:keda.sh/",
    "kubernetes:http.keda.sh/",
    "kubernetes:rbac.authorization.k8s.io/",
    "pulumi:providers:",
    "pulumi-python:dynamic/",
)
FLOOR_TYPES: Final = (
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "kubernetes:helm.sh/v3:Release",
)


def step_time(type_token: str, op: str = "create") -> StepTime:
    """The duration of a step of this type and operation, with its source."""
    if op == "update" and type_token in UPDATE_TIMES:
        return UPDATE_TIMES[type_token]
    if type_token in STEP_TIMES:
        return STEP_TIMES[type_token]
    if type_token.startswith("cortex:") or type_token.startswith(_NO_WAIT_PREFIXES):
        return NO_WAIT
    return UNKNOWN_TYPE


def resource_step_time(resource: PlannedResource, op: str = "create") -> StepTime:
    """`step_time` of this resource: a Kubernetes object that skips the provider's await
    takes no time, whatever its type's figure."""
    if resource.type.startswith("kubernetes:"):
        metadata = resource.inputs.get("metadata")
        annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
        if isinstance(annotations, dict) and annotations.get(SKIP_AWAIT_ANNOTATION) == "true":
            return SKIPPED_AWAIT
    return step_time(resource.type, op)


@dataclass(frozen=True)
class Step:
    urn: str
    type: str
    name: str
    op: str
    seconds: int | None
    # When the step ends on the critical path's clock (unknowns counted as zero).
    finish: int


@dataclass(frozen=True)
class Estimate:
    seconds: int
    critical_path: tuple[Step, ...]
    # The type of each step on the critical path whose duration is unknown (counted as 0).
    unknown_on_path: tuple[str, ...]
    floor_seconds: int
    floor_unknown: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.floor_seconds else 0.0


def _waits_for(resource: PlannedResource, urns: set[str]) -> list[str]:
    """What a step waits for: its dependencies and its provider, when they are in the plan."""
    provider = resource.provider.split("::")
    provider_urn = "::".join(provider[:-1]) if len(provider) > 4 else resource.provider
    found = [urn for urn in resource.dependencies if urn in urns]
    for candidate in (resource.provider, provider_urn):
        if candidate in urns and candidate not in found:
            found.append(candidate)
    return found


def estimate(graph: PlanGraph, changed: Mapping[str, str] | None = None) -> Estimate:
    """The critical path of applying `graph`: every resource created (a new stack), or only
    the URNs in `changed`, each with its operation (`create`, `update`, `replace`; the
    others are in place and take no time). Deletions run after and are not counted.

    Chains compare by their known seconds, then by their number of steps of unknown
    duration: of two chains that take as long as far as we know, the one that waits for
    more unknown steps is the longer."""
    by_urn = {r.urn: r for r in graph.resources}
    urns = set(by_urn)
    ops = dict.fromkeys(urns, "create") if changed is None else dict(changed)
    runs = {urn for urn, op in ops.items() if op != "delete"} & urns
    finish: dict[str, tuple[int, int]] = {}
    previous: dict[str, str | None] = {}

    def visit(urn: str) -> tuple[int, int]:
        if urn in finish:
            return finish[urn]
        start: tuple[int, int] = (0, 0)
        before = None
        for dependency in sorted(_waits_for(by_urn[urn], urns)):
            done = visit(dependency)
            if before is None or done > start:
                start, before = done, dependency
        seconds = resource_step_time(by_urn[urn], ops.get(urn, "")).seconds if urn in runs else 0
        finish[urn] = (start[0] + (seconds or 0), start[1] + (seconds is None))
        previous[urn] = before
        return finish[urn]

    for urn in sorted(urns):
        visit(urn)
    end = max(sorted(finish), key=lambda u: finish[u], default=None)
    path: list[Step] = []
    cursor = end
    while cursor is not None:
        resource = by_urn[cursor]
        seconds = resource_step_time(resource, ops.get(cursor, "")).seconds
        # Steps that take no time are left out of the chain people read.
        if cursor in runs and seconds != 0:
            path.append(
                Step(
                    cursor,
                    resource.type,
                    resource.name,
                    ops.get(cursor, "create"),
                    seconds,
                    finish[cursor][0],
                )
            )
        cursor = previous[cursor]
    path.reverse()
    floor = [step_time(t).seconds for t in FLOOR_TYPES]
    return Estimate(
        seconds=finish[end][0] if end is not None else 0,
        critical_path=tuple(path),
        unknown_on_path=tuple(s.type for s in path if s.seconds is None),
        floor_seconds=sum(s or 0 for s in floor),
        floor_unknown=sum(s is None for s in floor),
    )


def minutes(seconds: int) -> str:
    return f"{seconds // 60} min {seconds % 60:02d} s"


def summary_lines(found: Estimate, *, label: str) -> list[str]:
    """The estimate for people: the total, the chain, and what it does not count."""
    total = minutes(found.seconds)
    unknown = len(found.unknown_on_path)
    lines = [
        f"{label}: at least {total}, plus {unknown} step(s) of unknown duration"
        if unknown
        else f"{label}: {total}"
    ]
    chain = " -> ".join(
        f"{s.name} ({'?' if s.seconds is None else minutes(s.seconds)})"
        for s in found.critical_path
    )
    lines.append(f"  critical path: {chain or 'nothing to wait for'}")
    if found.unknown_on_path:
        lines.append(
            "  not counted (no published duration): "
            + ", ".join(sorted(set(found.unknown_on_path)))
        )
    lines.append("  step times and their sources: offline/apply_time.py STEP_TIMES")
    return lines


def to_dict(found: Estimate) -> dict[str, object]:
    return {
        "seconds": found.seconds,
        "lower_bound": bool(found.unknown_on_path),
        "critical_path": [
            {"urn": s.urn, "op": s.op, "seconds": s.seconds, "finish": s.finish}
            for s in found.critical_path
        ],
        "unknown_steps": len(found.unknown_on_path),
        "floor": {"seconds": found.floor_seconds, "unknown_steps": found.floor_unknown},
        "sources": {s.type: step_time(s.type, s.op).source for s in found.critical_path},
    }
