"""The whole stack: an AWS provider for the spec's region, the platform, then serving."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from cortex_spec import Spec, naming
from infra.handles import StackOutputs
from infra.options import BuildOptions
from infra.platform import Platform, PlatformArgs
from infra.serving import Serving, ServingArgs


def build_stack(spec: Spec, options: BuildOptions) -> StackOutputs:
    cluster = spec.cluster
    # An explicit provider: the spec, not ambient `aws:region` config, decides the region,
    # and every taggable AWS resource gets the cluster tags.
    provider = aws.Provider(
        "aws",
        region=cluster.region,
        default_tags=aws.ProviderDefaultTagsArgs(tags=naming.base_tags(cluster.name, cluster.tags)),
    )
    opts = pulumi.ResourceOptions(providers=[provider])
    platform = Platform("platform", PlatformArgs(spec=spec, options=options), opts=opts)
    serving = Serving("serving", ServingArgs(spec=spec, cluster=platform.handle), opts=opts)
    return StackOutputs(
        cluster_name=platform.handle.name,
        kubeconfig=platform.kubeconfig,
        vpc_id=platform.handle.vpc_id,
        oidc_provider_arn=platform.handle.oidc_provider_arn,
        node_groups=platform.node_groups,
        extra=serving.exports(),
    )
