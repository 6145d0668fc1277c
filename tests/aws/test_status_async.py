"""Status of an AsyncAPI against moto over HTTP: its queue's and dead-letter queue's depth
on its line, found by the stack's name prefix and unique suffix."""

from __future__ import annotations

from pathlib import Path

import boto3

from cortex_aws import status
from cortex_aws.session import AwsSession
from cortex_spec import naming
from tests.aws import stubs
from tests.aws.test_status import SHOP, deploy_in_moto
from tests.conftest import MotoServer

ASYNC = (
    SHOP
    + """
  - name: summarize
    kind: AsyncAPI
    pod:
      containers:
        - name: api
          image: public.ecr.aws/docker/library/nginx:1.27
          compute: {cpu: 200m, mem: 128Mi}
  - name: summarize-long
    kind: AsyncAPI
    pod:
      containers:
        - name: api
          image: public.ecr.aws/docker/library/nginx:1.27
          compute: {cpu: 200m, mem: 128Mi}
"""
)
SUFFIX = "20261203101500123400000007"


def test_async_api_line_shows_its_queue_and_dead_letters(aws: MotoServer, tmp_path: Path) -> None:
    """2 waiting, 1 in progress, 1 dead letter; a longer API name sharing the prefix is
    another API's queue; an API whose queue is missing says so."""
    deploy_in_moto()
    sqs = boto3.client("sqs", region_name="us-west-2")
    queue = sqs.create_queue(QueueName=naming.async_queue_prefix("shop", "summarize") + SUFFIX)
    dead = sqs.create_queue(
        QueueName=naming.async_queue_prefix("shop", "summarize", dead_letter=True) + SUFFIX
    )
    # Same prefix, another API (`summarize-long`'s queue starts `shop_summarize-long-`).
    sqs.create_queue(QueueName=naming.async_queue_prefix("shop", "summarize-long")[:-1] + "x")
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=queue["QueueUrl"], MessageBody=body)
    sqs.receive_message(QueueUrl=queue["QueueUrl"], MaxNumberOfMessages=1)
    sqs.send_message(QueueUrl=dead["QueueUrl"], MessageBody="d")
    spec = stubs.spec_from(tmp_path, ASYNC)
    found = {a.api: a.note for a in status.status(spec, AwsSession("us-west-2")).apis}
    assert found["echo"] is None
    assert found["summarize"] == "queue: 2 waiting, 1 in progress; dead letters: 1"
    assert found["summarize-long"] == "queue: not found"
