"""The mapping of Cortex's autoscaling knobs onto KEDA and the HPA, pinned for default and
custom knobs (docs/serving.md, "Knob mapping")."""

from __future__ import annotations

from typing import Any

import pytest

from cortex_spec.models.api import RealtimeAPI
from infra.serving import scaling_rules


def api(autoscaling: dict[str, Any] | None = None, **extra: Any) -> RealtimeAPI:
    data: dict[str, Any] = {
        "name": "model",
        "kind": "RealtimeAPI",
        "predictor": {"type": "python", "path": "predictor.py"},
        **extra,
    }
    if autoscaling is not None:
        data["autoscaling"] = autoscaling
    return RealtimeAPI.model_validate(data)


def spec_of(model: RealtimeAPI) -> dict[str, Any]:
    return scaling_rules.scaled_object_spec(
        model,
        deployment="api-model",
        hpa_name="api-model",
        prometheus_url="http://prometheus",
        external_scaler="scaler:9090",
        interceptor_route="api-model",
    )


def test_default_knobs_map_to_cortex_defaults() -> None:
    """Defaults: window 60 s, up 1 m / down 5 m, x1.5 up and x0.75 down per 10 s tick."""
    spec = spec_of(api())
    assert spec["minReplicaCount"] == 1
    assert spec["maxReplicaCount"] == 100
    assert spec["pollingInterval"] == 10
    assert spec["cooldownPeriod"] == 300
    assert spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"] == {
        "scaleUp": {
            "stabilizationWindowSeconds": 60,
            "selectPolicy": "Max",
            "policies": [
                {"type": "Percent", "value": 50, "periodSeconds": 10},
                {"type": "Pods", "value": 1, "periodSeconds": 10},
            ],
        },
        "scaleDown": {
            "stabilizationWindowSeconds": 300,
            "selectPolicy": "Max",
            "policies": [
                {"type": "Percent", "value": 25, "periodSeconds": 10},
                {"type": "Pods", "value": 1, "periodSeconds": 10},
            ],
        },
    }
    (trigger,) = spec["triggers"]
    assert trigger["type"] == "prometheus"
    assert trigger["metricType"] == "AverageValue"
    assert trigger["metadata"]["query"] == (
        'sum(avg_over_time(cortex_in_flight_requests{api_name="model"}[60s]))'
    )
    # target_in_flight defaults to max_concurrency (1).
    assert trigger["metadata"]["threshold"] == "1"


def test_custom_knobs_map_one_to_one() -> None:
    """window → range, periods → windows, factors → percents, target → threshold."""
    model = api(
        {
            "min_replicas": 2,
            "max_replicas": 30,
            "target_in_flight": 2.5,
            "window": "2m",
            "upscale_stabilization_period": "30s",
            "downscale_stabilization_period": "15m",
            "max_upscale_factor": 3.0,
            "max_downscale_factor": 0.4,
        },
        pod={"max_concurrency": 4},
    )
    spec = spec_of(model)
    behavior = spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]
    assert behavior["scaleUp"]["stabilizationWindowSeconds"] == 30
    assert behavior["scaleUp"]["policies"][0] == {
        "type": "Percent",
        "value": 200,
        "periodSeconds": 10,
    }
    assert behavior["scaleDown"]["stabilizationWindowSeconds"] == 900
    assert behavior["scaleDown"]["policies"][0]["value"] == 60
    assert spec["cooldownPeriod"] == 900
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (2, 30)
    metadata = spec["triggers"][0]["metadata"]
    assert metadata["query"].endswith("[120s]))")
    assert metadata["threshold"] == "2.5"


@pytest.mark.parametrize(
    ("factor", "percent"), [(1.5, 50), (1.15, 15), (1.333, 33), (2.0, 100), (1.001, 0)]
)
def test_upscale_factor_is_floored_to_whole_percents(factor: float, percent: int) -> None:
    """Whole percents, rounded down, so a step never exceeds Cortex's factor."""
    assert scaling_rules.upscale_percent(factor) == percent


@pytest.mark.parametrize(("factor", "percent"), [(0.75, 25), (0.0, 100), (0.9, 10), (0.999, 0)])
def test_downscale_factor_is_floored_to_whole_percents(factor: float, percent: int) -> None:
    """0.75 keeps three quarters: at most 25 % fewer replicas per tick."""
    assert scaling_rules.downscale_percent(factor) == percent


def test_a_zero_percent_step_keeps_only_the_one_pod_rule() -> None:
    """The HPA rejects a Percent policy of 0; Cortex's change-of-one rule remains."""
    behavior = scaling_rules.behavior(api({"max_upscale_factor": 1.001}).autoscaling)
    assert behavior["scaleUp"]["policies"] == [{"type": "Pods", "value": 1, "periodSeconds": 10}]


def test_stabilization_is_capped_at_the_hpa_maximum() -> None:
    """Periods above one hour become 3600 s, the HPA's limit."""
    behavior = scaling_rules.behavior(api({"downscale_stabilization_period": "2h"}).autoscaling)
    assert behavior["scaleDown"]["stabilizationWindowSeconds"] == 3600


def test_min_zero_adds_the_interceptor_trigger_and_route() -> None:
    """`min_replicas: 0`: KEDA may scale to zero and the HTTP add-on wakes the API."""
    model = api({"min_replicas": 0, "target_in_flight": 2}, pod={"max_concurrency": 2})
    spec = spec_of(model)
    assert spec["minReplicaCount"] == 0
    assert spec["triggers"][1] == {
        "type": "external-push",
        "name": "interceptor",
        "metadata": {"scalerAddress": "scaler:9090", "interceptorRoute": "api-model"},
    }
    route = scaling_rules.interceptor_route_spec(
        model,
        service="api-model",
        port=8888,
        cold_start_seconds=1200,
        split_host="api-model.cortex.svc.cluster.local",
    )
    assert route == {
        "target": {"service": "api-model", "port": 8888},
        "rules": [
            {"hosts": ["*"], "paths": [{"value": "/model"}]},
            {"hosts": ["api-model.cortex.svc.cluster.local"]},
        ],
        # One replica's capacity: a predictor's in-flight limit, Cortex's predictor-era
        # max_replica_concurrency default of 1024 (max_concurrency 2 + 1022 queued).
        "scalingMetric": {"concurrency": {"targetValue": 1024}},
        "timeouts": {"readiness": "1200s"},
    }


def test_init_replicas_do_not_reach_the_autoscaler() -> None:
    """init_replicas only sizes the Deployment at creation; the bounds stay min/max."""
    model = api({"min_replicas": 1, "init_replicas": 3, "max_replicas": 5})
    assert model.init_replicas == 3
    spec = spec_of(model)
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (1, 5)
