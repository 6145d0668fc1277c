"""The replace table's Kubernetes rows: pulumi-kubernetes' `forceNewProperties` per kind, the
metadata every object replaces on, and the fields the API server refuses to change.

Separate from `replacements.py` (AWS rows, and the lookup over both): these rows come from
another provider's source and follow its own conventions (the router's mutable ConfigMaps).
"""

from __future__ import annotations

from typing import Any, Final

from offline.replace_rule import Rule, api_rules, provider_rules

K8S_DIFF: Final = "pulumi-kubernetes provider/pkg/provider/diff.go"
HELM_RELEASE: Final = "kubernetes:helm.sh/v3:Release"

# The router's dynamic ConfigMaps (infra/serving/router.py) hold exactly one of these files and
# go through a provider with enableConfigMapMutable, which updates a ConfigMap in place
# (diff.go: data and binaryData force a replace only without it, or when immutable).
ROUTER_FILES: Final = frozenset({"routes.json", "clusters.yaml"})
ROUTER_FILES_NOTE: Final = "not the router's routes.json and clusters.yaml, updated in place"


def _not_router_files(before: Any, after: Any) -> bool:
    keys: set[str] = set()
    for side in (before, after):
        if isinstance(side, dict):
            keys |= set(side)
    return not keys or not keys <= ROUTER_FILES


_KUBERNETES_SELECTOR = ("spec.selector",)

KUBERNETES: Final[dict[str, tuple[Rule, ...]]] = {
    "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": api_rules(
        "aws-load-balancer-controller TargetGroupBinding webhook (spec.targetGroupARN)",
        "spec.targetGroupARN",
    ),
    "kubernetes:apps/v1:Deployment": provider_rules(K8S_DIFF, *_KUBERNETES_SELECTOR),
    # diff.go spells the kind "Daemonset", so the provider attempts an update; the API
    # server rejects it (the selector is immutable), so the object must be recreated.
    "kubernetes:apps/v1:DaemonSet": (
        Rule("spec.selector", "Kubernetes API: DaemonSet spec.selector is immutable", "api"),
    ),
    "kubernetes:apps/v1:StatefulSet": provider_rules(
        K8S_DIFF,
        "spec.podManagementPolicy",
        "spec.revisionHistoryLimit",
        "spec.selector",
        "spec.serviceName",
        "spec.volumeClaimTemplates",
    ),
    "kubernetes:core/v1:Service": provider_rules(K8S_DIFF, "spec.clusterIP"),
    "kubernetes:core/v1:ConfigMap": tuple(
        Rule(path, K8S_DIFF, when=_not_router_files, note=ROUTER_FILES_NOTE)
        for path in ("binaryData", "data")
    ),
    "kubernetes:core/v1:Secret": provider_rules(K8S_DIFF, "type", "stringData", "data"),
    "kubernetes:batch/v1:Job": provider_rules(
        K8S_DIFF, "spec.completions", "spec.parallelism", "spec.selector", "spec.template"
    ),
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": provider_rules(K8S_DIFF, "roleRef"),
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": provider_rules(
        K8S_DIFF, "roleRef"
    ),
    "kubernetes:storage.k8s.io/v1:StorageClass": provider_rules(
        K8S_DIFF, "parameters", "provisioner"
    ),
    # helm_release.go Diff: forceNewFields := []string{".name", ".namespace"}.
    HELM_RELEASE: provider_rules(
        "pulumi-kubernetes provider/pkg/provider/helm_release.go", "name", "namespace"
    ),
}

# Every Kubernetes object (not Helm releases, not providers): forceNewProperties always
# starts with metadataForceNewProperties(".metadata").
KUBERNETES_METADATA: Final = provider_rules(K8S_DIFF, "metadata.name", "metadata.namespace")
