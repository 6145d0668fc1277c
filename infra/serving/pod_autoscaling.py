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
from infra.serving import metrics_stack, scaling_rules
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


class PodAutoscaler(pulumi.ComponentResource):
    """ScaledObject (and InterceptorRoute) of one API."""

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
                    opts=k8s_opts,
                )
            )
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
        # What a route of another API through the interceptor to this one needs first.
        self.route: pulumi.Resource | None = route[0] if route else None
        self.register_outputs({})
