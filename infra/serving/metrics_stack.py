"""KEDA, its HTTP add-on and a Prometheus that scrapes the serving pods' in-flight gauge.

Pinned Helm releases; KEDA's and the add-on's versions come from the version matrix row of
the cluster's minor (`cortex_spec/data/version_matrix.yaml`). The HTTP add-on (an
interceptor, a scaler and an operator) is installed only when some API scales to zero: it
is what wakes such an API, and nothing else uses it. Prometheus keeps only what the
autoscaler reads: one scrape job over the serving namespace, every series labelled
`api_name` from the pod label `cortex.dev/api`, no persistent volume (only the last
`window` of data matters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.node_profiles import NODE_GROUP_LABEL, SYSTEM_GROUP
from cortex_spec.version_matrix import matrix
from infra.handles import ClusterHandle
from infra.serving import pod_security, scaling_rules
from infra.serving.pod_template import API_LABEL

KEDA_NAMESPACE: Final = "keda"
METRICS_NAMESPACE: Final = "monitoring"
KEDA_REPO: Final = "https://kedacore.github.io/charts"
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


def keda_values(role_arn: pulumi.Output[str] | None) -> dict[str, Any] | None:
    """With AsyncAPIs, the operator's service account gets the stack's queue-reading role
    (keda.sh/docs/2.20/authentication-providers/aws: `podIdentity.aws.irsa.*`)."""
    if role_arn is None:
        return None
    return {"podIdentity": {"aws": {"irsa": {"enabled": True, "roleArn": role_arn}}}}


@dataclass(frozen=True)
class MetricsStackArgs:
    cluster: ClusterHandle
    # Some API scales to zero (scaling_rules.scales_to_zero): install the HTTP add-on.
    http_add_on: bool
    # The operator's IRSA role when AsyncAPIs' queues are scaled (async_scaling.py).
    keda_role_arn: pulumi.Output[str] | None = None


class MetricsStack(pulumi.ComponentResource):
    """The pod autoscaler's machinery; `ready` is what ScaledObjects wait for."""

    ready: list[pulumi.Resource]
    keda_namespace: k8s.core.v1.Namespace
    # The add-on's release when installed: scale-to-zero routes and InterceptorRoutes wait
    # for it.
    http_add_on: k8s.helm.v3.Release | None
    metrics_namespace: k8s.core.v1.Namespace

    def __init__(
        self, name: str, args: MetricsStackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:MetricsStack", name, None, opts)
        cluster = args.cluster
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=cluster.k8s_provider)
        # Baseline: the charts' pods are not all restricted (infra/serving/pod_security.py).
        admission = pod_security.labels("baseline", cluster.kubernetes_version)
        self.keda_namespace = k8s.core.v1.Namespace(
            f"{name}-keda-namespace",
            metadata={"name": KEDA_NAMESPACE, "labels": admission},
            opts=k8s_opts,
        )
        metrics_namespace = k8s.core.v1.Namespace(
            f"{name}-metrics-namespace",
            metadata={"name": METRICS_NAMESPACE, "labels": admission},
            opts=k8s_opts,
        )
        self.metrics_namespace = metrics_namespace
        # Controllers need somewhere to run: the system nodes and core add-ons.
        placed = list(cluster.system_ready)
        versions = matrix()
        minor = cluster.kubernetes_version
        keda = k8s.helm.v3.Release(
            f"{name}-keda",
            name="keda",
            chart="keda",
            version=versions.version(minor, "keda"),
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=KEDA_REPO),
            namespace=KEDA_NAMESPACE,
            values=keda_values(args.keda_role_arn),
            opts=pulumi.ResourceOptions.merge(
                k8s_opts, pulumi.ResourceOptions(depends_on=[self.keda_namespace, *placed])
            ),
        )
        self.http_add_on = None
        if args.http_add_on:
            self.http_add_on = k8s.helm.v3.Release(
                f"{name}-http-add-on",
                name=HTTP_ADD_ON_RELEASE,
                chart="keda-add-ons-http",
                version=versions.version(minor, "keda-http-add-on"),
                repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=KEDA_REPO),
                namespace=KEDA_NAMESPACE,
                # The add-on's docs install KEDA first: its scaler registers with KEDA's CRDs.
                opts=pulumi.ResourceOptions.merge(
                    k8s_opts, pulumi.ResourceOptions(depends_on=[keda])
                ),
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
        self.ready = [keda, prometheus, *([self.http_add_on] if self.http_add_on else [])]
        self.register_outputs({})
