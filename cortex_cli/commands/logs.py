"""`cortex-infra logs`: the logs of every replica of one API, each line prefixed with its
pod (and container, where a pod has several), as Cortex's `cortex logs` did.

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

ApiArg = Annotated[str, typer.Argument(help="The API whose replicas to read.", show_default=False)]
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


def logs(
    spec: SpecArg,
    api: ApiArg,
    *,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    follow: FollowOpt = False,
    since: SinceOpt = None,
    container: ContainerOpt = None,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    log_format: LogFormatOpt = LogFormat.auto,
    json_output: JsonLinesOpt = False,
) -> None:
    """Print the logs of every replica of API, each line prefixed with its pod."""
    from cortex_kube.pod_logs import followed, merged, sources  # noqa: PLC0415

    output.use_json(json_output)
    seconds = since_seconds(since)
    loaded = load(spec, cluster_config, env, stack)
    kube_access.known_api(loaded, api)
    kube = kube_access.connect(loaded, kubeconfig, context)
    found = sources(kube, api, container)
    if not found:
        output.echo(f"no replicas of {api} are running", err=True)
        return
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
