"""An API role's inline policy: its own bundle, the secrets it references, an AsyncAPI
worker's queue and prefix, and nothing else (least privilege per API, through IRSA)."""

from __future__ import annotations

import json
from typing import Any

import pulumi

from cortex_spec import Spec, catalog
from cortex_spec.api_iam import references, secret_statements
from cortex_spec.models.api import WorkloadAPI
from infra.serving import async_policies
from infra.serving.async_queues import AsyncStorage
from infra.serving.bundles import bundle_prefix


def bundle_statement(bucket_arn: str, api: str) -> dict[str, Any]:
    """Read this API's bundles, nothing else: no listing, no other prefix, no writes."""
    return {
        "Sid": "ReadOwnBundle",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": f"{bucket_arn}/{bundle_prefix(api)}*",
    }


def api_policy(
    api: WorkloadAPI,
    spec: Spec,
    bucket_arn: pulumi.Output[str] | None,
    account_id: pulumi.Output[str],
    storage: AsyncStorage | None = None,
) -> pulumi.Output[str] | None:
    """The API role's inline policy: its own bundle, exactly the secrets it references
    (cortex_spec.api_iam), and an AsyncAPI worker's own queue and prefix; None when it
    needs none of them."""
    parts: list[pulumi.Output[list[dict[str, Any]]]] = []
    if bucket_arn is not None:
        parts.append(bucket_arn.apply(lambda arn: [bundle_statement(arn, api.name)]))
    if storage is not None:
        region = spec.cluster.region
        parts.append(
            pulumi.Output.all(storage.queue_arn, storage.bucket_arn, storage.key_arn).apply(
                lambda arns: async_policies.worker_statements(
                    arns[0], arns[1], storage.prefix, arns[2], region
                )
            )
        )
    if references(api):
        region = spec.cluster.region
        info = catalog.region(region)
        partition = info.partition if info else "aws"
        parts.append(
            account_id.apply(
                lambda account: secret_statements(
                    api, partition=partition, region=region, account=account
                )
            )
        )
    if not parts:
        return None
    return pulumi.Output.all(*parts).apply(
        lambda groups: json.dumps(
            {"Version": "2012-10-17", "Statement": [s for group in groups for s in group]}
        )
    )
