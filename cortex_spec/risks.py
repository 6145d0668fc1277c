"""What a valid spec still puts at risk: settings that work, but that a reviewer should see.

Validation rejects specs that cannot work; these are specs that do work and cost something
in security or availability. `cortex-infra plan` lists them above its tree, and
`cortex-infra diff` lists those its head brings in. Security risks count in every
environment (a public Kubernetes API endpoint, policies on every API's role); some
availability risks only count in production, recognised by the environment's name (`prod`,
`production`): one NAT gateway is a fine trade-off for a disposable dev cluster and a
liability in prod. Pure: a function of the spec alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cortex_spec.cortex_differences import POLICIES_ON_EVERY_API
from cortex_spec.loader import Spec
from cortex_spec.rules.compute_fit import placements

PRODUCTION: Final = frozenset({"prod", "production"})
EVERYWHERE: Final = "0.0.0.0/0"


@dataclass(frozen=True)
class Risk:
    code: str
    path: str
    message: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "path": self.path,
            "message": self.message,
            "reason": self.reason,
        }

    def render(self) -> str:
        return f"{self.path}: {self.message}\n  why: {self.reason}"


def is_production(spec: Spec) -> bool:
    return (spec.environment or "").lower() in PRODUCTION


def risks(spec: Spec) -> list[Risk]:
    """Every risk of `spec`, in the order a reviewer reads the spec (cluster, then APIs)."""
    found = _endpoint(spec)
    found.extend(_policies(spec))
    if is_production(spec):
        found.extend(_production(spec))
    found.extend(_load_balancer(spec))
    found.extend(_spot_only(spec))
    return found


def _endpoint(spec: Spec) -> list[Risk]:
    """The default (Cortex's too): a public endpoint open to every address."""
    cluster = spec.cluster
    if not cluster.endpoint_public_access or EVERYWHERE not in map(
        str, cluster.endpoint_public_access_cidrs
    ):
        return []
    of = f" of {spec.environment}" if spec.environment else ""
    return [
        Risk(
            "public-api-endpoint",
            "cluster.endpoint_public_access_cidrs",
            f"the Kubernetes API endpoint{of} is open to {EVERYWHERE}",
            "anyone on the internet can reach the API server and probe it; only IAM "
            "authentication stands between it and the cluster. List the ranges that run "
            "kubectl and `pulumi up` (office, VPN, CI runners) in "
            "endpoint_public_access_cidrs, or set endpoint_public_access: false and deploy "
            "from inside the VPC (docs/ci.md); `cortex-infra preflight` checks that this "
            "machine can still reach it",
        )
    ]


def _policies(spec: Spec) -> list[Risk]:
    if not spec.policies_on_every_api:
        return []
    arns = spec.cluster.iam_policy_arns
    shown = ", ".join(arns) if len(arns) <= 2 else f"{arns[0]} and {len(arns) - 1} more"
    return [
        Risk(
            "policies-on-every-api",
            "cluster.iam_policy_arns",
            f"{shown} is attached to the IAM role of every API ({len(spec.apis)})",
            POLICIES_ON_EVERY_API,
        )
    ]


def _production(spec: Spec) -> list[Risk]:
    cluster = spec.cluster
    env = spec.environment
    found = []
    if cluster.availability_zones is None and cluster.subnets is None:
        found.append(
            Risk(
                "zones-not-pinned",
                "cluster.availability_zones",
                f"the availability zones of {env} are not pinned",
                "zones are picked from today's instance-type offerings; when offerings change, "
                "the pick can change and the subnets in it would be replaced, taking nodes and "
                "the load balancer with them. Pin them with availability_zones",
            )
        )
    if cluster.subnet_visibility == "private" and cluster.resolved_nat_gateway == "single":
        found.append(
            Risk(
                "single-nat-gateway",
                "cluster.nat_gateway",
                f"{env} sends all node egress through one NAT gateway in one zone",
                "if that zone fails, nodes in the other zones lose internet access (image "
                "pulls, AWS APIs); nat_gateway: highly_available puts one in every zone",
            )
        )
    if cluster.subnet_visibility == "public":
        found.append(
            Risk(
                "public-nodes",
                "cluster.subnet_visibility",
                f"the nodes of {env} have public IP addresses",
                "every node is reachable from the internet, guarded by security groups alone; "
                "private subnets with NAT keep them out of reach",
            )
        )
    if cluster.system_node_group.min_instances < 2:
        found.append(
            Risk(
                "single-system-node",
                "cluster.system_node_group.min_instances",
                f"the add-ons of {env} (CoreDNS, controllers) may run on a single node",
                "draining or losing that node stops DNS and the controllers until a new one "
                "starts; use at least 2",
            )
        )
    return found


def _load_balancer(spec: Spec) -> list[Risk]:
    cluster = spec.cluster
    open_to_all = EVERYWHERE in map(str, cluster.api_load_balancer_cidr_white_list)
    if (
        cluster.api_load_balancer_scheme == "internet-facing"
        and open_to_all
        and not cluster.serves_https
    ):
        return [
            Risk(
                "plain-http-to-internet",
                "cluster.ssl_certificate_arn",
                f"the API load balancer serves plain HTTP to {EVERYWHERE}",
                "requests and responses cross the internet unencrypted; set domain (the "
                "stack then requests its certificate) or ssl_certificate_arn to serve HTTPS, "
                "or narrow api_load_balancer_cidr_white_list",
            )
        ]
    return []


def _spot_only(spec: Spec) -> list[Risk]:
    profiles = spec.profiles
    found = []
    for api in spec.apis:
        index = spec.positions.get(api.name, 0)
        if api.autoscaling.min_replicas < 1:
            continue
        where = placements(api, profiles)
        on_demand = [p for p in where if any(g.capacity_type == "ON_DEMAND" for g in p.groups)]
        if where and not on_demand:
            groups = ", ".join(p.name for p in where)
            found.append(
                Risk(
                    "spot-only-serving",
                    f"apis[{index}].autoscaling.min_replicas",
                    f"{api.name} keeps {api.autoscaling.min_replicas} replica(s) running on "
                    f"spot capacity only ({groups})",
                    "spot instances can be reclaimed together with two minutes' notice, and "
                    "no on-demand node is there to fall back to; give the group "
                    "spot_config.on_demand_base_capacity, or add an on-demand group",
                )
            )
    return found
