"""Cortex v0.42 cluster fields that mean nothing for cortex-infra.

A Cortex `cluster.yaml` must load unchanged, so these are accepted, documented in the
JSON Schema as deprecated, and reported with a warning that names them. cortex-infra has
no operator load balancer (there is no in-cluster operator), no dedicated Prometheus node,
no telemetry, and pins its own add-on images.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import Field

from cortex_spec.models.base import StrictModel

_IMAGE = "Cortex v0.42 image override; ignored (cortex-infra pins its own images)."
_Image = Annotated[str | None, Field(deprecated=True, description=_IMAGE)]

IMAGE_FIELDS: Final = (
    "image_manager",
    "image_operator",
    "image_controller_manager",
    "image_autoscaler",
    "image_proxy",
    "image_async_gateway",
    "image_activator",
    "image_enqueuer",
    "image_dequeuer",
    "image_cluster_autoscaler",
    "image_metrics_server",
    "image_nvidia_device_plugin",
    "image_neuron_device_plugin",
    "image_neuron_scheduler",
    "image_fluent_bit",
    "image_istio_proxy",
    "image_istio_pilot",
    "image_prometheus",
    "image_prometheus_config_reloader",
    "image_prometheus_operator",
    "image_prometheus_statsd_exporter",
    "image_prometheus_dcgm_exporter",
    "image_prometheus_kube_state_metrics",
    "image_prometheus_node_exporter",
    "image_kube_rbac_proxy",
    "image_grafana",
    "image_event_exporter",
    "image_kubexit",
)

CORTEX_ONLY_FIELDS: Final = (
    "operator_load_balancer_scheme",
    "operator_load_balancer_cidr_white_list",
    "prometheus_instance_type",
    "telemetry",
    *IMAGE_FIELDS,
)


def cortex_only_reason(field: str) -> str:
    """Why a Cortex-only cluster field means nothing here, for its warning."""
    if field.startswith("operator_load_balancer"):
        return "there is no in-cluster operator, so no operator load balancer"
    if field == "prometheus_instance_type":
        return "Prometheus runs on the system node group"
    if field == "telemetry":
        return "cortex-infra sends no telemetry"
    return "cortex-infra pins its own add-on images"


# Cortex computed these itself and refused them from users ("the <field> field cannot be
# configured by the user"); they stay refused.
CORTEX_MANAGED_FIELDS: Final = ("cluster_uid", "bucket", "cortex_policy_arn", "account_id")


class CortexOnlyClusterFields(StrictModel):
    """Accepted for compatibility; each one set produces a warning."""

    operator_load_balancer_scheme: Annotated[
        Literal["internet-facing", "internal"] | None,
        Field(default=None, deprecated=True, description="Cortex only; there is no operator."),
    ]
    operator_load_balancer_cidr_white_list: Annotated[
        list[str] | None,
        Field(default=None, deprecated=True, description="Cortex only; there is no operator."),
    ]
    prometheus_instance_type: Annotated[
        str | None,
        Field(
            default=None,
            deprecated=True,
            description="Cortex only; Prometheus runs on the system node group.",
        ),
    ]
    telemetry: Annotated[
        bool | None,
        Field(default=None, deprecated=True, description="Cortex only; nothing is reported."),
    ]
    image_manager: _Image = None
    image_operator: _Image = None
    image_controller_manager: _Image = None
    image_autoscaler: _Image = None
    image_proxy: _Image = None
    image_async_gateway: _Image = None
    image_activator: _Image = None
    image_enqueuer: _Image = None
    image_dequeuer: _Image = None
    image_cluster_autoscaler: _Image = None
    image_metrics_server: _Image = None
    image_nvidia_device_plugin: _Image = None
    image_neuron_device_plugin: _Image = None
    image_neuron_scheduler: _Image = None
    image_fluent_bit: _Image = None
    image_istio_proxy: _Image = None
    image_istio_pilot: _Image = None
    image_prometheus: _Image = None
    image_prometheus_config_reloader: _Image = None
    image_prometheus_operator: _Image = None
    image_prometheus_statsd_exporter: _Image = None
    image_prometheus_dcgm_exporter: _Image = None
    image_prometheus_kube_state_metrics: _Image = None
    image_prometheus_node_exporter: _Image = None
    image_kube_rbac_proxy: _Image = None
    image_grafana: _Image = None
    image_event_exporter: _Image = None
    image_kubexit: _Image = None
