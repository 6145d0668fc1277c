"""`cortex-infra cost`: hourly and monthly cost at minimum and maximum size.

Every figure is labelled with its price's source and date: the AWS Price List (live, or
cached with its fetch date), the dated 2022 table Cortex v0.42.1 embedded, or "unknown".
"""

from __future__ import annotations

import textwrap
from typing import Annotated

import typer

from cortex_aws import cost as pricing
from cortex_aws import money
from cortex_cli import loading, output
from cortex_cli.loading import load
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, StackOpt
from cortex_cli.progress import progress

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
    with progress("pricing"):
        found = pricing.estimate(loaded, live=not offline, session=session)
    if json_output:
        output.emit_json(found.to_dict())
        return
    render(found)


# The table stays within this many columns, whatever the prices (spot ranges included).
MAX_WIDTH = 100


def render(found: pricing.CostEstimate) -> None:
    """Per item: count, price of one per hour, total per month at min and max size, and
    where its prices come from; the detail (types, volumes) on a line of its own, so that
    the table fits 100 columns (hourly totals are in the summary below it)."""
    mode = "live prices" if found.live else "offline"
    output.echo(f"cost of {found.cluster} in {found.region} ({mode}), USD\n")
    legend: dict[str, int] = {}
    rows: list[list[str]] = []
    details: list[str] = []
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
                count,
                money.text(line.unit, digits=4),
                money.text(line.at_min.monthly(), digits=0),
                money.text(line.at_max.monthly(), digits=0),
                ",".join(f"[{m}]" for m in dict.fromkeys(marks)),
            ]
        )
        details.append(line.detail)
    headers = ["ITEM", "COUNT", "EACH/HOUR", "MIN/MONTH", "MAX/MONTH", "PRICES"]
    table = output.table(headers, rows)
    output.echo(table[0])
    for text, detail in zip(table[1:], details, strict=True):
        output.echo(text)
        if detail:
            output.echo(f"    {detail}")
    output.echo("")
    for text in pricing.summary(found).splitlines():
        indent = " " * (len(text) - len(text.lstrip()))
        _prose(text.strip(), indent, indent + "  ")
    output.echo("\nprice sources:")
    for label, mark in legend.items():
        _prose(label, f"  [{mark}] ", "      ")
    for note in found.notes:
        _prose(note, "note: ", "  ")


def _prose(text: str, first: str, rest: str) -> None:
    for row in textwrap.wrap(
        text,
        MAX_WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ):
        output.echo(row)


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
