"""NetworkPolicies of the namespaces the stack owns: deny by default, then exactly its flows.

Enforced by the VPC CNI's network policy agent (`enableNetworkPolicy` on the `vpc-cni`
add-on, infra/addons.py). Flows (docs/serving.md, "Network policies"):

`cortex` (API pods, the router): ingress and egress denied, then
- the load balancer → router :8080 (traffic) and :8081 (health check). A NetworkPolicy
  cannot name a security group, and the ALB's nodes take addresses from its subnets as it
  scales, so the source is the cluster network's ranges (the VPC's CIDR, or the given
  subnets'); the security groups already admit only the ALB on those two ports
  (load_balancer.py), this is the second wall;
- router → API pods (any port: the pods listen only on their serving and admin ports),
  → AsyncAPI gateways :8888, and → the KEDA interceptor :8080 (routes of APIs at zero);
  interceptor → API pods; Prometheus (namespace `monitoring`) → API pods (metrics);
- AsyncAPI gateways → anywhere except the instance metadata address (SQS, S3, STS);
- every pod → CoreDNS (UDP and TCP 53);
- API pods → anywhere except the instance metadata address: predictors download models and
  call services, in the VPC (databases) and on the internet (S3, STS for IRSA, Secrets
  Manager, SSM through NAT); IMDS is blocked twice (hop limit 1 on the nodes, and here).
  Other namespaces' pods are protected by their own ingress policies, not by this rule.

`keda`: ingress denied, then within the namespace (operator ↔ metrics server ↔ HTTP add-on
scaler ↔ interceptor admin), the router → interceptor :8080, and the control plane → the
metrics API server :6443 and the admission webhooks :9443 (the API server reaches them from
network interfaces in the cluster's subnets, hence the network ranges). `monitoring`:
ingress denied, then KEDA → Prometheus :9090. Their egress stays open: they run pinned
controllers that talk to the API server, not user code.

Kubelet probes are not affected: the agent always admits the node's own address
(aws/aws-network-policy-agent#65, in VPC CNI v1.15.1+). Ports are numbers, never names:
named ports in ingress rules are not resolved by the EKS policy controller
(aws/amazon-network-policy-controller-k8s#81). Every policy is a function of the network
ranges alone: adding, removing or changing APIs never changes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from infra.serving import metrics_stack
from infra.serving.async_workload import GATEWAY_LABEL
from infra.serving.manifests import manifest
from infra.serving.pod_template import API_LABEL
from infra.serving.router_bootstrap import DEFAULT_LAYOUT
from infra.serving.router_workload import SELECTOR as ROUTER_SELECTOR
from runtime import contract

Manifest = dict[str, Any]

NAMESPACE_LABEL: Final = "kubernetes.io/metadata.name"
IMDS: Final = "169.254.169.254/32"
EVERYWHERE: Final = "0.0.0.0/0"
# The HTTP add-on's interceptor pods (interceptor/deployment.yaml of the keda-add-ons-http
# chart 0.14.1).
INTERCEPTOR_SELECTOR: Final = {
    "app.kubernetes.io/component": "interceptor",
    "app.kubernetes.io/name": "http-add-on",
}
# KEDA chart 2.20.1 values: `service.portHttpsTarget` (metrics API server) and the
# webhooks' default port.
KEDA_METRICS_API_PORT: Final = 6443
KEDA_WEBHOOK_PORT: Final = 9443
# The prometheus chart's server container listens on 9090 (templates/deploy.yaml).
PROMETHEUS_PORT: Final = 9090
_CORE_DNS: Final = {"k8s-app": "kube-dns"}


def _tcp(*ports: int) -> list[Manifest]:
    return [{"protocol": "TCP", "port": port} for port in ports]


def _namespace(name: str, pods: dict[str, str] | None = None) -> Manifest:
    peer: Manifest = {"namespaceSelector": {"matchLabels": {NAMESPACE_LABEL: name}}}
    if pods is not None:
        peer["podSelector"] = {"matchLabels": dict(pods)}
    return peer


def _blocks(cidrs: Sequence[str]) -> list[Manifest]:
    return [{"ipBlock": {"cidr": cidr}} for cidr in cidrs]


@dataclass(frozen=True)
class Policy:
    namespace: str
    name: str
    spec: Manifest
    # Deny-all policies are created after the policies that open the flows (and deleted
    # before them), so no update has a moment where a needed flow is denied.
    denies: bool = False


_API_PODS: Final = {"matchExpressions": [{"key": API_LABEL, "operator": "Exists"}]}
# AsyncAPI gateways (async_workload.py): the router's only way to an AsyncAPI.
_GATEWAY_PODS: Final = {"matchExpressions": [{"key": GATEWAY_LABEL, "operator": "Exists"}]}


def serving_policies(cidrs: Sequence[str]) -> list[Policy]:
    namespace = naming.NAMESPACE
    keda = metrics_stack.KEDA_NAMESPACE
    router_ports = _tcp(DEFAULT_LAYOUT.http_port, DEFAULT_LAYOUT.health_port)
    return [
        Policy(
            namespace, "deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}, True
        ),
        Policy(
            namespace,
            "allow-dns",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [_namespace(naming.SYSTEM_NAMESPACE, _CORE_DNS)],
                        "ports": [
                            {"protocol": "UDP", "port": 53},
                            {"protocol": "TCP", "port": 53},
                        ],
                    }
                ],
            },
        ),
        Policy(
            namespace,
            "router",
            {
                "podSelector": {"matchLabels": dict(ROUTER_SELECTOR)},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": _blocks(cidrs), "ports": router_ports}],
                "egress": [
                    {"to": [{"podSelector": _API_PODS}]},
                    {"to": [{"podSelector": _GATEWAY_PODS}], "ports": _tcp(contract.GATEWAY_PORT)},
                    {
                        "to": [_namespace(keda, INTERCEPTOR_SELECTOR)],
                        "ports": _tcp(metrics_stack.INTERCEPTOR_PROXY_PORT),
                    },
                ],
            },
        ),
        Policy(
            namespace,
            "apis",
            {
                "podSelector": _API_PODS,
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [
                    {
                        "from": [
                            {"podSelector": {"matchLabels": dict(ROUTER_SELECTOR)}},
                            _namespace(keda, INTERCEPTOR_SELECTOR),
                            _namespace(metrics_stack.METRICS_NAMESPACE),
                        ]
                    }
                ],
                "egress": [{"to": [{"ipBlock": {"cidr": EVERYWHERE, "except": [IMDS]}}]}],
            },
        ),
        Policy(
            namespace,
            "gateways",
            {
                "podSelector": _GATEWAY_PODS,
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [
                    {
                        "from": [{"podSelector": {"matchLabels": dict(ROUTER_SELECTOR)}}],
                        "ports": _tcp(contract.GATEWAY_PORT),
                    }
                ],
                # SQS and S3 (their public endpoints, through the NAT), STS for IRSA.
                "egress": [{"to": [{"ipBlock": {"cidr": EVERYWHERE, "except": [IMDS]}}]}],
            },
        ),
    ]


def keda_policies(cidrs: Sequence[str]) -> list[Policy]:
    namespace = metrics_stack.KEDA_NAMESPACE
    return [
        Policy(namespace, "deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]}, True),
        Policy(
            namespace,
            "allow-same-namespace",
            {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {}}]}],
            },
        ),
        Policy(
            namespace,
            "allow-control-plane",
            {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": _blocks(cidrs),
                        "ports": _tcp(KEDA_METRICS_API_PORT, KEDA_WEBHOOK_PORT),
                    }
                ],
            },
        ),
        Policy(
            namespace,
            "interceptor-from-router",
            {
                "podSelector": {"matchLabels": dict(INTERCEPTOR_SELECTOR)},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [_namespace(naming.NAMESPACE, ROUTER_SELECTOR)],
                        "ports": _tcp(metrics_stack.INTERCEPTOR_PROXY_PORT),
                    }
                ],
            },
        ),
    ]


def monitoring_policies() -> list[Policy]:
    namespace = metrics_stack.METRICS_NAMESPACE
    return [
        Policy(namespace, "deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]}, True),
        Policy(
            namespace,
            "prometheus-from-keda",
            {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [_namespace(metrics_stack.KEDA_NAMESPACE)],
                        "ports": _tcp(PROMETHEUS_PORT),
                    }
                ],
            },
        ),
    ]


def all_policies(cidrs: Sequence[str]) -> list[Policy]:
    return [*serving_policies(cidrs), *keda_policies(cidrs), *monitoring_policies()]


@dataclass(frozen=True)
class NetworkPoliciesArgs:
    provider: k8s.Provider
    cidrs: tuple[str, ...]
    # namespace name → the Namespace resource its policies live in
    namespaces: dict[str, pulumi.Resource]


class NetworkPolicies(pulumi.ComponentResource):
    """Every policy above; `ready` is what waits for the flows to be in place."""

    def __init__(
        self, name: str, args: NetworkPoliciesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:NetworkPolicies", name, None, opts)
        policies = all_policies(args.cidrs)
        opened: dict[str, list[pulumi.Resource]] = {}
        for policy in sorted(policies, key=lambda p: p.denies):
            # Policies live in their namespace; a deny waits for its namespace's allows.
            after = [args.namespaces[policy.namespace]]
            if policy.denies:
                after += opened.get(policy.namespace, [])
            created = k8s.networking.v1.NetworkPolicy(
                f"{name}-{policy.namespace}-{policy.name}",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=policy.name, namespace=policy.namespace),
                spec=manifest(policy.spec),
                opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=after),
            )
            opened.setdefault(policy.namespace, []).append(created)
        self.register_outputs({})
