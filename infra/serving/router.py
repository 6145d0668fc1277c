"""The router: Envoy in the serving namespace, the one target of the load balancer.

Objects (namespace `cortex`): ServiceAccount, ConfigMaps `router-bootstrap-<hash>`
(immutable), `router-routes` and `router-clusters` (updated in place), Deployment, Service,
PodDisruptionBudget, HorizontalPodAutoscaler, all named `router`, and the one
TargetGroupBinding `router` that registers the router's pods in the load balancer's target
group. Adding, removing or changing an API changes only the two dynamic ConfigMaps.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from infra.handles import ClusterHandle
from infra.serving import router_workload as workload
from infra.serving.manifests import deployment, manifest
from infra.serving.router_bootstrap import (
    BOOTSTRAP_FILE,
    CLUSTERS_FILE,
    ROUTES_FILE,
    bootstrap_json,
)
from infra.serving.router_config import (
    aliased_discovery_file,
    cluster_configuration,
    discovery_file,
    route_configuration,
)
from infra.serving.routing import Routing
from infra.serving.timeouts import UPSTREAM_IDLE_SECONDS

# A rollout waits for the ALB's health check through the pods' readiness gates.
ROLLOUT_TIMEOUT = "10m"


@dataclass(frozen=True)
class RouterFiles:
    """The router's three files: the bootstrap (code only) and the two dynamic ones."""

    bootstrap: str
    routes: str
    clusters: str


def router_files(routing: Routing) -> RouterFiles:
    return RouterFiles(
        bootstrap=bootstrap_json(),
        routes=discovery_file([route_configuration(routing.routes)]),
        clusters=aliased_discovery_file(
            cluster_configuration(routing.upstreams, UPSTREAM_IDLE_SECONDS)
        ),
    )


def bootstrap_config_map_name(text: str) -> str:
    return f"{workload.ROUTER}-bootstrap-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class RouterArgs:
    cluster: ClusterHandle
    namespace: pulumi.Resource
    routing: Routing
    target_group_arn: pulumi.Output[str]
    # What identifies the target group (its name prefix): a new target group gets a binding
    # of a new name, created before the old one is deleted.
    target_group_key: str
    # The controller release: the TargetGroupBinding CRD and its webhooks come with it.
    controller: pulumi.Resource
    # A provider that updates ConfigMaps in place (enableConfigMapMutable) instead of
    # deleting and re-creating them: the router must never see its files disappear.
    config_provider: k8s.Provider
    # What the routes' upstreams need running first: the KEDA HTTP add-on, installed only
    # while some API scales to zero (metrics_stack.py), the InterceptorRoute of every API
    # that scales to zero, and the Deployments of the APIs a TrafficSplitter sends to.
    routes_after: tuple[pulumi.Resource, ...] = ()


class Router(pulumi.ComponentResource):
    """Envoy, its configuration, and its binding to the load balancer's target group."""

    def __init__(
        self, name: str, args: RouterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:Router", name, None, opts)
        files = router_files(args.routing)
        metadata = manifest(
            {"name": workload.ROUTER, "namespace": naming.NAMESPACE, "labels": workload.SELECTOR}
        )
        k8s_opts = pulumi.ResourceOptions(
            parent=self, provider=args.cluster.k8s_provider, depends_on=[args.namespace]
        )
        dynamic_opts = pulumi.ResourceOptions(
            parent=self, provider=args.config_provider, depends_on=[args.namespace]
        )
        account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=metadata,
            automount_service_account_token=False,
            opts=k8s_opts,
        )
        bootstrap_name = bootstrap_config_map_name(files.bootstrap)
        bootstrap = k8s.core.v1.ConfigMap(
            f"{name}-bootstrap",
            metadata=manifest({**metadata, "name": bootstrap_name}),
            data={BOOTSTRAP_FILE: files.bootstrap},
            immutable=True,
            opts=k8s_opts,
        )
        clusters = k8s.core.v1.ConfigMap(
            f"{name}-clusters",
            metadata=manifest({**metadata, "name": workload.CLUSTERS_CONFIG_MAP}),
            data={CLUSTERS_FILE: files.clusters},
            opts=dynamic_opts,
        )
        routes = k8s.core.v1.ConfigMap(
            f"{name}-routes",
            metadata=manifest({**metadata, "name": workload.ROUTES_CONFIG_MAP}),
            data={ROUTES_FILE: files.routes},
            # A new API's cluster is published before the route that sends to it, and a
            # route to the interceptor waits for the add-on that runs it and for the
            # InterceptorRoute that tells the interceptor where to forward.
            opts=pulumi.ResourceOptions.merge(
                dynamic_opts, pulumi.ResourceOptions(depends_on=[clusters, *args.routes_after])
            ),
        )
        service = k8s.core.v1.Service(
            f"{name}-service",
            metadata=metadata,
            spec=manifest(workload.service_spec()),
            opts=k8s_opts,
        )
        binding = k8s.apiextensions.CustomResource(
            f"{name}-binding",
            api_version="elbv2.k8s.aws/v1beta1",
            kind="TargetGroupBinding",
            metadata=manifest({**metadata, "name": f"{workload.ROUTER}-{args.target_group_key}"}),
            spec={
                "serviceRef": {"name": workload.ROUTER, "port": "http"},
                "targetGroupARN": args.target_group_arn,
                "targetType": "ip",
            },
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=args.cluster.k8s_provider,
                # The controller's webhook refuses a changed targetGroupARN, so a new target
                # group means a new binding. A new target group comes with a new key, so the
                # new binding has a new name: pulumi-kubernetes then creates it before it
                # deletes the old one (provider.go Diff), both bind the router's Service for
                # a moment, and the pods stay registered throughout. (Deleting first would
                # leave the new target group empty until the controller registers them.)
                replace_on_changes=["spec.targetGroupARN"],
                # The CRD and its webhooks come with the controller; the Service is bound.
                depends_on=[args.controller, service],
            ),
        )
        deployment(
            f"{name}-deployment",
            metadata=metadata,
            spec=manifest(workload.deployment_spec(bootstrap_name)),
            opts=pulumi.ResourceOptions.merge(
                k8s_opts,
                pulumi.ResourceOptions(
                    # The HPA owns the replica count once the router exists.
                    ignore_changes=["spec.replicas"],
                    # The controller's webhook adds readiness gates only to pods created
                    # after the binding exists; the pods mount the account and the files.
                    depends_on=[binding, account, bootstrap, clusters, routes],
                    custom_timeouts=pulumi.CustomTimeouts(
                        create=ROLLOUT_TIMEOUT, update=ROLLOUT_TIMEOUT
                    ),
                ),
            ),
        )
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-pdb",
            metadata=metadata,
            spec=manifest(workload.disruption_budget_spec()),
            opts=k8s_opts,
        )
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-hpa",
            metadata=metadata,
            spec=manifest(workload.autoscaler_spec()),
            opts=k8s_opts,
        )
        self.register_outputs({})
