"""`cortex-infra cost`: hourly and monthly cost at minimum and maximum size.

Every figure is labelled with its price's source and date: the AWS Price List (live, or
cached with its fetch date), the dated 2022 table Cortex v0.42.1 embedded, or "unknown".
"""

from __future__ import annotations

from typing import Annotated

import typer

from cortex_aws import cost as pricing
from cortex_aws import money
from cortex_cli import loading, output
from cortex_cli.loading import load
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, StackOpt

OfflineOpt = Annotated[
    bool,
    typer.Option("--offline", help="No AWS calls: cached Price List prices, then the 2022 table."),
]


def cost(
    spec: SpecArg,
    *,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    offline: OfflineOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Estimate what SPEC's cluster costs per hour and month, with every price's source."""
    output.use_json(json_output)
    loaded = load(spec, cluster_config, env, stack)
    session = None if offline else loading.optional_session_for(loaded)
    found = pricing.estimate(loaded, live=not offline, session=session)
    if json_output:
        output.emit_json(found.to_dict())
        return
    render(found)


def render(found: pricing.CostEstimate) -> None:
    mode = "live prices" if found.live else "offline"
    output.echo(f"cost of {found.cluster} in {found.region} ({mode}), USD\n")
    legend: dict[str, int] = {}
    rows = []
    for line in found.lines:
        marks = [legend.setdefault(p.label, len(legend) + 1) for _, p in line.prices]
        count = (
            str(line.count_min)
            if line.count_min == line.count_max
            else (f"{line.count_min}-{line.count_max}")
        )
        rows.append(
            [
                line.name,
                line.detail,
                count,
                money.text(line.unit, digits=4),
                money.text(line.at_min),
                money.text(line.at_max),
                money.text(line.at_min.monthly(), digits=0),
                money.text(line.at_max.monthly(), digits=0),
                ",".join(f"[{m}]" for m in dict.fromkeys(marks)),
            ]
        )
    headers = ["ITEM", "DETAIL", "COUNT", "EACH/HOUR", "MIN/HOUR", "MAX/HOUR", "MIN/MONTH"]
    headers += ["MAX/MONTH", "PRICES"]
    for text in output.table(headers, rows):
        output.echo(text)
    output.echo("")
    output.echo(pricing.summary(found))
    output.echo("\nprice sources:")
    for label, mark in legend.items():
        output.echo(f"  [{mark}] {label}")
    for note in found.notes:
        output.echo(f"note: {note}")


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
