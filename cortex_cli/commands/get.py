"""`cortex-infra get`: what runs now, per API and per node group (Cortex's `cortex get`).

Per API: replicas desired (its autoscaler's choice), ready, pending and failed, with the
reasons (a pending pod no node can take names the resource that is short; a crash loop its
last exit), its URL and the requests in flight now. Per node group: nodes, ready nodes and
the scale-ups cluster-autoscaler is waiting for. Read with the official Kubernetes client
and the stack's kubeconfig (`cortex_cli/kube_access.py`).
"""

from __future__ import annotations

from typing import Any

import typer

from cortex_cli import kube_access, loading, output
from cortex_cli.kube_access import ContextOpt, KubeconfigOpt
from cortex_cli.loading import load
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, StackOpt
from cortex_cli.plan_summary import endpoints
from cortex_cli.progress import progress
from cortex_spec.loader import Spec


def get(
    spec: SpecArg,
    *,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show each API's replicas (desired, ready, pending, failed and why), URL and in-flight
    requests, and each node group's nodes and pending scale-ups."""
    from cortex_kube.cluster_state import read_state  # noqa: PLC0415

    output.use_json(json_output)
    loaded = load(spec, cluster_config, env, stack)
    with progress(f"reading cluster {loaded.cluster.name}"):
        kube = kube_access.connect(loaded, kubeconfig, context)
        state = read_state(kube, loaded)
        urls = _urls(loaded, live=kubeconfig is None)
    document = state.to_dict()
    for api in document["apis"]:
        api["url"] = urls.get(api["api"])
    document["cluster"] = loaded.cluster.name
    if json_output:
        output.emit_json(document)
        return
    render(document)


def _urls(spec: Spec, *, live: bool) -> dict[str, str]:
    """Each API's URL: on the domain, else (reaching AWS anyway for the stack's kubeconfig)
    on the live load balancer's DNS name, else with a placeholder for it."""
    if live and spec.cluster.domain is None:
        from cortex_aws.endpoints import apis, load_balancer  # noqa: PLC0415 - boto3

        session = loading.optional_session_for(spec)
        if session is not None:
            balancer, _ = load_balancer(session, spec)
            if balancer.found:
                return {found.api: found.url for found in apis(spec, balancer) if found.url}
    return {api["name"]: api["url"] for api in endpoints(spec)["apis"]}


def _number(value: Any) -> str:
    if value is None:
        return "?"
    return f"{value:g}" if isinstance(value, float) else str(value)


def render(document: dict[str, Any]) -> None:
    rows = [
        [
            api["api"],
            _number(api["desired"]) if api["deployed"] else "-",
            str(api["ready"]),
            str(api["pending"]),
            str(api["failed"]),
            _number(api["in_flight"]),
            api["url"] or "",
        ]
        for api in document["apis"]
    ]
    headers = ["API", "DESIRED", "READY", "PENDING", "FAILED", "IN-FLIGHT", "URL"]
    for line in output.table(headers, rows):
        output.echo(line)
    for api in document["apis"]:
        if not api["deployed"]:
            output.echo(f"  {api['api']}: not deployed (no Deployment api-{api['api']})")
        for reason in api["reasons"]:
            output.echo(f"  {api['api']}: {reason}")
    output.echo("")
    group_rows = [
        [
            group["name"],
            str(group["nodes"]),
            str(group["ready"]),
            _number(group["autoscaler_target"]),
            _number(group["pending_scale_up"]),
            group["scale_up"] or "-",
        ]
        for group in document["node_groups"]
    ]
    headers = ["NODE GROUP", "NODES", "READY", "TARGET", "PENDING SCALE-UP", "SCALE-UP"]
    for line in output.table(headers, group_rows):
        output.echo(line)
    for group in document["node_groups"]:
        if group["backoff"]:
            output.echo(f"  {group['name']}: scale-up backing off: {group['backoff']}")
    for note in document["notes"]:
        output.echo(f"note: {note}", err=True)


def register(app: typer.Typer) -> None:
    app.command("get")(get)
