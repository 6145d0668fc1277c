"""`status` of an AsyncAPI: the depth of its queue and of its dead-letter queue.

The stack names each queue from a prefix (`cortex_spec.naming.async_queue_prefix`) plus the
provider's 26-character unique suffix; a queue is this API's when its name is exactly the
prefix and such a suffix (`naming.NODE_GROUP_SUFFIX`, the same generator), so a longer API
name sharing the prefix is never mistaken for it. Reported as a note on the API's line:
`queue: 3 waiting, 1 in progress; dead letters: 0`.
"""

from __future__ import annotations

import re
from typing import Any

from cortex_aws.failures import AWS_ERRORS, explain
from cortex_aws.session import AwsSession
from cortex_spec import naming
from cortex_spec.loader import Spec

DEPTH = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")


def _find(sqs: Any, prefix: str) -> str | None:
    pattern = re.compile(re.escape(prefix) + naming.NODE_GROUP_SUFFIX)
    urls = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    found = [u for u in urls if pattern.fullmatch(u.rsplit("/", 1)[-1])]
    return sorted(found)[-1] if found else None


def _depth(sqs: Any, url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(DEPTH))
    values = attributes.get("Attributes", {})
    return int(values.get(DEPTH[0], 0)), int(values.get(DEPTH[1], 0))


def queue_note(session: AwsSession, cluster: str, api: str) -> str:
    """The API's queue line, or what could not be read."""
    sqs = session.sqs()
    try:
        queue = _find(sqs, naming.async_queue_prefix(cluster, api))
        if queue is None:
            return "queue: not found"
        waiting, running = _depth(sqs, queue)
        dead_url = _find(sqs, naming.async_queue_prefix(cluster, api, dead_letter=True))
        dead = "not found" if dead_url is None else str(_depth(sqs, dead_url)[0])
    except AWS_ERRORS as error:
        return explain(error, f"SQS queue of {api}").message
    return f"queue: {waiting} waiting, {running} in progress; dead letters: {dead}"


def notes(session: AwsSession, spec: Spec) -> dict[str, str]:
    """API name → its queue note, for each AsyncAPI of the spec."""
    return {
        api.name: queue_note(session, spec.cluster.name, api.name)
        for api in spec.apis
        if api.is_async
    }
