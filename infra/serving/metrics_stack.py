"""KEDA, its HTTP add-on and a Prometheus that scrapes the serving pods' in-flight gauge.

Three pinned Helm releases. Prometheus keeps only what the autoscaler reads: one scrape
job over the serving namespace, every series labelled `api_name` from the pod label
`cortex.dev/api`, no persistent volume (only the last `window` of data matters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.node_profiles import NODE_GROUP_LABEL, SYSTEM_GROUP
from infra.handles import ClusterHandle
from infra.serving import scaling_rules
from infra.serving.pod_template import API_LABEL

KEDA_NAMESPACE: Final = "keda"
METRICS_NAMESPACE: Final = "monitoring"
KEDA_REPO: Final = "https://kedacore.github.io/charts"
# KEDA 2.20.1 with HTTP add-on 0.14.1: the pair github.com/openchoreo/community-modules
# (autoscaling-keda/README.md) installs together; add-on v0.14.0 introduced the
# InterceptorRoute API we use (keda.sh/http-add-on/0.14, "Upgrading from a Previous Version").
KEDA_CHART_VERSION: Final = "2.20.1"
HTTP_ADD_ON_CHART_VERSION: Final = "0.14.1"
HTTP_ADD_ON_RELEASE: Final = "keda-add-ons-http"
# Service names and ports the add-on's docs give (keda.sh/http-add-on/0.14, "Configure
# Ingress" and "Autoscale an App"): the interceptor's proxy and the external scaler.
INTERCEPTOR_SERVICE: Final = "keda-add-ons-http-interceptor-proxy"
INTERCEPTOR_PROXY_PORT: Final = 8080
# The interceptor's admin port answers /readyz (config/interceptor/deployment.yaml in
# kedacore/http-add-on): the load balancer health-checks it there.
INTERCEPTOR_ADMIN_PORT: Final = 9090
INTERCEPTOR_HEALTH_PATH: Final = "/readyz"
EXTERNAL_SCALER: Final = f"keda-add-ons-http-external-scaler.{KEDA_NAMESPACE}:9090"
PROMETHEUS_REPO: Final = "https://prometheus-community.github.io/helm-charts"
# prometheus-community/helm-charts charts/prometheus/Chart.yaml (version 27.19.0,
# appVersion v3.4.1); values keys from that chart's values.yaml and dependency conditions.
PROMETHEUS_CHART_VERSION: Final = "27.19.0"
PROMETHEUS_RELEASE: Final = "prometheus"
# The chart names the server Service `<release>-server` and serves it on port 80.
PROMETHEUS_URL: Final = f"http://{PROMETHEUS_RELEASE}-server.{METRICS_NAMESPACE}.svc:80"


def scrape_config() -> dict[str, Any]:
    """The one scrape job: serving pods that opted in, at their `prometheus.io/*` port."""
    label = "__meta_kubernetes_pod_label_" + API_LABEL.replace(".", "_").replace("/", "_")
    annotation = "__meta_kubernetes_pod_annotation_prometheus_io_"
    return {
        "job_name": "cortex-apis",
        "scrape_interval": f"{scaling_rules.TICK_SECONDS}s",
        "kubernetes_sd_configs": [{"role": "pod", "namespaces": {"names": [naming.NAMESPACE]}}],
        "relabel_configs": [
            {"source_labels": [annotation + "scrape"], "action": "keep", "regex": "true"},
            {"source_labels": [label], "action": "keep", "regex": ".+"},
            {
                "source_labels": ["__address__", annotation + "port"],
                "action": "replace",
                "regex": r"([^:]+)(?::\d+)?;(\d+)",
                "replacement": "$1:$2",
                "target_label": "__address__",
            },
            {
                "source_labels": [annotation + "path"],
                "action": "replace",
                "regex": "(.+)",
                "target_label": "__metrics_path__",
            },
            {"source_labels": [label], "action": "replace", "target_label": "api_name"},
            {
                "source_labels": ["__meta_kubernetes_pod_name"],
                "action": "replace",
                "target_label": "pod",
            },
        ],
    }


def prometheus_values() -> dict[str, Any]:
    return {
        "alertmanager": {"enabled": False},
        "kube-state-metrics": {"enabled": False},
        "prometheus-node-exporter": {"enabled": False},
        "prometheus-pushgateway": {"enabled": False},
        "server": {
            # A restart loses at most one `window` of history, which the autoscaler
            # tolerates; a volume would need a storage class the platform may not offer.
            "persistentVolume": {"enabled": False},
            "nodeSelector": {NODE_GROUP_LABEL: SYSTEM_GROUP},
            "global": {"scrape_interval": f"{scaling_rules.TICK_SECONDS}s"},
        },
        # Replaces the chart's default jobs (lists are not merged): only serving pods.
        "serverFiles": {"prometheus.yml": {"scrape_configs": [scrape_config()]}},
    }


@dataclass(frozen=True)
class MetricsStackArgs:
    cluster: ClusterHandle


class MetricsStack(pulumi.ComponentResource):
    """The pod autoscaler's machinery; `ready` is what ScaledObjects wait for."""

    ready: list[pulumi.Resource]
    keda_namespace: k8s.core.v1.Namespace

    def __init__(
        self, name: str, args: MetricsStackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:MetricsStack", name, None, opts)
        cluster = args.cluster
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=cluster.k8s_provider)
        self.keda_namespace = k8s.core.v1.Namespace(
            f"{name}-keda-namespace",
            metadata={"name": KEDA_NAMESPACE},
            opts=k8s_opts,
        )
        metrics_namespace = k8s.core.v1.Namespace(
            f"{name}-metrics-namespace",
            metadata={"name": METRICS_NAMESPACE},
            opts=k8s_opts,
        )
        # Controllers need somewhere to run: the system nodes and core add-ons.
        placed = list(cluster.system_ready)
        keda = k8s.helm.v3.Release(
            f"{name}-keda",
            name="keda",
            chart="keda",
            version=KEDA_CHART_VERSION,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=KEDA_REPO),
            namespace=KEDA_NAMESPACE,
            opts=pulumi.ResourceOptions.merge(
                k8s_opts, pulumi.ResourceOptions(depends_on=[self.keda_namespace, *placed])
            ),
        )
        http_add_on = k8s.helm.v3.Release(
            f"{name}-http-add-on",
            name=HTTP_ADD_ON_RELEASE,
            chart="keda-add-ons-http",
            version=HTTP_ADD_ON_CHART_VERSION,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=KEDA_REPO),
            namespace=KEDA_NAMESPACE,
            # The add-on's docs install KEDA first: its scaler registers with KEDA's CRDs.
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=[keda])),
        )
        prometheus = k8s.helm.v3.Release(
            f"{name}-prometheus",
            name=PROMETHEUS_RELEASE,
            chart="prometheus",
            version=PROMETHEUS_CHART_VERSION,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=PROMETHEUS_REPO),
            namespace=METRICS_NAMESPACE,
            values=prometheus_values(),
            opts=pulumi.ResourceOptions.merge(
                k8s_opts, pulumi.ResourceOptions(depends_on=[metrics_namespace, *placed])
            ),
        )
        self.ready = [keda, http_add_on, prometheus]
        self.register_outputs({})
