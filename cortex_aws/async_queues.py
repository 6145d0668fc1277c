"""An AsyncAPI's queue depth, for `status` and `get`: its queue and its dead-letter queue.

The stack names each queue from a prefix (`cortex_spec.naming.async_queue_prefix`) plus the
provider's 26-character unique suffix; a queue is this API's when its name is exactly the
prefix and such a suffix (`naming.NODE_GROUP_SUFFIX`, the same generator), so a longer API
name sharing the prefix is never mistaken for it. `status` reports it as a note on the
API's line (`queue: 3 waiting, 1 in progress; dead letters: 0`), `get` in its own columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class QueueDepth:
    """An AsyncAPI's queue: messages waiting, in progress (received, not yet deleted) and
    dead letters; or why it could not be read."""

    waiting: int | None = None
    in_progress: int | None = None
    # None when the dead-letter queue is missing (with the queue found).
    dead_letters: int | None = None
    problem: str | None = None

    def note(self) -> str:
        """The API's queue line (`status`)."""
        if self.problem is not None:
            return self.problem
        dead = "not found" if self.dead_letters is None else str(self.dead_letters)
        return (
            f"queue: {self.waiting} waiting, {self.in_progress} in progress; dead letters: {dead}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "waiting": self.waiting,
            "in_progress": self.in_progress,
            "dead_letters": self.dead_letters,
            "problem": self.problem,
        }


def depth(session: AwsSession, cluster: str, api: str) -> QueueDepth:
    """The API's queue depth, or what could not be read."""
    sqs = session.sqs()
    try:
        queue = _find(sqs, naming.async_queue_prefix(cluster, api))
        if queue is None:
            return QueueDepth(problem="queue: not found")
        waiting, running = _depth(sqs, queue)
        dead_url = _find(sqs, naming.async_queue_prefix(cluster, api, dead_letter=True))
        dead = None if dead_url is None else _depth(sqs, dead_url)[0]
    except AWS_ERRORS as error:
        return QueueDepth(problem=explain(error, f"SQS queue of {api}").message)
    return QueueDepth(waiting=waiting, in_progress=running, dead_letters=dead)


def depths(session: AwsSession, spec: Spec, only: str | None = None) -> dict[str, QueueDepth]:
    """API name → its queue depth, for each AsyncAPI of the spec (or `only` that one)."""
    return {
        api.name: depth(session, spec.cluster.name, api.name)
        for api in spec.apis
        if api.is_async and (only is None or api.name == only)
    }


def notes(session: AwsSession, spec: Spec) -> dict[str, str]:
    """API name → its queue note, for each AsyncAPI of the spec."""
    return {name: found.note() for name, found in depths(session, spec).items()}
