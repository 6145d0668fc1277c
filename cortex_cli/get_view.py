"""`cortex-infra get` as text: one table per kind (as Cortex's `cortex get`), then the node
groups; `get SPEC API`: one API in detail. The document is `cortex_kube`'s (every key is in
docs/operations.md); this module only lays it out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cortex_cli import output

Entry = dict[str, Any]


def number(value: Any) -> str:
    if value is None:
        return "?"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _of(replicas: Entry) -> str:
    """`up-to-date/requested`, Cortex's pair; `-` when the Deployment does not exist."""
    if not replicas["deployed"]:
        return "-"
    return f"{replicas['up_to_date']}/{number(replicas['desired'])}"


def _absent(name: str, replicas: Entry, what: str, deployment: str) -> list[str]:
    """The lines under a table: not deployed, or the reasons pods are not ready."""
    if not replicas["deployed"]:
        return [f"  {name}: {what}not deployed (no Deployment {deployment})"]
    return [f"  {name}: {what}{reason}" for reason in replicas["reasons"]]


def _realtime(apis: list[Entry]) -> list[str]:
    rows = [
        [
            api["api"],
            number(api["desired"]) if api["deployed"] else "-",
            str(api["ready"]),
            str(api["pending"]),
            str(api["failed"]),
            number(api["in_flight"]),
            api["url"] or "",
        ]
        for api in apis
    ]
    headers = ["API", "DESIRED", "READY", "PENDING", "FAILED", "IN-FLIGHT", "URL"]
    lines = output.table(headers, rows)
    for api in apis:
        lines += _absent(api["api"], api, "", f"api-{api['api']}")
    return lines


def queue_text(queue: Entry | None) -> str:
    """An AsyncAPI's queue in `status`'s words, or that it was not read."""
    if queue is None:
        return "queue: not read"
    # Imported here: a queue is only in the document when `get` reached AWS (boto3 loaded).
    from cortex_aws.async_queues import QueueDepth  # noqa: PLC0415

    return QueueDepth(**queue).note()


def _queued(queue: Entry | None, key: str) -> str:
    """A queue count for the table: `-` not read, `?` unreadable or missing."""
    if queue is None:
        return "-"
    return "?" if queue["problem"] is not None or queue[key] is None else str(queue[key])


def _async(apis: list[Entry]) -> list[str]:
    rows = [
        [
            api["api"],
            _of(api["gateway"]),
            str(api["gateway"]["ready"]),
            _of(api),
            str(api["ready"]),
            str(api["pending"]),
            str(api["failed"]),
            number(api["in_flight"]),
            _queued(api["queue"], "waiting"),
            _queued(api["queue"], "dead_letters"),
            api["url"] or "",
        ]
        for api in apis
    ]
    headers = ["ASYNC API", "GATEWAY", "READY", "WORKERS", "READY", "PENDING", "FAILED"]
    lines = output.table([*headers, "IN-FLIGHT", "QUEUED", "DEAD", "URL"], rows)
    for api in apis:
        gateway = api["gateway"]
        lines += _absent(api["api"], gateway, "gateway: ", gateway["deployment"])
        lines += _absent(api["api"], api, "workers: ", f"api-{api['api']}")
        if api["queue"] is not None and api["queue"]["problem"] is not None:
            lines.append(f"  {api['api']}: {api['queue']['problem']}")
    return lines


def _gateway_ready(gateway: Entry) -> str:
    """`ready/requested` of the job gateway: what decides whether submissions are taken."""
    return f"{gateway['ready']}/{number(gateway['desired'])}" if gateway["deployed"] else "-"


def _jobs(apis: list[Entry]) -> list[str]:
    rows = [
        [
            api["api"],
            api["kind"],
            _gateway_ready(api["gateway"]),
            str(api["job_counts"]["running"]),
            str(api["job_counts"]["succeeded"]),
            str(api["job_counts"]["failed"]),
            api["latest_job_id"] or "-",
            api["url"] or "",
        ]
        for api in apis
    ]
    headers = ["JOB API", "KIND", "GATEWAY", "RUNNING", "SUCCEEDED", "FAILED", "LATEST JOB"]
    lines = output.table([*headers, "URL"], rows)
    for api in apis:
        gateway = api["gateway"]
        lines += _absent(api["api"], gateway, "gateway: ", gateway["deployment"])
    return lines


def _target(target: Entry) -> str:
    share = f"{'shadow ' if target['shadow'] else ''}{target['api']} {target['weight']}%"
    if not target["deployed"]:
        return f"{share} (not deployed)"
    return f"{share} ({target['ready']}/{number(target['desired'])} ready)"


def _splitters(apis: list[Entry]) -> list[str]:
    rows = [
        [api["api"], ", ".join(_target(t) for t in api["targets"]), api["url"] or ""]
        for api in apis
    ]
    return output.table(["TRAFFIC SPLITTER", "APIS", "URL"], rows)


_TABLES: list[tuple[tuple[str, ...], Callable[[list[Entry]], list[str]]]] = [
    (("RealtimeAPI",), _realtime),
    (("AsyncAPI",), _async),
    (("BatchAPI", "TaskAPI"), _jobs),
    (("TrafficSplitter",), _splitters),
]


def _groups(document: Entry) -> list[str]:
    rows = [
        [
            group["name"],
            str(group["nodes"]),
            str(group["ready"]),
            number(group["autoscaler_target"]),
            number(group["pending_scale_up"]),
            group["scale_up"] or "-",
        ]
        for group in document["node_groups"]
    ]
    headers = ["NODE GROUP", "NODES", "READY", "TARGET", "PENDING SCALE-UP", "SCALE-UP"]
    lines = output.table(headers, rows)
    for group in document["node_groups"]:
        if group["backoff"]:
            lines.append(f"  {group['name']}: scale-up backing off: {group['backoff']}")
    return lines


def render(document: Entry) -> None:
    """Every API, one table per kind present (in this order), then the node groups."""
    for kinds, table in _TABLES:
        apis = [api for api in document["apis"] if api["kind"] in kinds]
        if apis:
            for line in [*table(apis), ""]:
                output.echo(line)
    for line in _groups(document):
        output.echo(line)
    for note in document["notes"]:
        output.echo(f"note: {note}", err=True)
