"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

SpecArg = Annotated[
    Path,
    typer.Argument(
        help="The spec: cortex.yaml, or the folder holding it (or a Cortex v0.42 API list with "
        "--cluster-config).",
        show_default=False,
    ),
]
ClusterConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--cluster-config",
        help="Cortex v0.42 cluster.yaml, when SPEC is a Cortex API list.",
        show_default=False,
    ),
]
EnvOpt = Annotated[
    str | None,
    typer.Option(
        "--env",
        help="Environment whose overrides to apply (environments.<ENV>).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")]
StackOpt = Annotated[
    str | None,
    typer.Option(
        "--stack",
        help="Pulumi stack: its Pulumi.<STACK>.yaml (in the project of SPEC, the nearest "
        "Pulumi.yaml above it) supplies cortex:environment, cortex:clusterConfig and "
        "cortex:admins.",
        show_default=False,
    ),
]


class TreeMode(StrEnum):
    auto = "auto"
    full = "full"
    components = "components"


class LogFormat(StrEnum):
    auto = "auto"
    json = "json"
    human = "human"


LogFormatOpt = Annotated[
    LogFormat,
    typer.Option(
        "--log-format",
        help="The runtime's log lines: json as the pod writes them, human for reading "
        "(tracebacks on their own lines), auto: human on a terminal, else json.",
    ),
]
