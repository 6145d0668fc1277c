"""`cortex-infra logs`: the logs of every replica of one API, each line prefixed with its
pod (and container, where a pod has several), as Cortex's `cortex logs API [JOB_ID]` did:
an AsyncAPI's workers (or, with --gateway, its gateway), a BatchAPI's or TaskAPI's job
gateway, or with a job id that job's workers (`cortex_kube/log_targets.py`).

Without --follow, the lines so far of all replicas, merged in time order; with it, lines as
they arrive until Ctrl-C. On a terminal the runtime's JSON lines read as text
(`log_lines.py`), as with `serve`.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Annotated

import typer

from cortex_cli import kube_access, output
from cortex_cli.kube_access import ContextOpt, KubeconfigOpt
from cortex_cli.loading import load
from cortex_cli.log_lines import human
from cortex_cli.options import (
    ClusterConfigOpt,
    EnvOpt,
    LogFormat,
    LogFormatOpt,
    SpecArg,
    StackOpt,
)
from cortex_spec.errors import CortexError, StateError
from cortex_spec.models.api import ApiBase
from cortex_spec.models.job_apis import is_job
from cortex_spec.models.traffic_splitter import TrafficSplitter

ApiArg = Annotated[str, typer.Argument(help="The API whose replicas to read.", show_default=False)]
JobIdArg = Annotated[
    str | None,
    typer.Argument(
        help="BatchAPI or TaskAPI: the job whose workers to read (default: the job gateway).",
        show_default=False,
    ),
]
GatewayOpt = Annotated[
    bool,
    typer.Option(
        "--gateway", help="AsyncAPI: read its gateway instead of its workers.", show_default=False
    ),
]
FollowOpt = Annotated[bool, typer.Option("--follow", "-f", help="Keep streaming new lines.")]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Only lines newer than this: 30s, 15m, 2h.", show_default=False),
]
ContainerOpt = Annotated[
    str | None,
    typer.Option("--container", help="Only this container of each pod.", show_default=False),
]
JsonLinesOpt = Annotated[
    bool,
    typer.Option(
        "--json",
        help="One JSON object per line: pod, container, time (the API server's) and line.",
    ),
]
_DURATION = re.compile(r"(\d+)([smh])")
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def since_seconds(text: str | None) -> int | None:
    if text is None:
        return None
    found = _DURATION.fullmatch(text.strip())
    if not found:
        raise typer.BadParameter(f"{text!r}: write it like 30s, 15m or 2h", param_hint="--since")
    return int(found.group(1)) * _SECONDS[found.group(2)]


def _check_choice(api: ApiBase, gateway: bool, job_id: str | None) -> None:
    """The job id and --gateway fit the API's kind (before reaching the cluster)."""
    if isinstance(api, TrafficSplitter):
        raise CortexError(
            f"{api.name} is a TrafficSplitter: it runs no pods (the router splits its requests)",
            hint=f"read the logs of its APIs: {', '.join(t.name for t in api.apis)}",
        )
    if job_id is not None and not is_job(api):
        raise typer.BadParameter(
            f"{api.name} is a {api.kind}: only BatchAPIs and TaskAPIs take a job id",
            param_hint="JOB_ID",
        )
    if gateway and (is_job(api) or api.kind != "AsyncAPI"):
        why = (
            f"{api.name} is a {api.kind}: without a JOB_ID its logs are already its job "
            "gateway's (drop --gateway), with one they are that job's workers'"
            if is_job(api)
            else f"{api.name} is a {api.kind}: only an AsyncAPI has a gateway to choose"
        )
        raise typer.BadParameter(why, param_hint="--gateway")


def logs(
    spec: SpecArg,
    api: ApiArg,
    job_id: JobIdArg = None,
    *,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    follow: FollowOpt = False,
    since: SinceOpt = None,
    container: ContainerOpt = None,
    gateway: GatewayOpt = False,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    log_format: LogFormatOpt = LogFormat.auto,
    json_output: JsonLinesOpt = False,
) -> None:
    """Print the logs of every replica of API, each line prefixed with its pod: an
    AsyncAPI's workers (--gateway: its gateway), a BatchAPI's or TaskAPI's job gateway, or
    with JOB_ID that job's workers."""
    from cortex_kube.log_targets import log_target  # noqa: PLC0415
    from cortex_kube.pod_logs import followed, merged, sources  # noqa: PLC0415

    output.use_json(json_output)
    seconds = since_seconds(since)
    loaded = load(spec, cluster_config, env, stack)
    found_api = kube_access.known_api(loaded, api)
    _check_choice(found_api, gateway, job_id)
    kube = kube_access.connect(loaded, kubeconfig, context)
    target = log_target(kube, found_api, gateway=gateway, job_id=job_id)
    found = sources(kube, target.selector, target.what, container)
    if not found:
        only = f" with a container {container}" if container else ""
        raise StateError(f"no pods of {target.what}{only} have started yet", hint=target.hint)
    readable = log_format is LogFormat.human or (
        log_format is LogFormat.auto and sys.stdout.isatty()
    )
    width = max(len(source.label) for source in found)
    lines = followed(kube, found, seconds) if follow else merged(kube, found, seconds)
    for line in lines:
        if json_output:
            pod, _, name = line.source.partition("/")
            record = {"pod": pod, "container": name or None, "time": line.when, "line": line.text}
            output.echo(json.dumps(record, sort_keys=True))
            continue
        text = human(line.text) if readable else line.text
        pad = f"{line.source:<{width}} | "
        output.echo(pad + text.replace("\n", "\n" + " " * len(pad)))


def register(app: typer.Typer) -> None:
    app.command("logs")(logs)
