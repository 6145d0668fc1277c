"""Who reaches a job API, and what it may reach: the router's route to its gateway, the
gateway's Kubernetes Role rules, and the IAM statements of its gateway and workers (its own
queues, its own S3 prefix).

The route: the gateway is always up (its state is in S3 and SQS), so the route never waits
for a cold start; it times out with the other warm routes (the load balancer's idle timeout).

Queues are named `cx_<cluster hash>_<api>_<job id>` (runtime/job_contract.py): an API name
cannot hold `_`, so `cx_<hash>_<api>_*` matches this API's queues and no other's. Records
live under `jobs/<api>/` of the stack's bucket; the trailing `/` keeps API `a` out of API
`a-b`'s prefix. Actions are SQS's and S3's documented names (Service Authorization
Reference: "Actions, resources, and condition keys for Amazon SQS / Amazon S3").
"""

from __future__ import annotations

from typing import Any

from cortex_spec import naming
from cortex_spec.models.job_apis import JobAPI
from infra.serving.router_model import Backend, Route, Upstream
from runtime import job_contract

GATEWAY_QUEUE_ACTIONS = (
    "sqs:CreateQueue",
    "sqs:DeleteQueue",
    "sqs:GetQueueAttributes",
    "sqs:SendMessage",
)
WORKER_QUEUE_ACTIONS = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
)


def queues_arn(partition: str, region: str, account: str, queue_prefix: str) -> str:
    return f"arn:{partition}:sqs:{region}:{account}:{queue_prefix}*"


def gateway_statements(
    *,
    partition: str,
    region: str,
    account: str,
    queue_prefix: str,
    bucket_arn: str,
    state_prefix: str,
) -> list[dict[str, Any]]:
    """Create, feed, read and delete its queues; read and write its records, list them."""
    return [
        {
            "Sid": "OwnJobQueues",
            "Effect": "Allow",
            "Action": list(GATEWAY_QUEUE_ACTIONS),
            "Resource": queues_arn(partition, region, account, queue_prefix),
        },
        {
            "Sid": "OwnJobRecords",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"{bucket_arn}/{state_prefix}*",
        },
        {
            "Sid": "ListOwnJobRecords",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": f"{state_prefix}*"}},
        },
    ]


def worker_statements(
    partition: str, region: str, account: str, queue_prefix: str
) -> list[dict[str, Any]]:
    """Take batches from its queues (receive, extend, delete, count)."""
    return [
        {
            "Sid": "OwnJobQueues",
            "Effect": "Allow",
            "Action": list(WORKER_QUEUE_ACTIONS),
            "Resource": queues_arn(partition, region, account, queue_prefix),
        }
    ]


def progress_statement(bucket_arn: str, state_prefix: str) -> dict[str, Any]:
    """Record each batch's outcome: writes under its prefix, nothing else."""
    return {
        "Sid": "RecordJobProgress",
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn}/{state_prefix}*",
    }


def gateway_rules() -> Any:
    """What submitting (create), reading (get, list pods) and stopping (delete) a job need,
    in the API's namespace only: no update, no watch, no other resource."""
    return [
        {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create", "get", "delete"]},
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
    ]


def job_upstream(api: str) -> Upstream:
    """The gateway's headless Service, resolved to its ready pods."""
    name = job_contract.gateway_name(api)
    host = f"{name}.{naming.NAMESPACE}.svc.cluster.local"
    return Upstream(name=name, host=host, port=job_contract.GATEWAY_PORT)


def job_route(api: JobAPI, timeout_seconds: int) -> Route:
    return Route(
        name=job_contract.gateway_name(api.name),
        endpoint=api.endpoint,
        backends=(Backend(job_contract.gateway_name(api.name)),),
        timeout_seconds=timeout_seconds,
    )
