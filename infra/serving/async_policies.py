"""Least-privilege IAM statements of an AsyncAPI's three identities (pure).

- the gateway: send to its own queue; write and read the objects under its own prefix
  (payloads and the `in_queue` status on POST, statuses and results on GET; delete for the
  request whose message could not be sent);
- the workers (the API's own role, beside its bundle and secrets): receive, delete and
  change the visibility of messages on its own queue; read, write and delete objects under
  its own prefix;
- KEDA's operator: read the attributes (the depth) of the stack's AsyncAPI queues, nothing
  else (the `aws-sqs-queue` scaler calls GetQueueAttributes only).

Both pod roles may also list the bucket under their own prefix only (`s3:prefix`): without
`s3:ListBucket`, S3 answers a missing key with 403 instead of 404, and an unknown request
id would look like a permission error.

The bucket is encrypted with the stack's async key, so both pod roles may use that key,
and only through S3 in the stack's region (`kms:ViaService`). No statement names more than
the API's own queue, prefix and key; the listing is limited to the API's prefix.
"""

from __future__ import annotations

from typing import Any

Statement = dict[str, Any]


def _key(key_arn: str, region: str) -> Statement:
    return {
        "Sid": "AsyncKeyThroughS3",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": key_arn,
        "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
    }


def _objects(bucket_arn: str, prefix: str, sid: str) -> list[Statement]:
    return [
        {
            "Sid": sid,
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"{bucket_arn}/{prefix}*",
        },
        {
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": f"{prefix}*"}},
        },
    ]


def gateway_statements(
    queue_arn: str, bucket_arn: str, prefix: str, key_arn: str, region: str
) -> list[Statement]:
    return [
        {
            "Sid": "SendToOwnQueue",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
        },
        *_objects(bucket_arn, prefix, "OwnRequests"),
        _key(key_arn, region),
    ]


def worker_statements(
    queue_arn: str, bucket_arn: str, prefix: str, key_arn: str, region: str
) -> list[Statement]:
    return [
        {
            "Sid": "WorkOwnQueue",
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
            "Resource": queue_arn,
        },
        *_objects(bucket_arn, prefix, "OwnRequests"),
        _key(key_arn, region),
    ]


def scaler_statements(queue_arns: list[str]) -> list[Statement]:
    return [
        {
            "Sid": "ReadAsyncQueueDepth",
            "Effect": "Allow",
            "Action": "sqs:GetQueueAttributes",
            "Resource": sorted(queue_arns),
        }
    ]
