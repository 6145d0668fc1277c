"""What a plan builds for each AsyncAPI, read back from the graph: its queue and
dead-letter queue, where its requests are kept, its gateway, its workers and their scaler.
`cortex-infra plan` prints it (the `async APIs` section)."""

from __future__ import annotations

import json
from typing import Any

from offline.graph import PlanGraph, PlannedResource

SQS_QUEUE = "aws:sqs/queue:Queue"
DEQUEUER = "dequeuer"


def _by_name(graph: PlanGraph) -> dict[str, PlannedResource]:
    return {r.name: r for r in graph.resources}


def _queue_name(resource: PlannedResource | None) -> str:
    if resource is None:
        return "?"
    prefix = resource.inputs.get("namePrefix")
    return f"{prefix}<unique suffix>" if prefix else str(resource.inputs.get("name", "?"))


def _expiry_days(graph: PlanGraph) -> int | None:
    for resource in graph.resources:
        if resource.type.endswith("BucketLifecycleConfiguration"):
            for rule in resource.inputs.get("rules", []):
                days = rule.get("expiration", {}).get("days")
                if days is not None:
                    return int(days)
    return None


def _bucket_prefix(graph: PlanGraph) -> str:
    for resource in graph.resources:
        if resource.type == "aws:s3/bucket:Bucket" and resource.name.endswith("-async-bucket"):
            return str(resource.inputs.get("bucketPrefix", resource.inputs.get("bucket", "?")))
    return "?"


def async_apis(graph: PlanGraph) -> list[dict[str, Any]]:
    """One entry per AsyncAPI of the plan, by the names infra/serving gives its resources."""
    resources = _by_name(graph)
    days, bucket = _expiry_days(graph), _bucket_prefix(graph)
    out = []
    for queue in (r for r in graph.resources if r.type == SQS_QUEUE):
        if not queue.name.endswith("-queues-queue"):
            continue
        base = queue.name.removesuffix("-queues-queue")
        api = base.split("-", 1)[1]
        redrive = json.loads(queue.inputs.get("redrivePolicy", "{}"))
        workers = resources.get(f"{base}-deployment")
        containers = workers.inputs["spec"]["template"]["spec"]["containers"] if workers else []
        dequeuer: dict[str, Any] = next((c for c in containers if c["name"] == DEQUEUER), {})
        threads = next(
            (e["value"] for e in dequeuer.get("env", []) if e["name"] == "CORTEX_ASYNC_WORKERS"),
            "?",
        )
        gateway = resources.get(f"{base}-gateway-deployment")
        scaled = resources.get(f"{base}-autoscaler-scaled-object")
        spec = scaled.inputs["spec"] if scaled else {}
        trigger = (spec.get("triggers") or [{}])[0]
        out.append(
            {
                "api": api,
                "queue": _queue_name(queue),
                "dead_letter_queue": _queue_name(resources.get(f"{base}-queues-dlq")),
                "max_receive_count": redrive.get("maxReceiveCount"),
                "results": f"{bucket}<unique suffix>/apis/{api}/",
                "results_expire_days": days,
                "gateway": {
                    "deployment": gateway.inputs["metadata"]["name"] if gateway else None,
                    "replicas": gateway.inputs["spec"]["replicas"] if gateway else None,
                },
                "workers": {
                    "deployment": workers.inputs["metadata"]["name"] if workers else None,
                    "containers": [c["name"] for c in containers],
                    "messages_at_once": threads,
                },
                "scaler": {
                    "trigger": trigger.get("type"),
                    "queue_length": trigger.get("metadata", {}).get("queueLength"),
                    "min_replicas": spec.get("minReplicaCount"),
                    "max_replicas": spec.get("maxReplicaCount"),
                },
            }
        )
    return sorted(out, key=lambda entry: entry["api"])


def lines(entries: list[dict[str, Any]]) -> list[str]:
    out = []
    for entry in entries:
        gateway, workers, scaler = entry["gateway"], entry["workers"], entry["scaler"]
        out += [
            f"  {entry['api']}",
            f"    queue          {entry['queue']}",
            f"    dead letters   {entry['dead_letter_queue']} "
            f"(after {entry['max_receive_count']} receipts)",
            f"    results        s3://{entry['results']} "
            f"(expire after {entry['results_expire_days']} days)",
            f"    gateway        {gateway['deployment']} ({gateway['replicas']} replicas)",
            f"    workers        {workers['deployment']} ({', '.join(workers['containers'])}; "
            f"{workers['messages_at_once']} messages at once per replica)",
            f"    scaler         {scaler['trigger']}, {scaler['queue_length']} messages per "
            f"replica, {scaler['min_replicas']}-{scaler['max_replicas']} replicas",
        ]
    return out
