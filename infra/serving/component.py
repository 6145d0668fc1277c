"""The serving layer: every API of the spec on the cluster, behind one load balancer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import Spec, naming
from cortex_spec.models.api import RealtimeAPI
from infra.handles import ClusterHandle
from infra.serving import metrics_stack, scaling_rules
from infra.serving.bundles import BundleRef, BundleStore, BundleStoreArgs, api_bundle
from infra.serving.lb_controller import LoadBalancerController, LoadBalancerControllerArgs
from infra.serving.load_balancer import ApiLoadBalancer, ApiLoadBalancerArgs
from infra.serving.metrics_stack import MetricsStack, MetricsStackArgs
from infra.serving.pod_autoscaling import COLD_START_SECONDS, PodAutoscaler, PodAutoscalerArgs
from infra.serving.registry import RuntimeRegistry
from infra.serving.routing import Route
from infra.serving.workload import SERVICE_PORT, ApiWorkload, ApiWorkloadArgs
from runtime import contract

# The ALB's default idle timeout (aws.lb.LoadBalancer `idle_timeout`); raised to the
# cold-start wait when an API scales to zero, or the ALB would drop the held request.
DEFAULT_IDLE_TIMEOUT: Final = 60
# Lets the AWS Load Balancer Controller add readiness gates to pods behind a
# TargetGroupBinding, so a rollout waits until new pods pass the target group's health check.
READINESS_GATE_LABEL: Final = "elbv2.k8s.aws/pod-readiness-gate-inject"


@dataclass(frozen=True)
class ServingArgs:
    spec: Spec
    cluster: ClusterHandle


def route_for(api: RealtimeAPI, workload: ApiWorkload, interceptor: pulumi.Resource) -> Route:
    """Where the load balancer sends an API's path: its Service, or for an API that scales
    to zero the interceptor, which can hold a request while no replica runs."""
    if scaling_rules.scales_to_zero(api):
        return Route(
            api=api.name,
            endpoint=api.endpoint,
            target_port=metrics_stack.INTERCEPTOR_PROXY_PORT,
            health_port=metrics_stack.INTERCEPTOR_ADMIN_PORT,
            health_path=metrics_stack.INTERCEPTOR_HEALTH_PATH,
            service_namespace=metrics_stack.KEDA_NAMESPACE,
            service_name=metrics_stack.INTERCEPTOR_SERVICE,
            service_port=metrics_stack.INTERCEPTOR_PROXY_PORT,
            depends_on=(interceptor,),
        )
    predictor = api.form == "predictor"
    return Route(
        api=api.name,
        endpoint=api.endpoint,
        target_port=api.port if predictor else contract.PROXY_PORT,
        # Container form: the proxy's admin port answers /healthz (the contract).
        health_port=None if predictor else contract.ADMIN_PORT,
        health_path=contract.HEALTH_PATH,
        service_namespace=naming.NAMESPACE,
        service_name=naming.deployment_name(api.name),
        service_port=SERVICE_PORT,
        depends_on=(workload.service,),
    )


def url_of(scheme: str, endpoint: str) -> Callable[[str], str]:
    """The API's URL on the load balancer's DNS name (`api_endpoints`)."""
    return lambda dns: f"{scheme}://{dns}{endpoint}"


class Serving(pulumi.ComponentResource):
    """Namespace, registry, bundles, controllers, workloads, load balancer, autoscalers."""

    def __init__(
        self, name: str, args: ServingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:Serving", name, None, opts)
        spec, cluster = args.spec, args.cluster
        config = spec.cluster
        child = pulumi.ResourceOptions(parent=self)
        tags = {naming.COMPONENT_TAG: "serving"}
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata={"name": naming.NAMESPACE, "labels": {READINESS_GATE_LABEL: "enabled"}},
            opts=pulumi.ResourceOptions(parent=self, provider=cluster.k8s_provider),
        )
        registry = RuntimeRegistry(f"{name}-registry", config, opts=child)
        store = None
        if any(api.form == "predictor" for api in spec.apis):
            store = BundleStore(
                f"{name}-bundles",
                BundleStoreArgs(
                    cluster_name=config.name,
                    region=config.region,
                    account_id=cluster.account_id,
                    tags=tags,
                ),
                opts=child,
            )
        controller = LoadBalancerController(
            f"{name}-lb-controller",
            LoadBalancerControllerArgs(cluster=cluster, cluster_name=config.name, tags=tags),
            opts=child,
        )
        metrics = MetricsStack(f"{name}-metrics", MetricsStackArgs(cluster=cluster), opts=child)
        zero = any(scaling_rules.scales_to_zero(api) for api in spec.apis)
        idle_timeout = COLD_START_SECONDS if zero else DEFAULT_IDLE_TIMEOUT
        routes = []
        for api in spec.apis:
            bundle: BundleRef | None = None
            if store is not None and api.form == "predictor":
                bundle = store.add(api.name, api_bundle(spec, api))
            workload = ApiWorkload(
                f"{name}-{api.name}",
                ApiWorkloadArgs(
                    api=api,
                    spec=spec,
                    cluster=cluster,
                    namespace=namespace,
                    image=registry.image_for(api, config),
                    bundle=bundle,
                    bucket_arn=store.bucket_arn if store is not None else None,
                    tags=tags,
                    keep_alive_seconds=idle_timeout + contract.KEEP_ALIVE_MARGIN_SECONDS,
                ),
                opts=child,
            )
            PodAutoscaler(
                f"{name}-{api.name}-autoscaler",
                PodAutoscalerArgs(
                    api=api,
                    cluster=cluster,
                    deployment=workload.deployment,
                    metrics_ready=metrics.ready,
                ),
                opts=child,
            )
            routes.append(route_for(api, workload, metrics.ready[1]))
        balancer = ApiLoadBalancer(
            f"{name}-lb",
            ApiLoadBalancerArgs(
                spec_cluster=config,
                cluster=cluster,
                routes=routes,
                controller=controller.release,
                idle_timeout=idle_timeout,
                tags=tags,
            ),
            opts=child,
        )
        endpoints = {
            api.name: balancer.dns_name.apply(url_of(balancer.scheme, api.endpoint))
            for api in spec.apis
        }
        self._exports: dict[str, pulumi.Output[object]] = {
            "load_balancer_dns_name": balancer.dns_name,
            "api_endpoints": pulumi.Output.from_input(endpoints),
            "runtime_repository_url": registry.repository_url,
        }
        if store is not None:
            self._exports["bundle_bucket"] = store.bucket_id
        self.register_outputs(dict(self._exports))

    def exports(self) -> dict[str, pulumi.Output[object]]:
        """Stack outputs of the serving layer."""
        return dict(self._exports)
