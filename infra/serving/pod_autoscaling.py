"""Per API, the pod autoscaler: a KEDA ScaledObject, plus an InterceptorRoute for scale to zero.

KEDA makes the HorizontalPodAutoscaler (named `api-<name>`) from the ScaledObject and
answers its external metric from Prometheus; `scaling_rules.py` holds the mapping from
Cortex's knobs. An API with `min_replicas: 0` also gets an InterceptorRoute: the router
sends its traffic to the HTTP add-on's interceptor, which holds each request
while KEDA wakes the API (0 → 1) and forwards it once a replica is ready.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.models.api import WorkloadAPI
from infra.handles import ClusterHandle
from infra.serving import async_scaling, metrics_stack, scaling_rules
from infra.serving.routing import interceptor_host
from infra.serving.timeouts import COLD_START_SECONDS
from infra.serving.workload import SERVICE_PORT


@dataclass(frozen=True)
class PodAutoscalerArgs:
    api: WorkloadAPI
    cluster: ClusterHandle
    # The Deployment to scale, and what KEDA, the add-on and Prometheus need first.
    deployment: pulumi.Resource
    metrics_ready: list[pulumi.Resource]
    # An AsyncAPI's queue: its workers scale on its depth instead (async_scaling.py).
    queue_url: pulumi.Output[str] | None = None
    region: str = ""
    # The interceptor's target (the API's ClusterIP Service), for an API that waits for
    # cold starts.
    service: pulumi.Resource | None = None
    # The HTTP add-on's release (the InterceptorRoute CRD), for an API that waits for cold
    # starts.
    http_add_on: pulumi.Resource | None = None


class PodAutoscaler(pulumi.ComponentResource):
    """ScaledObject (and InterceptorRoute) of one API."""

    # What a route through the interceptor to this API (its own, or a split's) needs first.
    route: pulumi.Resource | None

    def __init__(
        self, name: str, args: PodAutoscalerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:PodAutoscaler", name, None, opts)
        api = args.api
        object_name = naming.deployment_name(api.name)
        k8s_opts = pulumi.ResourceOptions(
            parent=self,
            provider=args.cluster.k8s_provider,
            # The CRDs come with the releases; the target must exist to be scaled.
            depends_on=[*args.metrics_ready, args.deployment],
        )
        metadata = {"name": object_name, "namespace": naming.NAMESPACE}
        route: list[pulumi.Resource] = []
        if scaling_rules.waits_for_cold_start(api):
            route.append(
                k8s.apiextensions.CustomResource(
                    f"{name}-route",
                    api_version="http.keda.sh/v1beta1",
                    kind="InterceptorRoute",
                    metadata=metadata,
                    spec=scaling_rules.interceptor_route_spec(
                        api,
                        service=object_name,
                        port=SERVICE_PORT,
                        cold_start_seconds=COLD_START_SECONDS,
                        split_host=interceptor_host(api.name),
                    ),
                    # Its CRD comes with the add-on; the interceptor forwards a held request
                    # to the Service. Nothing else: the add-on's operator only marks the route
                    # Ready, and the interceptor resolves the Service's endpoints per request
                    # (kedacore/http-add-on operator/controllers/http/
                    # interceptorroute_controller.go, interceptor/middleware/
                    # endpoint_resolver.go). Not the Deployment nor KEDA: the router's routes
                    # wait for this route, and must not wait for the API's rollout.
                    opts=pulumi.ResourceOptions(
                        parent=self,
                        provider=args.cluster.k8s_provider,
                        depends_on=[r for r in (args.http_add_on, args.service) if r is not None],
                    ),
                )
            )
        if args.queue_url is not None:
            self._queue_scaled(name, args, args.queue_url, metadata, k8s_opts)
            self.route = None
            self.register_outputs({})
            return
        k8s.apiextensions.CustomResource(
            f"{name}-scaled-object",
            api_version="keda.sh/v1alpha1",
            kind="ScaledObject",
            metadata=metadata,
            spec=scaling_rules.scaled_object_spec(
                api,
                deployment=object_name,
                hpa_name=object_name,
                prometheus_url=metrics_stack.PROMETHEUS_URL,
                external_scaler=metrics_stack.EXTERNAL_SCALER,
                interceptor_route=object_name,
            ),
            # The add-on's docs: create the ScaledObject after its InterceptorRoute, or
            # KEDA falls back to a CPU metric until it reconciles again.
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=route)),
        )
        self.route = route[0] if route else None
        self.register_outputs({})

    def _queue_scaled(
        self,
        name: str,
        args: PodAutoscalerArgs,
        queue_url: pulumi.Output[str],
        metadata: dict[str, str],
        opts: pulumi.ResourceOptions,
    ) -> None:
        """TriggerAuthentication (the KEDA operator's role) and an SQS-scaled ScaledObject."""
        api, object_name = args.api, metadata["name"]
        auth = k8s.apiextensions.CustomResource(
            f"{name}-trigger-auth",
            api_version="keda.sh/v1alpha1",
            kind="TriggerAuthentication",
            metadata=metadata,
            spec=async_scaling.trigger_authentication_spec(),
            opts=opts,
        )
        k8s.apiextensions.CustomResource(
            f"{name}-scaled-object",
            api_version="keda.sh/v1alpha1",
            kind="ScaledObject",
            metadata=metadata,
            spec=queue_url.apply(
                lambda url: async_scaling.scaled_object_spec(
                    api,
                    deployment=object_name,
                    hpa_name=object_name,
                    queue_url=url,
                    region=args.region,
                    auth=object_name,
                )
            ),
            # The trigger names its authentication, which KEDA looks up when it builds it.
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[auth])),
        )
