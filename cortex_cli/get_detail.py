"""`cortex-infra get SPEC API` as text: one API in detail, per kind: its replicas pod by pod
(state, node, restarts, why), a gateway's too, a job API's Jobs newest first, a
TrafficSplitter's targets. The document is `cortex_kube`'s (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from cortex_cli import output
from cortex_cli.get_view import number, queue_text

Entry = dict[str, Any]


def _pods(title: str, replicas: Entry, deployment: str) -> list[str]:
    if not replicas["deployed"]:
        return [f"{title}: not deployed (no Deployment {deployment})"]
    head = (
        f"{title}: {number(replicas['desired'])} requested, {replicas['up_to_date']} up to "
        f"date, {replicas['ready']} ready, {replicas['pending']} pending, "
        f"{replicas['failed']} failed"
    )
    rows = [
        [r["pod"], r["state"], r["node"] or "-", str(r["restarts"]), r["reason"] or ""]
        for r in replicas["replicas"]
    ]
    if not rows:
        return [head]
    return [head, *output.table(["POD", "STATE", "NODE", "RESTARTS", "REASON"], rows, indent="  ")]


def _jobs(api: Entry) -> list[str]:
    if not api["jobs"]:
        return ["jobs: none in the cluster (finished Jobs are deleted 7 days after they end)"]
    counts = api["job_counts"]
    head = (
        f"jobs: {counts['running']} running, {counts['succeeded']} succeeded, "
        f"{counts['failed']} failed (newest first)"
    )
    rows = [
        [
            job["job_id"],
            job["state"],
            number(job["workers"]),
            str(job["active"]),
            str(job["succeeded"]),
            str(job["failed"]),
            job["created"] or "-",
            job["finished"] or "-",
            job["reason"] or "",
        ]
        for job in api["jobs"]
    ]
    headers = ["JOB ID", "STATE", "WORKERS", "ACTIVE", "SUCCEEDED", "FAILED", "CREATED"]
    lines = [head, *output.table([*headers, "FINISHED", "REASON"], rows, indent="  ")]
    for job in api["jobs"]:
        lines += [f"  {job['job_id']}: {reason}" for reason in job["pod_reasons"]]
    return lines


def _targets(api: Entry) -> list[str]:
    rows = [
        [
            t["api"],
            f"{t['weight']}%",
            "yes" if t["shadow"] else "no",
            number(t["desired"]) if t["deployed"] else "-",
            number(t["up_to_date"]) if t["deployed"] else "-",
            str(t["ready"]),
        ]
        for t in api["targets"]
    ]
    headers = ["API", "WEIGHT", "SHADOW", "REQUESTED", "UP-TO-DATE", "READY"]
    return ["targets:", *output.table(headers, rows, indent="  ")]


def render_one(document: Entry) -> None:
    api = document["api"]
    name, kind = api["api"], api["kind"]
    lines = [f"{kind} {name}", f"url: {api['url'] or '-'}"]
    if kind in ("RealtimeAPI", "AsyncAPI"):
        lines.append(f"in flight: {number(api['in_flight'])}")
    lines.append("")
    if kind == "RealtimeAPI":
        lines += _pods("replicas", api, f"api-{name}")
    elif kind == "AsyncAPI":
        lines += [queue_text(api["queue"]), ""]
        lines += _pods("gateway", api["gateway"], api["gateway"]["deployment"])
        lines += ["", *_pods("workers", api, f"api-{name}")]
    elif kind == "TrafficSplitter":
        lines += _targets(api)
    else:
        lines += _pods("gateway", api["gateway"], api["gateway"]["deployment"])
        lines += ["", *_jobs(api)]
    for line in lines:
        output.echo(line)
    for note in document["notes"]:
        output.echo(f"note: {note}", err=True)
