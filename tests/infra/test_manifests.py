"""A Deployment declared from its manifest registers as the typed class would, less the
typed class's aliases to pre-1.16 API groups (infra/serving/manifests.py)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from infra.serving.manifests import deployment, manifest
from tests.mock_programs import RequestLog, in_mock_engine

LABELS = {"app": "web"}
SPEC: dict[str, Any] = {
    "replicas": 2,
    "selector": {"matchLabels": LABELS},
    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
    "template": {
        "metadata": {"labels": LABELS, "annotations": {"cortex.dev/spec-hash": "abc"}},
        "spec": {
            "serviceAccountName": "web",
            "automountServiceAccountToken": False,
            "containers": [
                {
                    "name": "api",
                    "image": "public.ecr.aws/docker/library/nginx:1.27",
                    "env": [{"name": "CORTEX_PORT", "value": "8080"}],
                    "ports": [{"name": "http", "containerPort": 8080}],
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
                    "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
                }
            ],
            "volumes": [{"name": "tmp", "emptyDir": {}}],
        },
    },
}
LEGACY_ALIASES = [
    "kubernetes:apps/v1beta1:Deployment",
    "kubernetes:apps/v1beta2:Deployment",
    "kubernetes:extensions/v1beta1:Deployment",
]


def registered(declare: Any) -> Any:
    """The registration request of the Deployment `declare` makes, with the SDK's options
    the program uses (a provider, a dependency, ignore_changes and timeouts)."""
    log = RequestLog()

    async def body() -> bool:
        provider = k8s.Provider("cluster")
        account = k8s.core.v1.ServiceAccount(
            "account", metadata=k8s.meta.v1.ObjectMetaArgs(name="web", namespace="cortex")
        )
        declare(
            "web",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="api-web",
                namespace="cortex",
                labels=LABELS,
                annotations={"note": pulumi.Output.from_input("known later")},
            ),
            spec=manifest({**SPEC, "template": pulumi.Output.from_input(SPEC["template"])}),
            opts=pulumi.ResourceOptions(
                provider=provider,
                depends_on=[account],
                ignore_changes=["spec.replicas"],
                custom_timeouts=pulumi.CustomTimeouts(create="20m", update="20m"),
            ),
        )
        return True

    in_mock_engine(body, monitor=log)
    (request,) = [r for r in log.requests if r.name == "web"]
    return request


def test_manifest_deployment_registers_as_the_typed_class() -> None:
    """Type token, inputs, dependencies, provider, version and options are the typed
    class's; only the legacy aliases are left out (no stack of this program has them)."""
    typed = registered(k8s.apps.v1.Deployment)
    ours = registered(deployment)
    assert typed.type == ours.type == "kubernetes:apps/v1:Deployment"
    assert sorted(alias.spec.type for alias in typed.aliases) == LEGACY_ALIASES
    assert not ours.aliases
    for request in (typed, ours):
        request.ClearField("aliases")
        # Where in the test file each was declared, not what was declared.
        request.ClearField("sourcePosition")
        request.ClearField("stackTrace")
    assert ours == typed
