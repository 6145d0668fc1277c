"""One application load balancer in front of the router, owned by the Pulumi stack.

The ALB, its security group, its listeners and its one target group (the router's pods,
target type ip) are `aws.lb` resources: `pulumi destroy` deletes all of them, which Cortex's
controller-made load balancers did not guarantee. The router routes by path to each API
(`router.py`); the ALB has no per-API rule, target group or binding, so the number of APIs
meets none of its quotas (100 target groups per ALB, not adjustable; 100 rules by default).

Safe on every second `pulumi up`:
- The ALB, its security group and the target group carry no fixed name: Pulumi names them
  (a random suffix), so a change that replaces one (the scheme, a port) creates the new one
  before deleting the old, and no name collides. A new ALB comes with a new target group
  (one target group serves one load balancer), and the router's binding follows it.
- Listeners are named by port. Adding or removing a certificate updates the port-80
  listener's default action in place (forward ↔ redirect) and adds or removes the 443 one.
- Client rules are named by port and CIDR, not by position: removing a CIDR from the list
  deletes its own rules and moves no other (a moved rule would duplicate one still there).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec import naming
from cortex_spec.models.cluster import ClusterConfig
from infra.handles import ClusterHandle
from infra.serving.router_bootstrap import DEFAULT_LAYOUT, READY_PATH
from infra.serving.timeouts import ROUTER_GRACE_SECONDS

# AWS's default for HTTPS listeners created in the console (ELB user guide, "Security
# policies for your Application Load Balancer"); the API's default still allows TLS 1.0.
SSL_POLICY: Final = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
ROUTER_PORTS: Final = (DEFAULT_LAYOUT.http_port, DEFAULT_LAYOUT.health_port)


@dataclass(frozen=True)
class ApiLoadBalancerArgs:
    spec_cluster: ClusterConfig
    cluster: ClusterHandle
    idle_timeout: int
    # HTTPS on 443 with this certificate (the spec's, or the stack's validated ACM one).
    certificate_arn: pulumi.Input[str] | None
    tags: dict[str, str]


def target_group_prefix(internal: bool) -> str:
    """At most 6 characters (ELB's name prefix limit); Pulumi appends a unique suffix."""
    return "rt-int" if internal else "rt-ext"


def cidr_key(cidr: str) -> str:
    """A logical-name-safe key of a CIDR (URNs may not hold `::`)."""
    network = ipaddress.ip_network(cidr, strict=False)
    address = str(network.network_address).replace(":", "-").replace(".", "-")
    return f"{address}-{network.prefixlen}"


class ApiLoadBalancer(pulumi.ComponentResource):
    """Security group, ALB, the router's target group, listeners by port."""

    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    # Changes whenever the target group is replaced (its name prefix and port).
    target_group_key: str

    def __init__(
        self, name: str, args: ApiLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ApiLoadBalancer", name, None, opts)
        config, cluster = args.spec_cluster, args.cluster
        child = pulumi.ResourceOptions(parent=self)
        tags = {**args.tags, naming.LOAD_BALANCER_TAG: "api"}
        https = args.certificate_arn is not None
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            description=f"API load balancer of {config.name}",
            vpc_id=cluster.vpc_id,
            tags=tags,
            opts=child,
        )
        self._client_rules(name, group, config, [80, 443] if https else [80])
        self._router_rules(name, group, cluster)
        internal = config.api_load_balancer_scheme == "internal"
        balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=internal,
            security_groups=[group.id],
            subnets=cluster.private_subnet_ids if internal else cluster.public_subnet_ids,
            drop_invalid_header_fields=True,
            # Stack-owned: `pulumi destroy` must be able to delete it.
            enable_deletion_protection=False,
            idle_timeout=args.idle_timeout,
            tags=tags,
            opts=child,
        )
        target_group = aws.lb.TargetGroup(
            f"{name}-router-tg",
            # A target group serves one load balancer ("Load balancers per target group: 1",
            # ELB quotas; else TargetGroupAssociationLimit), so a new ALB needs a new one:
            # the scheme, the spec's one way to replace the ALB, is in this ForceNew prefix.
            name_prefix=target_group_prefix(internal),
            port=DEFAULT_LAYOUT.http_port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=cluster.vpc_id,
            # A deregistered router replica drains its requests for up to its grace period;
            # the ALB keeps them as long (it finishes at once when none is left).
            deregistration_delay=ROUTER_GRACE_SECONDS,
            load_balancing_algorithm_type="least_outstanding_requests",
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                protocol="HTTP",
                path=READY_PATH,
                port=str(DEFAULT_LAYOUT.health_port),
                matcher="200",
                interval=10,
                timeout=3,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags=tags,
            opts=child,
        )
        self._listeners(name, balancer, target_group, args.certificate_arn)
        self.dns_name = balancer.dns_name
        self.zone_id = balancer.zone_id
        self.target_group_arn = target_group.arn
        # Every ForceNew input that the program sets and may change: scheme and port.
        self.target_group_key = f"{target_group_prefix(internal)}-{DEFAULT_LAYOUT.http_port}"
        self.register_outputs({"dns_name": balancer.dns_name, "target_group": target_group.arn})

    def _client_rules(
        self, name: str, group: aws.ec2.SecurityGroup, config: ClusterConfig, ports: list[int]
    ) -> None:
        cidrs = sorted({str(c) for c in config.api_load_balancer_cidr_white_list})
        for port in ports:
            for cidr in cidrs:
                ipv6 = ipaddress.ip_network(cidr, strict=False).version == 6
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-client-{port}-{cidr_key(cidr)}",
                    security_group_id=group.id,
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv4=None if ipv6 else cidr,
                    cidr_ipv6=cidr if ipv6 else None,
                    description="API clients (api_load_balancer_cidr_white_list)",
                    opts=pulumi.ResourceOptions(parent=self),
                )

    def _router_rules(
        self, name: str, group: aws.ec2.SecurityGroup, cluster: ClusterHandle
    ) -> None:
        """The router's traffic and health ports, and nothing else: API pods are reached by
        the router inside the cluster, never by the ALB."""
        for port in ROUTER_PORTS:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-to-pods-{port}",
                security_group_id=group.id,
                referenced_security_group_id=cluster.cluster_security_group_id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description="to the router's pods",
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-from-alb-{port}",
                security_group_id=cluster.cluster_security_group_id,
                referenced_security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description="from the API load balancer",
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _listeners(
        self,
        name: str,
        balancer: aws.lb.LoadBalancer,
        target_group: aws.lb.TargetGroup,
        certificate_arn: pulumi.Input[str] | None,
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        forward = aws.lb.ListenerDefaultActionArgs(
            type="forward", target_group_arn=target_group.arn
        )
        redirect = aws.lb.ListenerDefaultActionArgs(
            type="redirect",
            redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                port="443", protocol="HTTPS", status_code="HTTP_301"
            ),
        )
        secure = None
        if certificate_arn is not None:
            secure = aws.lb.Listener(
                f"{name}-listener-443",
                load_balancer_arn=balancer.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=SSL_POLICY,
                certificate_arn=certificate_arn,
                default_actions=[forward],
                opts=child,
            )
        aws.lb.Listener(
            f"{name}-listener-80",
            load_balancer_arn=balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[forward if secure is None else redirect],
            # Port 80 redirects to 443 only once 443 listens: when a certificate is added,
            # HTTP clients are never sent to a port that does not answer yet.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[secure] if secure else []),
        )
