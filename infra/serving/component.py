"""The serving layer: every API of the spec on the cluster, behind one load balancer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import Spec, naming
from infra.handles import ClusterHandle
from infra.serving import domain, pod_security, scaling_rules, timeouts
from infra.serving.async_stack import async_storage
from infra.serving.bundles import BundleRef, BundleStore, BundleStoreArgs, api_bundles
from infra.serving.images import ServingImages, ServingImagesArgs
from infra.serving.jobs import JobApi, JobApiArgs
from infra.serving.lb_controller import LoadBalancerController, LoadBalancerControllerArgs
from infra.serving.load_balancer import ApiLoadBalancer, ApiLoadBalancerArgs
from infra.serving.metrics_stack import (
    KEDA_NAMESPACE,
    METRICS_NAMESPACE,
    MetricsStack,
    MetricsStackArgs,
)
from infra.serving.network_policies import NetworkPolicies, NetworkPoliciesArgs
from infra.serving.pod_autoscaling import PodAutoscaler, PodAutoscalerArgs
from infra.serving.registry import RuntimeRegistry
from infra.serving.router import Router, RouterArgs
from infra.serving.routing import routing
from infra.serving.workload import ApiWorkload, ApiWorkloadArgs
from runtime.bundle import Bundle

# Lets the AWS Load Balancer Controller add readiness gates to pods behind a
# TargetGroupBinding, so a rollout waits until new pods pass the target group's health check.
READINESS_GATE_LABEL: Final = "elbv2.k8s.aws/pod-readiness-gate-inject"
UNSTABLE_URLS: Final = (
    "cluster.domain is not set: the API URLs are on the load balancer's DNS name, which "
    "changes whenever the load balancer is replaced (a change of api_load_balancer_scheme "
    "replaces it); set cluster.domain for URLs that stay"
)


@dataclass(frozen=True)
class ServingArgs:
    spec: Spec
    cluster: ClusterHandle


class Serving(pulumi.ComponentResource):
    """Namespace, registry, bundles, controllers, workloads, router, load balancer, domain."""

    def __init__(
        self, name: str, args: ServingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:Serving", name, None, opts)
        spec, cluster = args.spec, args.cluster
        config = spec.cluster
        child = pulumi.ResourceOptions(parent=self)
        tags = {naming.COMPONENT_TAG: "serving"}
        admission = pod_security.labels(
            pod_security.serving_level([*spec.apis, *spec.jobs]), config.kubernetes_version
        )
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata={
                "name": naming.NAMESPACE,
                "labels": {READINESS_GATE_LABEL: "enabled", **admission},
            },
            opts=pulumi.ResourceOptions(parent=self, provider=cluster.k8s_provider),
        )
        registry = RuntimeRegistry(f"{name}-registry", config, opts=child)
        bundles = api_bundles(spec)
        images = ServingImages(
            f"{name}-images",
            ServingImagesArgs(
                spec=spec,
                repository_url=registry.repository_url,
                registry_id=registry.registry_id,
                bundles=bundles,
            ),
            opts=child,
        )
        store = None
        # The job kinds keep their records in it too (jobs.py).
        if any(api.form == "predictor" for api in spec.apis) or spec.jobs:
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
        queues = async_storage(name, spec, cluster, tags, child)
        metrics = MetricsStack(
            f"{name}-metrics",
            MetricsStackArgs(
                cluster=cluster,
                http_add_on=any(scaling_rules.waits_for_cold_start(api) for api in spec.apis),
                keda_role_arn=queues.keda_role_arn,
            ),
            opts=child,
        )
        NetworkPolicies(
            f"{name}-network-policies",
            NetworkPoliciesArgs(
                provider=cluster.k8s_provider,
                cidrs=cluster.network_cidrs or (config.vpc_cidr,),
                namespaces={
                    naming.NAMESPACE: namespace,
                    KEDA_NAMESPACE: metrics.keda_namespace,
                    METRICS_NAMESPACE: metrics.metrics_namespace,
                },
            ),
            opts=child,
        )
        idle_timeout = timeouts.idle_timeout(spec.apis)
        # Per API, what must be ready before a TrafficSplitter's route sends to it.
        ready: dict[str, list[pulumi.Resource]] = {}
        # Every scale-to-zero API's InterceptorRoute: what the interceptor must know before
        # the router sends it the API's traffic.
        interceptor_routes: list[pulumi.Resource] = []
        for api in spec.apis:
            bundle: BundleRef | None = None
            if store is not None and api.form == "predictor":
                bundle = store.add(api.name, bundles[api.name])
            workload = ApiWorkload(
                f"{name}-{api.name}",
                ApiWorkloadArgs(
                    api=api,
                    spec=spec,
                    cluster=cluster,
                    namespace=namespace,
                    image=images.image_for(api.name),
                    bundle=bundle,
                    bucket_arn=store.bucket_arn if store is not None else None,
                    tags=tags,
                    keep_alive_seconds=timeouts.keep_alive_seconds(idle_timeout),
                    storage=queues.storage.get(api.name),
                ),
                opts=child,
            )
            autoscaler = PodAutoscaler(
                f"{name}-{api.name}-autoscaler",
                PodAutoscalerArgs(
                    api=api,
                    cluster=cluster,
                    deployment=workload.deployment,
                    metrics_ready=metrics.ready,
                    queue_url=queues.queue_url(api.name),
                    region=config.region,
                    service=workload.service,
                    http_add_on=metrics.http_add_on,
                ),
                opts=child,
            )
            ready[api.name] = [workload.deployment]
            if autoscaler.route is not None:
                ready[api.name].append(autoscaler.route)
                interceptor_routes.append(autoscaler.route)
        ready.update(
            self._job_apis(
                name,
                spec=spec,
                cluster=cluster,
                namespace=namespace,
                images=images,
                store=store,
                bundles=bundles,
                tags=tags,
            )
        )
        # An AsyncAPI's route moves to its gateway once the gateway's pods are ready.
        gateways = queues.gateways(name, namespace, images.gateway_image)
        split_targets = sorted({t.name for s in spec.splitters for t in s.apis})
        zone = None
        if config.domain is not None:
            zone = domain.hosted_zone_id(config.domain, config.hosted_zone_id, self)
        else:
            pulumi.log.warn(UNSTABLE_URLS)
        balancer = ApiLoadBalancer(
            f"{name}-lb",
            ApiLoadBalancerArgs(
                spec_cluster=config,
                cluster=cluster,
                idle_timeout=idle_timeout,
                certificate_arn=domain.listener_certificate(name, config, zone, tags, child),
                tags=tags,
            ),
            opts=child,
        )
        config_provider = k8s.Provider(
            f"{name}-router-k8s",
            kubeconfig=cluster.kubeconfig,
            enable_config_map_mutable=True,
            opts=child,
        )
        Router(
            f"{name}-router",
            RouterArgs(
                cluster=cluster,
                namespace=namespace,
                routing=routing(spec.apis, spec.splitters, spec.jobs),
                target_group_arn=balancer.target_group_arn,
                target_group_key=balancer.target_group_key,
                controller=controller.release,
                config_provider=config_provider,
                # A route to the interceptor only once the add-on that runs it is installed
                # and the interceptor knows the route's host and path (the API's
                # InterceptorRoute, which waits for the Service it forwards to): else the
                # interceptor answers 404 (kedacore/http-add-on interceptor/middleware/
                # routing.go), which an API just switched to min_replicas 0 would serve
                # until Pulumi got to its InterceptorRoute. A split's share of live traffic
                # only once its targets' pods are ready (a new target, or one now reached
                # through the interceptor by Host).
                routes_after=tuple(
                    dict.fromkeys(
                        (
                            *(r for r in (metrics.http_add_on,) if r is not None),
                            *interceptor_routes,
                            *(r for target in split_targets for r in ready[target]),
                            *gateways,
                        )
                    )
                ),
            ),
            opts=child,
        )
        host = domain.api_host(
            name,
            config,
            zone,
            dns_name=balancer.dns_name,
            alias_zone_id=balancer.zone_id,
            opts=child,
        )
        scheme = "https" if config.serves_https else "http"
        endpoints = {
            api.name: host.apply(domain.url_of(scheme, api.endpoint)) for api in spec.entries
        }
        self._exports: dict[str, pulumi.Output[object]] = {
            "load_balancer_dns_name": balancer.dns_name,
            "api_endpoints": pulumi.Output.from_input(endpoints),
            "runtime_repository_url": registry.repository_url,
        }
        if config.domain is not None:
            self._exports["api_domain"] = pulumi.Output.from_input(config.domain)
        if store is not None:
            self._exports["bundle_bucket"] = store.bucket_id
        self._exports.update(queues.exports())
        self.register_outputs(dict(self._exports))

    def _job_apis(
        self,
        name: str,
        *,
        spec: Spec,
        cluster: ClusterHandle,
        namespace: pulumi.Resource,
        images: ServingImages,
        store: BundleStore | None,
        bundles: dict[str, Bundle],
        tags: dict[str, str],
    ) -> dict[str, list[pulumi.Resource]]:
        """Each BatchAPI's and TaskAPI's gateway (jobs.py); what must be ready before a
        route sends to it."""
        ready: dict[str, list[pulumi.Resource]] = {}
        for job in spec.jobs:
            assert store is not None  # the job kinds keep their records in it
            job_api = JobApi(
                f"{name}-{job.name}",
                JobApiArgs(
                    api=job,
                    spec=spec,
                    cluster=cluster,
                    namespace=namespace,
                    image=images.image_for(job.name),
                    bundle=store.add(job.name, bundles[job.name]) if job.predictor else None,
                    bucket_name=store.bucket_id,
                    bucket_arn=store.bucket_arn,
                    tags=tags,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            ready[job.name] = [job_api.deployment]
        return ready

    def exports(self) -> dict[str, pulumi.Output[object]]:
        """Stack outputs of the serving layer."""
        return dict(self._exports)
