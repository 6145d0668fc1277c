"""The stack's ECR repository: the runtime base images and the API images it builds
(`infra/serving/images.py`)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from cortex_spec import naming
from cortex_spec.models.cluster import ClusterConfig


class RuntimeRegistry(pulumi.ComponentResource):
    """`<cluster>/runtime`: the images the stack builds, scanned on push."""

    repository_url: pulumi.Output[str]
    registry_id: pulumi.Output[str]

    def __init__(
        self, name: str, cluster: ClusterConfig, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:RuntimeRegistry", name, None, opts)
        repository = aws.ecr.Repository(
            f"{name}-runtime",
            name=naming.runtime_repository(cluster.name),
            # Tags are content hashes (cortex_spec/api_images.py): a pushed tag never changes,
            # and pushing the same content again is refused rather than silently replaced.
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
        self.registry_id = repository.registry_id
        self.register_outputs({"repository_url": repository.repository_url})
