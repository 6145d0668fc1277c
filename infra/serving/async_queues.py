"""AsyncAPI storage: one bucket for the stack, one queue and dead-letter queue per API.

- `AsyncBucket` (only when the spec has an AsyncAPI): a KMS key of its own (rotated), a
  bucket named by Pulumi from a prefix, SSE-KMS with an S3 bucket key, all public access
  blocked, owner-enforced, TLS only, and a lifecycle rule that expires every request's
  objects (payload, status, result) `contract.ASYNC_RESULT_DAYS` after their last write
  (Cortex kept results 7 days) and aborts incomplete uploads after a day. Each API's
  objects are under `apis/<name>/`, the only prefix its roles may touch.
- `AsyncQueues` per API: an SQS queue and its dead-letter queue, both encrypted (SSE-SQS),
  named by Pulumi from a prefix. The redrive policy moves a message to the DLQ after
  `contract.ASYNC_MAX_RECEIVE_COUNT` receipts; the DLQ keeps it 14 days (SQS's maximum)
  for inspection or a redrive.

Safe on the second `pulumi up`: queue and bucket names are unique (per account and
region, and globally), and Pulumi creates a replacement before it deletes. Every physical
name here comes from `name_prefix`/`bucket_prefix` plus the provider's random suffix, so a
renamed API's new queues, or a replaced bucket, never collide with the old ones still
there (tests/offline/scenarios/async-*).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec import naming
from infra.serving.private_buckets import encrypt, lock_down
from runtime import contract

DLQ_RETENTION_SECONDS: Final = 14 * 24 * 3600
RETENTION_SECONDS: Final = contract.ASYNC_RESULT_DAYS * 24 * 3600


def api_prefix(api: str) -> str:
    """An AsyncAPI's objects in the async bucket."""
    return f"apis/{api}/"


@dataclass(frozen=True)
class AsyncStorage:
    """What one AsyncAPI's gateway, workers and scaler are given."""

    queue_url: pulumi.Output[str]
    queue_arn: pulumi.Output[str]
    dlq_arn: pulumi.Output[str]
    bucket: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]
    prefix: str


@dataclass(frozen=True)
class AsyncBucketArgs:
    cluster_name: str
    tags: dict[str, str]


class AsyncBucket(pulumi.ComponentResource):
    """The stack's bucket of AsyncAPI payloads, statuses and results."""

    bucket_id: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: AsyncBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:AsyncBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {**args.tags, naming.COMPONENT_TAG: "async"}
        key = aws.kms.Key(
            f"{name}-key",
            description=f"{args.cluster_name}: AsyncAPI payloads and results",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=tags,
            opts=child,
        )
        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket_prefix=naming.async_bucket_prefix(args.cluster_name),
            # Requests are transient; `pulumi destroy` must be able to empty the bucket.
            force_destroy=True,
            tags=tags,
            opts=child,
        )
        encrypt(name, bucket, self, kms_key_arn=key.arn)
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-async-requests",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix="apis/"),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                        days=contract.ASYNC_RESULT_DAYS
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    ),
                )
            ],
            opts=child,
        )
        lock_down(name, bucket, self)
        self.bucket_id = bucket.id
        self.bucket_arn = bucket.arn
        self.key_arn = key.arn
        self.register_outputs({"bucket": bucket.id})


@dataclass(frozen=True)
class AsyncQueuesArgs:
    cluster_name: str
    api: str
    bucket: AsyncBucket
    tags: dict[str, str]


class AsyncQueues(pulumi.ComponentResource):
    """One AsyncAPI's queue and dead-letter queue; `storage` is what its pods are given."""

    storage: AsyncStorage

    def __init__(
        self, name: str, args: AsyncQueuesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:AsyncQueues", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {**args.tags, naming.API_TAG: args.api}
        dead = aws.sqs.Queue(
            f"{name}-dlq",
            name_prefix=naming.async_queue_prefix(args.cluster_name, args.api, dead_letter=True),
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            tags=tags,
            opts=child,
        )
        queue = aws.sqs.Queue(
            f"{name}-queue",
            name_prefix=naming.async_queue_prefix(args.cluster_name, args.api),
            visibility_timeout_seconds=contract.ASYNC_VISIBILITY_SECONDS,
            receive_wait_time_seconds=contract.ASYNC_WAIT_SECONDS,
            # As long as the request's payload and status are kept in the bucket.
            message_retention_seconds=RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            redrive_policy=pulumi.Output.json_dumps(
                {
                    "deadLetterTargetArn": dead.arn,
                    "maxReceiveCount": contract.ASYNC_MAX_RECEIVE_COUNT,
                }
            ),
            tags=tags,
            opts=child,
        )
        bucket = args.bucket
        self.storage = AsyncStorage(
            queue_url=queue.url,
            queue_arn=queue.arn,
            dlq_arn=dead.arn,
            bucket=bucket.bucket_id,
            bucket_arn=bucket.bucket_arn,
            key_arn=bucket.key_arn,
            prefix=api_prefix(args.api),
        )
        self.register_outputs({"queue_url": queue.url})
