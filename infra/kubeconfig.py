"""The kubeconfig the stack exports, and the Kubernetes provider built from the same data.

Authentication runs `aws eks get-token` at use time with whatever AWS credentials the caller
has: no profile, role or key is baked in, so the same (secret) output works for every admin
and in CI (pulumi-eks #1426 is the bug of baking `AWS_PROFILE` in).
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

# `client.authentication.k8s.io/v1beta1` is the exec API version `aws eks get-token` emits.
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


def render(cluster_name: str, endpoint: str, certificate_authority: str, region: str) -> str:
    """A kubeconfig document (JSON, which is YAML) for one cluster."""
    user = f"{cluster_name}-admin"
    document: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": cluster_name,
                "cluster": {
                    "server": endpoint,
                    "certificate-authority-data": certificate_authority,
                },
            }
        ],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": user}}],
        "current-context": cluster_name,
        "users": [
            {
                "name": user,
                "user": {
                    "exec": {
                        "apiVersion": EXEC_API_VERSION,
                        "command": "aws",
                        "args": [
                            "eks",
                            "get-token",
                            "--cluster-name",
                            cluster_name,
                            "--region",
                            region,
                            "--output",
                            "json",
                        ],
                        "interactiveMode": "Never",
                    }
                },
            }
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True)


def kubeconfig(
    cluster_name: pulumi.Input[str],
    endpoint: pulumi.Input[str],
    certificate_authority: pulumi.Input[str],
    region: str,
) -> pulumi.Output[str]:
    """The kubeconfig as a secret Output: it names the cluster's endpoint and CA."""
    document = pulumi.Output.all(cluster_name, endpoint, certificate_authority).apply(
        lambda parts: render(str(parts[0]), str(parts[1]), str(parts[2]), region)
    )
    return pulumi.Output.secret(document)


def provider(
    name: str, config: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
) -> k8s.Provider:
    """A Kubernetes provider for the cluster; Helm releases and objects go through it."""
    # An explicit kubeconfig: the provider never reads ~/.kube/config or KUBECONFIG of
    # whoever runs `pulumi up`, so it cannot target another cluster by accident.
    return k8s.Provider(name, kubeconfig=config, opts=opts)
