"""Cortex's autoscaling knobs as a KEDA ScaledObject (and, for scale to zero, an
InterceptorRoute of the KEDA HTTP add-on). Pure: the mapping table in docs/serving.md is
exactly what these functions compute, and tests pin it.

How the pieces line up with Cortex's loop (shared/reference/cortex-spec.md §7):
- metric: `sum(avg_over_time(cortex_in_flight_requests{api_name=X}[window]))`, Cortex's
  in-flight requests summed over replicas and averaged over `window`, as an AverageValue
  target of `target_in_flight`: the HPA then wants ceil(total / target), Cortex's `rec`.
- rate limits: a Percent policy and a one-pod policy with selectPolicy Max, the HPA's
  form of Cortex's "at most x factor, but a change of one is always allowed".
- stabilization: the HPA's windows keep the extreme recommendation, as Cortex did.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any, Final

from cortex_spec.models.api import Autoscaling, WorkloadAPI
from runtime import contract

Manifest = dict[str, Any]

# Cortex's autoscaler tick (`AutoscalingTickInterval`, 10 s): the period over which one
# scaling step is limited, and how often KEDA checks whether a scaled-to-zero API is active.
TICK_SECONDS: Final = 10
# The HPA API caps stabilization windows at one hour (HPAScalingRules, autoscaling/v2).
MAX_STABILIZATION_SECONDS: Final = 3600
IN_FLIGHT_TRIGGER: Final = "in-flight"
INTERCEPTOR_TRIGGER: Final = "interceptor"


def in_flight_query(api: WorkloadAPI) -> str:
    window = int(api.autoscaling.window.seconds)
    return f'sum(avg_over_time({contract.IN_FLIGHT_METRIC}{{api_name="{api.name}"}}[{window}s]))'


def _stabilization(seconds: Decimal) -> int:
    return min(int(seconds.to_integral_value(rounding=ROUND_FLOOR)), MAX_STABILIZATION_SECONDS)


def upscale_percent(factor: float) -> int:
    """`max_upscale_factor` 1.5 → +50 % per tick. Floored: the HPA takes whole percents, and
    rounding down never lets a step exceed Cortex's limit."""
    percent = (Decimal(str(factor)) - 1) * 100
    return int(percent.to_integral_value(rounding=ROUND_FLOOR))


def downscale_percent(factor: float) -> int:
    """`max_downscale_factor` 0.75 → at most -25 % per tick (floored, for the same reason)."""
    percent = (1 - Decimal(str(factor))) * 100
    return int(percent.to_integral_value(rounding=ROUND_FLOOR))


def _rules(window: Decimal, percent: int) -> Manifest:
    policies: list[Manifest] = []
    if percent > 0:  # the HPA rejects a Percent policy of 0
        policies.append({"type": "Percent", "value": percent, "periodSeconds": TICK_SECONDS})
    policies.append({"type": "Pods", "value": 1, "periodSeconds": TICK_SECONDS})
    return {
        "stabilizationWindowSeconds": _stabilization(window),
        "selectPolicy": "Max",
        "policies": policies,
    }


def behavior(knobs: Autoscaling) -> Manifest:
    """The HPA behaviour block for Cortex's stabilization periods and step factors."""
    return {
        "scaleUp": _rules(
            knobs.upscale_stabilization_period.seconds, upscale_percent(knobs.max_upscale_factor)
        ),
        "scaleDown": _rules(
            knobs.downscale_stabilization_period.seconds,
            downscale_percent(knobs.max_downscale_factor),
        ),
    }


def threshold_text(value: float) -> str:
    """KEDA trigger metadata is all strings: 3.0 → "3", 2.5 → "2.5"."""
    return format(Decimal(str(value)).normalize(), "f")


def scales_to_zero(api: WorkloadAPI) -> bool:
    return api.autoscaling.min_replicas == 0


def waits_for_cold_start(api: WorkloadAPI) -> bool:
    """Whether a request may wait for the API's first replica: a RealtimeAPI at zero, whose
    requests the interceptor holds. An AsyncAPI's gateway answers at once, its queue waits."""
    return scales_to_zero(api) and not api.is_async


def interceptor_target(api: WorkloadAPI) -> int:
    """The HTTP add-on's concurrency target for a scale-to-zero API: one replica's whole
    capacity (`max_concurrency + max_queue_length`, beyond which the proxy answers 503).
    Cortex validates `target_in_flight` to be at most that, so while requests are
    admitted this metric never asks for more replicas than the in-flight one; it only
    wakes the API and adds replicas when instantaneous load overflows every replica."""
    return api.max_concurrency + api.max_queue_length


def scaled_object_spec(
    api: WorkloadAPI,
    *,
    deployment: str,
    hpa_name: str,
    prometheus_url: str,
    external_scaler: str,
    interceptor_route: str,
) -> Manifest:
    knobs = api.autoscaling
    triggers: list[Manifest] = [
        {
            "type": "prometheus",
            "name": IN_FLIGHT_TRIGGER,
            "metricType": "AverageValue",
            "metadata": {
                "serverAddress": prometheus_url,
                "query": in_flight_query(api),
                "threshold": threshold_text(api.target_in_flight),
                # No series yet (no replica has reported) means no load, not an error.
                "ignoreNullValues": "true",
            },
        }
    ]
    if waits_for_cold_start(api):
        triggers.append(
            {
                "type": "external-push",
                "name": INTERCEPTOR_TRIGGER,
                "metadata": {
                    "scalerAddress": external_scaler,
                    "interceptorRoute": interceptor_route,
                },
            }
        )
    return {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
        "minReplicaCount": knobs.min_replicas,
        "maxReplicaCount": knobs.max_replicas,
        "pollingInterval": TICK_SECONDS,
        # Only the last step, 1 → 0, waits for this; the HPA's own window governs the rest.
        "cooldownPeriod": _stabilization(knobs.downscale_stabilization_period.seconds),
        "advanced": {
            "horizontalPodAutoscalerConfig": {"name": hpa_name, "behavior": behavior(knobs)},
        },
        "triggers": triggers,
    }


def interceptor_route_spec(
    api: WorkloadAPI, *, service: str, port: int, cold_start_seconds: int, split_host: str
) -> Manifest:
    """Routing for the interceptor that holds requests while a scaled-to-zero API wakes up.

    Two rules: any host (the load balancer's DNS name or a custom domain) with the API's
    path prefix, forwarded unchanged as the load balancer does; and any path with the Host
    `split_host`, which the router sets on a TrafficSplitter's requests for this API (their
    path is the splitter's, stripped to `/`). An exact host wins over `*` in the add-on's
    routing table (kedacore/http-add-on pkg/routing/tablememory.go, v0.14.0).
    """
    return {
        "target": {"service": service, "port": port},
        "rules": [
            {"hosts": ["*"], "paths": [{"value": api.endpoint}]},
            {"hosts": [split_host]},
        ],
        "scalingMetric": {"concurrency": {"targetValue": interceptor_target(api)}},
        "timeouts": {"readiness": f"{cold_start_seconds}s"},
    }
