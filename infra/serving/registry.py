"""The stack's ECR repository for the runtime image, and which image each API runs."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from cortex_spec import naming
from cortex_spec.models.api import RealtimeAPI
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.serving_env import serving_image


class RuntimeRegistry(pulumi.ComponentResource):
    """`<cluster>/runtime`: where `cluster.runtime_image` defaults to, scanned on push."""

    repository_url: pulumi.Output[str]

    def __init__(
        self, name: str, cluster: ClusterConfig, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:RuntimeRegistry", name, None, opts)
        repository = aws.ecr.Repository(
            f"{name}-runtime",
            name=naming.runtime_repository(cluster.name),
            # Tags are releases of the runtime contract: a pushed tag must never change
            # under running pods, or two replicas of one API could run different code.
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
                scan_on_push=True
            ),
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")
            ],
            # `pulumi destroy` must not leave the repository behind because it holds images.
            force_delete=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.repository_url = repository.repository_url
        self.register_outputs({"repository_url": repository.repository_url})

    def image_for(self, api: RealtimeAPI, cluster: ClusterConfig) -> pulumi.Output[str]:
        """`predictor.image`, else `cluster.runtime_image`, else this repository's tag (the
        proxy of a container-form API runs the same runtime image)."""
        return self.repository_url.apply(
            # The registry host: `<account>.dkr.ecr.<region>.amazonaws.com`.
            lambda url: serving_image(api, cluster, registry=url.split("/", 1)[0])
        )
