"""Cortex v0.42 cluster fields that mean nothing for cortex-infra.

A Cortex `cluster.yaml` must load unchanged, so these are accepted, documented in the
JSON Schema as deprecated, and reported with a warning that names them. cortex-infra has
no operator load balancer (there is no in-cluster operator), no dedicated Prometheus node,
no telemetry, and pins its own add-on images.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import Field
from pydantic.fields import FieldInfo

from cortex_spec.models.base import StrictModel
from cortex_spec.models.cortex_history import at, ignored, unsupported

_CONFIG_V020 = at("v0.20.0", "pkg/types/clusterconfig/cluster_config.go")
_CONFIG_V030 = at("v0.30.0", "pkg/types/clusterconfig/cluster_config_gcp.go")
_CONFIG_V035 = at("v0.35.0", "pkg/types/clusterconfig/cluster_config.go")
_ONE_TYPE = "one instance type per cluster (node_groups replaced it in v0.31)"
_GROUPS = (
    "write node_groups: [{name: cpu, instance_type: ..., min_instances: ..., max_instances: ...}]"
)
_GCP = "Cortex's GCP provider"
_ON_AWS = "cortex-infra deploys to AWS EKS; keep this cluster on Cortex"
_OLD_IMAGE = "an image of a component cortex-infra does not run"


def _old_image(versions: str) -> FieldInfo:
    return ignored(versions, _OLD_IMAGE, "drop it", _CONFIG_V035)


class OlderCortexClusterFields(StrictModel):
    """Cluster fields of Cortex v0.20-v0.35 gone by v0.42: ignored (warning) or refused."""

    instance_type: Annotated[Any, unsupported("v0.20-v0.30", _ONE_TYPE, _GROUPS, _CONFIG_V020)]
    min_instances: Annotated[Any, unsupported("v0.20-v0.30", _ONE_TYPE, _GROUPS, _CONFIG_V020)]
    max_instances: Annotated[Any, unsupported("v0.20-v0.30", _ONE_TYPE, _GROUPS, _CONFIG_V020)]
    spot: Annotated[
        Any, unsupported("v0.20-v0.30", _ONE_TYPE, "set spot: true on a node group", _CONFIG_V020)
    ]
    spot_config: Annotated[
        Any, unsupported("v0.20-v0.30", _ONE_TYPE, "set spot_config on a node group", _CONFIG_V020)
    ]
    instance_volume_size: Annotated[
        Any,
        unsupported(
            "v0.20-v0.30", _ONE_TYPE, "set instance_volume_size on a node group", _CONFIG_V020
        ),
    ]
    instance_volume_type: Annotated[
        Any,
        unsupported(
            "v0.20-v0.30", _ONE_TYPE, "set instance_volume_type on a node group", _CONFIG_V020
        ),
    ]
    instance_volume_iops: Annotated[
        Any,
        unsupported(
            "v0.20-v0.30", _ONE_TYPE, "set instance_volume_iops on a node group", _CONFIG_V020
        ),
    ]
    provider: Annotated[
        Any,
        ignored("v0.24-v0.31", "the cloud provider choice (aws or gcp)", "drop it", _CONFIG_V030),
    ]
    api_gateway: Annotated[
        Any,
        ignored(
            "v0.20-v0.25",
            "Cortex's API Gateway integration (removed in v0.26)",
            "the stack's load balancer serves every API",
            _CONFIG_V020,
        ),
    ]
    log_group: Annotated[
        Any,
        ignored(
            "v0.20",
            "the CloudWatch log group name",
            "logs go to the cluster's log group",
            _CONFIG_V020,
        ),
    ]
    namespace: Annotated[
        Any, ignored("v0.30-v0.35", "Cortex's internal namespace", "drop it", _CONFIG_V035)
    ]
    istio_namespace: Annotated[
        Any, ignored("v0.30-v0.35", "Cortex's Istio namespace", "drop it", _CONFIG_V035)
    ]
    is_managed: Annotated[
        Any, ignored("v0.30-v0.31", "Cortex's internal flag", "drop it", _CONFIG_V030)
    ]
    project: Annotated[Any, unsupported("v0.25-v0.31", _GCP, _ON_AWS, _CONFIG_V030)]
    zone: Annotated[Any, unsupported("v0.25-v0.31", _GCP, _ON_AWS, _CONFIG_V030)]
    network: Annotated[Any, unsupported("v0.30", _GCP, _ON_AWS, _CONFIG_V030)]
    subnet: Annotated[Any, unsupported("v0.30", _GCP, _ON_AWS, _CONFIG_V030)]
    node_pools: Annotated[Any, unsupported("v0.31", _GCP, _ON_AWS, _CONFIG_V030)]
    preemptible: Annotated[Any, unsupported("v0.30-v0.31", _GCP, _ON_AWS, _CONFIG_V030)]
    accelerator_type: Annotated[Any, unsupported("v0.25-v0.30", _GCP, _ON_AWS, _CONFIG_V030)]
    accelerators_per_instance: Annotated[Any, unsupported("v0.30", _GCP, _ON_AWS, _CONFIG_V030)]
    on_demand_backup: Annotated[
        Any,
        unsupported(
            "v0.20-v0.30",
            "the on-demand backup group of a single spot instance type",
            "add an on-demand node group after the spot one (the priority expander)",
            _CONFIG_V020,
        ),
    ]
    image_downloader: Annotated[Any, _old_image("v0.20-v0.35")]
    image_request_monitor: Annotated[Any, _old_image("v0.20-v0.35")]
    image_inferentia: Annotated[Any, _old_image("v0.20-v0.35")]
    image_neuron_rtd: Annotated[Any, _old_image("v0.20-v0.35")]
    image_nvidia: Annotated[Any, _old_image("v0.20-v0.35")]
    image_fluentd: Annotated[Any, _old_image("v0.20-v0.25")]
    image_statsd: Annotated[Any, _old_image("v0.20-v0.25")]
    image_istio_citadel: Annotated[Any, _old_image("v0.20")]
    image_istio_galley: Annotated[Any, _old_image("v0.20")]
    image_google_pause: Annotated[Any, _old_image("v0.25-v0.31")]


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


class CortexOnlyClusterFields(OlderCortexClusterFields):
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
