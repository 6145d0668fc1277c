"""A Pulumi program of the serving layer alone, on a fixed stand-in for the platform.

Lets the serving tests run under the mock engine without the platform layer: the cluster
handle is built from fixed values, as `infra/platform.py` would hand it over.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from cortex_spec import load_spec, naming
from infra.handles import ClusterHandle
from infra.serving import Serving, ServingArgs

ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/SERVINGTEST"
ACCOUNT = "123456789012"

config = pulumi.Config("cortex")
spec = load_spec(config.require("spec"), environment=config.get("environment") or None)
cluster = spec.cluster
provider = aws.Provider(
    "aws",
    region=cluster.region,
    default_tags=aws.ProviderDefaultTagsArgs(tags=naming.base_tags(cluster.name, cluster.tags)),
)
kubernetes = k8s.Provider("kubernetes", kubeconfig="{}")
system = k8s.core.v1.Namespace(
    "system-ready",
    metadata={"name": "system-ready"},
    opts=pulumi.ResourceOptions(provider=kubernetes),
)
handle = ClusterHandle(
    name=pulumi.Output.from_input(cluster.name),
    region=cluster.region,
    account_id=pulumi.Output.from_input(ACCOUNT),
    kubernetes_version=cluster.kubernetes_version,
    vpc_id=pulumi.Output.from_input("vpc-0serving"),
    public_subnet_ids=[pulumi.Output.from_input(f"subnet-public{i}") for i in range(3)],
    private_subnet_ids=[pulumi.Output.from_input(f"subnet-private{i}") for i in range(3)],
    cluster_security_group_id=pulumi.Output.from_input("sg-0cluster"),
    oidc_provider_arn=pulumi.Output.from_input(f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"),
    oidc_issuer=pulumi.Output.from_input(ISSUER),
    k8s_provider=kubernetes,
    kubeconfig=pulumi.Output.secret("{}"),
    tags=naming.base_tags(cluster.name, cluster.tags),
    system_ready=[system],
)
serving = Serving(
    "serving",
    ServingArgs(spec=spec, cluster=handle),
    opts=pulumi.ResourceOptions(providers=[provider]),
)
for key, value in serving.exports().items():
    pulumi.export(key, value)
