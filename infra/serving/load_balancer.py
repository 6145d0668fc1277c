"""One application load balancer in front of every API, owned by the Pulumi stack.

The ALB, its security group, its listeners, one target group (target type ip) and one
listener rule per API are `aws.lb` resources: `pulumi destroy` deletes all of them, which
Cortex's controller-made load balancers did not guarantee. Pods reach their target group
through a `TargetGroupBinding` (AWS Load Balancer Controller), which only registers and
deregisters pod IPs and never creates AWS resources of its own.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.models.cluster import ClusterConfig
from infra.handles import ClusterHandle
from infra.serving.routing import Route, path_patterns, priorities
from runtime import contract

# AWS's default for HTTPS listeners created in the console (ELB user guide, "Security
# policies for your Application Load Balancer"); the API's default still allows TLS 1.0.
SSL_POLICY: Final = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
NOT_FOUND_BODY: Final = '{"error": "no API is served at this path"}'


@dataclass(frozen=True)
class ApiLoadBalancerArgs:
    spec_cluster: ClusterConfig
    cluster: ClusterHandle
    routes: list[Route]
    # The controller release that installs the TargetGroupBinding CRD and reconciles it.
    controller: pulumi.Resource
    idle_timeout: int
    tags: dict[str, str]


class ApiLoadBalancer(pulumi.ComponentResource):
    """Security group, ALB, listeners; per route a target group, rule and binding."""

    dns_name: pulumi.Output[str]
    scheme: str

    def __init__(
        self, name: str, args: ApiLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ApiLoadBalancer", name, None, opts)
        config, cluster = args.spec_cluster, args.cluster
        child = pulumi.ResourceOptions(parent=self)
        lb_name = naming.load_balancer_name(config.name)
        tags = {**args.tags, naming.LOAD_BALANCER_TAG: "api"}
        https = config.ssl_certificate_arn is not None
        self.scheme = "https" if https else "http"
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=lb_name,
            description=f"API load balancer of {config.name}",
            vpc_id=cluster.vpc_id,
            tags=tags,
            opts=child,
        )
        self._client_rules(name, group, config, [443, 80] if https else [80])
        self._target_rules(name, group, cluster, args.routes)
        internal = config.api_load_balancer_scheme == "internal"
        balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=lb_name,
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
        listener = self._listeners(name, balancer, config)
        order = priorities(args.routes)
        for route in args.routes:
            self._route(
                name,
                route=route,
                priority=order[route.api],
                listener=listener,
                config=config,
                cluster=cluster,
                args=args,
                tags=tags,
            )
        self.dns_name = balancer.dns_name
        self.register_outputs({"dns_name": balancer.dns_name})

    def _client_rules(
        self, name: str, group: aws.ec2.SecurityGroup, config: ClusterConfig, ports: list[int]
    ) -> None:
        for port in ports:
            for index, cidr in enumerate(config.api_load_balancer_cidr_white_list):
                ipv6 = ipaddress.ip_network(str(cidr), strict=False).version == 6
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-client-{port}-{index}",
                    security_group_id=group.id,
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv4=None if ipv6 else str(cidr),
                    cidr_ipv6=str(cidr) if ipv6 else None,
                    description="API clients (api_load_balancer_cidr_white_list)",
                    opts=pulumi.ResourceOptions(parent=self),
                )

    def _target_rules(
        self,
        name: str,
        group: aws.ec2.SecurityGroup,
        cluster: ClusterHandle,
        routes: list[Route],
    ) -> None:
        """Exactly the traffic and health-check ports, between the ALB and the pods."""
        ports = sorted({r.target_port for r in routes} | {r.health_port or 0 for r in routes})
        for port in (p for p in ports if p):
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-to-pods-{port}",
                security_group_id=group.id,
                referenced_security_group_id=cluster.cluster_security_group_id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description="to serving pods",
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
        self, name: str, balancer: aws.lb.LoadBalancer, config: ClusterConfig
    ) -> aws.lb.Listener:
        not_found = aws.lb.ListenerDefaultActionArgs(
            type="fixed-response",
            fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                content_type="application/json", message_body=NOT_FOUND_BODY, status_code="404"
            ),
        )
        child = pulumi.ResourceOptions(parent=self)
        if config.ssl_certificate_arn is None:
            return aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=balancer.arn,
                port=80,
                protocol="HTTP",
                default_actions=[not_found],
                opts=child,
            )
        aws.lb.Listener(
            f"{name}-http-redirect",
            load_balancer_arn=balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                        port="443", protocol="HTTPS", status_code="HTTP_301"
                    ),
                )
            ],
            opts=child,
        )
        return aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=SSL_POLICY,
            certificate_arn=config.ssl_certificate_arn,
            default_actions=[not_found],
            opts=child,
        )

    def _route(
        self,
        name: str,
        *,
        route: Route,
        priority: int,
        listener: aws.lb.Listener,
        config: ClusterConfig,
        cluster: ClusterHandle,
        args: ApiLoadBalancerArgs,
        tags: dict[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        group = aws.lb.TargetGroup(
            f"{name}-{route.api}-tg",
            name=naming.target_group_name(config.name, route.api),
            port=route.target_port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=cluster.vpc_id,
            # A replica drains for at most its grace period; waiting longer gains nothing.
            deregistration_delay=contract.TERMINATION_GRACE_SECONDS,
            # Inference latency varies by request: send work to the least busy replica.
            load_balancing_algorithm_type="least_outstanding_requests",
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                protocol="HTTP",
                path=route.health_path,
                port=str(route.health_port) if route.health_port else "traffic-port",
                matcher="200",
                # Cortex's readiness timings: every 10 s, 3 s timeout, 3 failures.
                interval=10,
                timeout=3,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags={**tags, naming.API_TAG: route.api},
            opts=child,
        )
        aws.lb.ListenerRule(
            f"{name}-{route.api}-rule",
            listener_arn=listener.arn,
            priority=priority,
            actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=group.arn)],
            conditions=[
                aws.lb.ListenerRuleConditionArgs(
                    path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(
                        values=path_patterns(route.endpoint)
                    )
                )
            ],
            tags={**tags, naming.API_TAG: route.api},
            # A moved priority may replace the rule; the old one must go first, since two
            # rules of one listener cannot share a priority.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        k8s.apiextensions.CustomResource(
            f"{name}-{route.api}-binding",
            api_version="elbv2.k8s.aws/v1beta1",
            kind="TargetGroupBinding",
            metadata={"name": f"api-{route.api}", "namespace": route.service_namespace},
            spec={
                "serviceRef": {"name": route.service_name, "port": route.service_port},
                "targetGroupARN": group.arn,
                "targetType": "ip",
            },
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=cluster.k8s_provider,
                # The CRD and its reconciler come with the controller's release.
                depends_on=[args.controller, *route.depends_on],
            ),
        )
