"""A stand-in Pulumi program that is unsafe on purpose, for the update simulator's tests.

It reads the same stack config as the real program and declares, from the spec, one
pattern per invariant the simulator must catch when the spec changes:

- the load balancer's logical name carries its scheme, its physical name is fixed: a new
  scheme creates a second load balancer of the same name (duplicate-name); a new type
  (Cortex's `api_load_balancer_type: nlb`) replaces it in place, and since its name is set
  pulumi-aws deletes it first, with its listeners and rules (capacity-drop);
- the port-80 listener is `http`, or `http-redirect` once a certificate is set: a new
  certificate creates a second port-80 listener (duplicate-listener-port);
- rule priorities are the APIs' positions in name order: a new first API shifts them all
  (duplicate-rule-priority);
- an API's TargetGroupBinding moves to the `keda` namespace when it scales to zero, under the
  same name: a new binding for the same target group (duplicate-target-group-binding);
- the router's routes ConfigMap sends an API at zero to the KEDA interceptor; with the
  cluster tag `interceptor: late` it waits only for the add-on, not for the API's
  InterceptorRoute (main's wiring before the routes waited for them): an API switched to
  zero is routed to an interceptor that does not know it yet (interceptor-route-missing);
- node groups have fixed names, delete-before-replace, and an ignored desired size: a new
  instance type empties the group (capacity-drop), a raised minimum sends the old desired
  size (desired-size-out-of-range). With the cluster tag `downtime: accepted` the program
  warns about the downtime, which makes the drop deliberate.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from cortex_spec import Spec, load_spec, naming
from cortex_spec.node_profiles import NODE_GROUP_LABEL

_TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


def manifest(value: dict[str, Any]) -> Any:
    """Kubernetes fields as written; typed `Any`, as in infra/serving/workload.py, because the
    SDK's TypedDicts spell them differently (and checking nested literals against them is slow)."""
    return value


def platform(spec: Spec) -> tuple[aws.eks.Cluster, aws.ec2.Vpc]:
    cluster = spec.cluster
    vpc = aws.ec2.Vpc("vpc", cidr_block=str(cluster.vpc_cidr))
    zones = cluster.availability_zones or [f"{cluster.region}a", f"{cluster.region}b"]
    subnets = [
        aws.ec2.Subnet(
            f"subnet-{zone}", vpc_id=vpc.id, availability_zone=zone, cidr_block=f"10.0.{i}.0/24"
        )
        for i, zone in enumerate(zones)
    ]
    role = aws.iam.Role("node-role", name=f"{cluster.name}-node", assume_role_policy=_TRUST)
    eks = aws.eks.Cluster(
        "eks",
        name=cluster.name,
        role_arn=role.arn,
        vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=[s.id for s in subnets]),
    )
    downtime = cluster.tags.get("downtime") == "accepted"
    for profile in [spec.system_profile, *spec.profiles]:
        for group in profile.groups:
            aws.eks.NodeGroup(
                f"nodes-{group.name}",
                cluster_name=eks.name,
                node_group_name=group.name,
                node_role_arn=role.arn,
                subnet_ids=[s.id for s in subnets],
                instance_types=list(profile.instance_types),
                capacity_type=group.capacity_type,
                labels={NODE_GROUP_LABEL: profile.name},
                scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                    desired_size=group.min_size, min_size=group.min_size, max_size=group.max_size
                ),
                opts=pulumi.ResourceOptions(
                    delete_before_replace=True, ignore_changes=["scalingConfig.desiredSize"]
                ),
            )
            if downtime:
                pulumi.log.warn(f"node group {group.name} is recreated in place: downtime")
    return eks, vpc


def serving(spec: Spec, vpc: aws.ec2.Vpc, provider: k8s.Provider) -> None:
    cluster = spec.cluster
    scheme = cluster.api_load_balancer_scheme
    balancer = aws.lb.LoadBalancer(
        f"lb-{scheme}",
        name=f"{cluster.name}-apis"[:32],  # a fixed name, as the program once had
        internal=scheme == "internal",
        load_balancer_type="network" if cluster.api_load_balancer_type == "nlb" else "application",
    )
    not_found = aws.lb.ListenerDefaultActionArgs(type="fixed-response")
    if cluster.ssl_certificate_arn is None:
        listener = aws.lb.Listener(
            "http", load_balancer_arn=balancer.arn, port=80, default_actions=[not_found]
        )
    else:
        aws.lb.Listener(
            "http-redirect", load_balancer_arn=balancer.arn, port=80, default_actions=[not_found]
        )
        listener = aws.lb.Listener(
            "https", load_balancer_arn=balancer.arn, port=443, default_actions=[not_found]
        )
    k8s_opts = pulumi.ResourceOptions(provider=provider)
    interceptor_routes: list[pulumi.Resource] = []
    for priority, api in enumerate(sorted(spec.apis, key=lambda a: a.name), start=1):
        labels = {naming.API_TAG: api.name}
        name = naming.deployment_name(api.name)
        group = aws.lb.TargetGroup(
            f"{api.name}-tg",
            name=naming.target_group_name(cluster.name, api.name),
            port=8080,
            vpc_id=vpc.id,
            tags=labels,
        )
        aws.lb.ListenerRule(
            f"{api.name}-rule",
            listener_arn=listener.arn,
            priority=priority,
            actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=group.arn)],
            conditions=[
                aws.lb.ListenerRuleConditionArgs(
                    path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(
                        values=[api.endpoint, f"{api.endpoint}/*"]
                    )
                )
            ],
            tags=labels,
        )
        metadata = {"name": name, "namespace": naming.NAMESPACE, "labels": labels}
        k8s.apps.v1.Deployment(
            f"{api.name}-deployment",
            metadata=manifest(metadata),
            spec=manifest(
                {
                    "selector": {"matchLabels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {"containers": [{"name": "api", "image": "nginx:1.27"}]},
                    },
                }
            ),
            opts=k8s_opts,
        )
        service = k8s.core.v1.Service(
            f"{api.name}-service",
            metadata=manifest(metadata),
            spec=manifest({"selector": labels, "ports": [{"port": 8080}]}),
            opts=k8s_opts,
        )
        zero = api.autoscaling.min_replicas == 0
        if zero:
            interceptor_routes.append(
                k8s.apiextensions.CustomResource(
                    f"{api.name}-interceptor-route",
                    api_version="http.keda.sh/v1beta1",
                    kind="InterceptorRoute",
                    metadata=manifest({"name": name, "namespace": naming.NAMESPACE}),
                    spec=manifest(
                        {
                            "target": {"service": name, "port": 8080},
                            "rules": [{"hosts": ["*"], "paths": [{"value": api.endpoint}]}],
                        }
                    ),
                    opts=pulumi.ResourceOptions(provider=provider, depends_on=[service]),
                )
            )
        k8s.apiextensions.CustomResource(
            f"{api.name}-binding",
            api_version="elbv2.k8s.aws/v1beta1",
            kind="TargetGroupBinding",
            metadata=manifest({"name": name, "namespace": "keda" if zero else naming.NAMESPACE}),
            spec=manifest(
                {"serviceRef": {"name": name, "port": 8080}, "targetGroupARN": group.arn}
            ),
            opts=k8s_opts,
        )

    router_routes(spec, provider, interceptor_routes)


def router_routes(
    spec: Spec, provider: k8s.Provider, interceptor_routes: list[pulumi.Resource]
) -> None:
    """The router's routes: an API at zero goes to the interceptor's cluster."""
    routes = [
        {
            "name": naming.deployment_name(api.name),
            "match": {"path_separated_prefix": api.endpoint},
            "route": {
                "cluster": "keda-interceptor"
                if api.autoscaling.min_replicas == 0
                else naming.deployment_name(api.name)
            },
        }
        for api in sorted(spec.apis, key=lambda a: a.name)
    ]
    table = {"resources": [{"virtual_hosts": [{"name": "apis", "routes": routes}]}]}
    waits: list[pulumi.Resource] = []
    if interceptor_routes:
        waits.append(
            k8s.helm.v3.Release(
                "http-add-on",
                name="keda-add-ons-http",
                chart="keda-add-ons-http",
                version="0.14.1",
                namespace="keda",
                opts=pulumi.ResourceOptions(provider=provider),
            )
        )
        if spec.cluster.tags.get("interceptor") != "late":
            waits += interceptor_routes
    k8s.core.v1.ConfigMap(
        "router-routes",
        metadata=manifest({"name": "router-routes", "namespace": naming.NAMESPACE}),
        data={"routes.json": json.dumps(table, sort_keys=True)},
        opts=pulumi.ResourceOptions(provider=provider, depends_on=waits),
    )


config = pulumi.Config()
explicit = config.get("environment") or None
loaded = load_spec(
    config.require("spec"),
    environment=explicit or pulumi.get_stack(),
    environment_required=explicit is not None,
)
cluster_resource, network = platform(loaded)
serving(loaded, network, k8s.Provider("k8s", kubeconfig=cluster_resource.endpoint))
