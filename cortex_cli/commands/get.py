"""`cortex-infra get [API]`: what runs now, per API of every kind and per node group
(Cortex's `cortex get` and `cortex get API`).

Per API, what matters for its kind (`cortex_kube/kind_state.py`): replicas desired (its
autoscaler's choice), up to date, ready, pending and failed, with the reasons (a pending pod
no node can take names the resource that is short; a crash loop its last exit), requests in
flight; an AsyncAPI's gateway and workers; a BatchAPI's or TaskAPI's job gateway and its
Jobs; a TrafficSplitter's targets with their weights and state. And its URL. Per node
group: nodes, ready nodes and the scale-ups cluster-autoscaler is waiting for. With an API
name, that API in detail (pod by pod, job by job) and no node groups. Read with the
official Kubernetes client and the stack's kubeconfig (`cortex_cli/kube_access.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final

import typer

from cortex_cli import kube_access, loading, output
from cortex_cli.get_detail import render_one
from cortex_cli.get_view import render
from cortex_cli.kube_access import ContextOpt, KubeconfigOpt
from cortex_cli.loading import load
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, StackOpt
from cortex_cli.plan_summary import endpoints
from cortex_cli.progress import progress
from cortex_spec.loader import Spec

if TYPE_CHECKING:
    from cortex_aws.async_queues import QueueDepth

QUEUE_NOTE: Final = (
    "AsyncAPI queue depth: not read (with --kubeconfig, or without AWS credentials, `get` "
    "does not reach AWS); `cortex-infra status` shows it"
)

ApiArg = Annotated[
    str | None,
    typer.Argument(help="Show this API alone, in detail (any kind).", show_default=False),
]


def get(
    spec: SpecArg,
    api: ApiArg = None,
    *,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show every API (each kind's state: replicas and why they are not ready, gateways,
    jobs, split targets), its URL, and each node group's nodes and pending scale-ups; with
    API, that API in detail."""
    from cortex_kube.cluster_state import read_state  # noqa: PLC0415

    output.use_json(json_output)
    loaded = load(spec, cluster_config, env, stack)
    if api is not None:
        kube_access.known_api(loaded, api)
    with progress(f"reading cluster {loaded.cluster.name}"):
        kube = kube_access.connect(loaded, kubeconfig, context)
        state = read_state(kube, loaded, only=api)
        urls = _urls(loaded, live=kubeconfig is None)
        queues = _queues(loaded, api, live=kubeconfig is None)
    document = state.to_dict()
    for entry in document["apis"]:
        entry["url"] = urls.get(entry["api"])
        if entry["kind"] == "AsyncAPI":
            found = queues.get(entry["api"]) if queues is not None else None
            entry["queue"] = found.to_dict() if found is not None else None
    if queues is None and any(e["kind"] == "AsyncAPI" for e in document["apis"]):
        document["notes"].append(QUEUE_NOTE)
    document["cluster"] = loaded.cluster.name
    if api is not None:
        # One API: its entry under `api`, no node groups (they are the cluster's).
        notes = document["notes"]
        document = {"cluster": document["cluster"], "api": document["apis"][0]}
        document["notes"] = notes
    if json_output:
        output.emit_json(document)
    elif api is not None:
        render_one(document)
    else:
        render(document)


def _queues(spec: Spec, only: str | None, *, live: bool) -> dict[str, QueueDepth] | None:
    """Each AsyncAPI's queue depth from SQS, when `get` reaches AWS (the stack's own
    kubeconfig) and AWS is configured; None when it does not read them."""
    if not live or not any(a.is_async and only in (None, a.name) for a in spec.apis):
        return None
    from cortex_aws.async_queues import depths  # noqa: PLC0415 - boto3

    session = loading.optional_session_for(spec)
    return None if session is None else depths(session, spec, only)


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


def register(app: typer.Typer) -> None:
    app.command("get")(get)
