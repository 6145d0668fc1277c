"""What AWS and Kubernetes enforce during an update, one row per violation code.

The update simulator (`simulator.py`) checks each invariant after every step of the
update plan (`update_plan.py`); a step that breaks one is where the real `pulumi up` would
fail, or where serving would stop. docs/diff.md shows this table (a test keeps the two
equal); the keys behind the uniqueness rows are in `identity.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Invariant:
    code: str
    rule: str
    enforced_by: str
    source: str


INVARIANTS: Final[tuple[Invariant, ...]] = (
    Invariant(
        "duplicate-name",
        "two live instances never share a physical name in its scope (identity table): load "
        "balancers, target groups, launch templates, IAM roles and policies, security groups "
        "per VPC, node groups and add-ons per cluster, DNS records per zone, Kubernetes "
        "objects per group, kind, namespace and name, Helm releases per namespace",
        "AWS APIs (create fails); Kubernetes (pulumi-kubernetes adopts the object, and the "
        "old resource's delete then removes it)",
        "identity table below",
    ),
    Invariant(
        "duplicate-listener-port",
        "one listener per port per load balancer",
        "ELBv2 CreateListener/ModifyListener",
        "botocore elbv2 2015-12-01: DuplicateListenerException",
    ),
    Invariant(
        "duplicate-rule-priority",
        "rule priorities are unique per listener",
        "ELBv2 CreateRule/SetRulePriorities",
        "botocore elbv2 2015-12-01: PriorityInUseException; CreateRule Priority: "
        '"A listener can\'t have multiple rules with the same priority"',
    ),
    Invariant(
        "duplicate-target-group-binding",
        "one TargetGroupBinding per target group",
        "AWS Load Balancer Controller validating webhook",
        "kubernetes-sigs/aws-load-balancer-controller webhooks/elbv2/"
        "targetgroupbinding_validator.go checkExistingTargetGroups",
    ),
    Invariant(
        "desired-size-out-of-range",
        "a node group's minSize <= desiredSize <= maxSize in every create and scaling update, "
        "with the desired size actually sent (an ignored field sends its old input)",
        "EKS CreateNodegroup/UpdateNodegroupConfig on the group's Auto Scaling group",
        'botocore autoscaling UpdateAutoScalingGroup DesiredCapacity: "must be greater than '
        'or equal to the minimum size of the group and less than or equal to the maximum"; '
        "terraform-provider-aws internal/service/eks/node_group.go sends scaling_config when "
        "it changed; pulumi step_generator.go processIgnoreChanges",
    ),
    Invariant(
        "capacity-drop",
        "an API present before and after the update keeps, at every step, a live workload, "
        "a node group its pods may run on and a traffic path (load balancer, listener, rule, "
        "target group, binding, Service); every node group present before and after keeps a "
        "live managed node group",
        "serving: a gap is an outage, not an error",
        "Kubernetes scheduling (node affinity, taints); ELBv2 routing; "
        "aws-load-balancer-controller TargetGroupBinding",
    ),
    Invariant(
        "interceptor-route-missing",
        "whenever the router's routes send a request through the KEDA HTTP interceptor, the "
        "add-on is installed and an InterceptorRoute that matches the request's Host and path "
        "exists, with its target Service: written before the routes, removed after them",
        "serving: the interceptor answers 404 for a request no InterceptorRoute matches, and "
        "waits in vain for a Service that does not exist",
        "kedacore/http-add-on interceptor/middleware/routing.go as of the InterceptorRoute API "
        "(v0.14): no matching route, 404; interceptor/middleware/endpoint_resolver.go: waits "
        "for the target Service's ready endpoints",
    ),
)
CODES: Final = frozenset(i.code for i in INVARIANTS)


@dataclass(frozen=True)
class Violation:
    """An invariant broken at one step (`step` indexes the plan's steps, from 1)."""

    code: str
    urn: str
    step: int
    message: str
    # What the capacity it concerns serves ("api sentiment", "node group gpu"), if any.
    subject: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "urn": self.urn, "step": self.step, "message": self.message}

    def line(self) -> str:
        return f"[{self.code}] step {self.step}: {self.message}"


def markdown_table() -> str:
    """The invariant table as docs/diff.md shows it."""
    lines = ["| code | invariant | enforced by | source |", "|---|---|---|---|"]
    for row in INVARIANTS:
        lines.append(f"| `{row.code}` | {row.rule} | {row.enforced_by} | {row.source} |")
    return "\n".join(lines) + "\n"
