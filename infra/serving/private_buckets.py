"""What every bucket the stack creates carries: no public access, objects owned by the
bucket's account, and TLS only. Used by the bundle bucket (bundles.py) and the AsyncAPI
bucket (async_queues.py), with the encryption each asks for (`encrypt`); each adds its own
versioning or lifecycle."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra.irsa import policy_document


def lock_down(name: str, bucket: aws.s3.Bucket, parent: pulumi.Resource) -> pulumi.Resource:
    """The public-access block, owner-enforced ownership and a TLS-only policy of `bucket`,
    as children of `parent` named `{name}-…`; the public-access block is returned (what
    writes to the bucket's policy must wait for)."""
    child = pulumi.ResourceOptions(parent=parent)
    public_block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=child,
    )
    aws.s3.BucketPolicy(
        f"{name}-tls-only",
        bucket=bucket.id,
        policy=policy_document(
            [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
        ),
        # S3 rejects a bucket policy while the public-access block is being written.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[public_block]),
    )
    return public_block


def encrypt(
    name: str,
    bucket: aws.s3.Bucket,
    parent: pulumi.Resource,
    kms_key_arn: pulumi.Input[str] | None = None,
) -> None:
    """Default encryption of `bucket`, a child of `parent` named `{name}-encryption`: with
    the KMS key `kms_key_arn` when given, else S3's own keys (AES256)."""
    by_default = (
        aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
    )
    if kms_key_arn is None:
        default = by_default(sse_algorithm="AES256")
        rule = aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=default
        )
    else:
        default = by_default(sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn)
        rule = aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=default,
            # One data key per bucket and period instead of a KMS call per object.
            bucket_key_enabled=True,
        )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[rule],
        opts=pulumi.ResourceOptions(parent=parent),
    )
