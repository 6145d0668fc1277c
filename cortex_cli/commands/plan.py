"""`cortex-infra plan`: the real Pulumi program under Pulumi's mock engine, offline.

No Pulumi CLI, no AWS: invokes are answered from the catalog, every registration is recorded,
and the graph is printed as a tree with a summary, or (`--json`) as the byte-stable document
the golden tests and `cortex-infra diff` read.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cortex_cli import lifetime, loading, output
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, TreeMode
from cortex_cli.progress import progress
from cortex_spec import Spec

StackOpt = Annotated[
    str | None,
    typer.Option(
        "--stack",
        help="Pulumi stack to plan as; its Pulumi.<STACK>.yaml (in the project of SPEC) "
        "supplies cortex:environment, cortex:clusterConfig and cortex:admins. Default: the "
        "--env value, else dev, with no stack file.",
        show_default=False,
    ),
]


TreeOpt = Annotated[
    TreeMode,
    typer.Option(
        "--tree",
        help="The resource tree: full, components (folded, with how many resources each "
        "holds), or auto: full when it fits the terminal's height, else components.",
    ),
]


def plan(
    spec: SpecArg,
    *,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    json_output: JsonOpt = False,
    tree_mode: TreeOpt = TreeMode.auto,
) -> None:
    """Plan SPEC offline: every resource `pulumi up` would declare, without AWS.

    The text reads top-down: what the plan creates, the endpoints, the cost at minimum and
    maximum size, the risks and warnings, then the versions, the node groups and the resource tree.
    `--json` is the byte-stable plan document with the same summary under `summary`.
    """
    output.use_json(json_output)
    target = loading.target(spec, cluster_config, env, stack)
    # Without --stack the stack is named like the environment, else dev; the program picks
    # the environment named like the stack when the spec has one. Warnings are not printed
    # here: the program logs them, and the plan lists them.
    loaded = loading.load_target(target, as_program=True, show_warnings=False)
    # Imported late: pulumi and the providers take a second to import, and `--help` or a
    # spec error should not wait for them.
    from cortex_cli.plan_summary import plan_summary  # noqa: PLC0415
    from offline import engine  # noqa: PLC0415
    from offline.summary import summary  # noqa: PLC0415

    # The graph stays reachable until it is printed and the process ends (lifetime.py).
    lifetime.collector_off_until_exit()
    with progress(f"planning stack {target.stack_name} under the mock engine"):
        graph = engine.evaluate(
            # Paths relative to the project folder, where the program runs: a plan does not
            # depend on where the project is checked out, nor on the current directory.
            target.pulumi_config(),
            stack=target.stack_name,
            region=loaded.cluster.region,
            # Looked up at call time, so that tests can point the plan at another program.
            program=engine.PROGRAM,
            project=target.project_name,
            workdir=target.workdir,
        )
        data = plan_summary(loaded, graph)
    if json_output:
        document = graph.to_dict()
        document["summary"] = data
        typer.echo(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
        return
    console = output.console()
    source = f", config from {target.stack.file.name}" if target.stack.file else ""
    # Imported here: rich is for a person; `--json` does without it.
    from rich.text import Text  # noqa: PLC0415

    from cortex_cli import apply_time_view, plan_view  # noqa: PLC0415

    estimate = apply_time_view.text(
        apply_time_view.of_plan(graph), label="pulumi up of a new stack"
    )
    counts = summary(graph)
    lines = [
        Text(
            f"plan of stack {target.stack_name} ({loaded.cluster.name}, "
            f"{loaded.cluster.region}){source}",
            style="bold",
        ),
        Text(""),
        *plan_view.summary_lines(data, console.width),
        Text(""),
        *plan_view.estimate_lines(estimate, console.width),
        Text(""),
        *(
            [*plan_view.reason_lines(data["risks"], console.width), Text("")]
            if data["risks"]
            else []
        ),
        *plan_view.wrap(versions_line(loaded), console.width, "", "  "),
        Text(""),
        *plan_view.node_group_lines(data["node_groups"], console.width),
        Text(""),
        *plan_view.route_lines(counts["routes"]),
        Text(""),
        *_async_lines(counts["async_apis"]),
        *plan_view.tree_lines(graph, tree_mode, console.height),
        Text(""),
        *plan_view.count_lines(counts),
    ]
    for line in lines:
        console.print(line)


def versions_line(spec: Spec) -> str:
    """The Kubernetes version and the dates its support and component versions were read:
    validation compares with those dates, not with today."""
    from cortex_spec.overview import versions  # noqa: PLC0415

    found = versions(spec)
    calendar, table = found["eks_calendar_read_on"], found["version_matrix_read_on"]
    read = (
        f"EKS calendar and version matrix read on {calendar}"
        if calendar == table
        else f"EKS calendar read on {calendar}, version matrix read on {table}"
    )
    return (
        f"Kubernetes {spec.cluster.kubernetes_version}, upgrade policy "
        f"{spec.cluster.upgrade_policy} ({read})"
    )


def _async_lines(entries: list[dict[str, Any]]) -> list[Any]:
    """Each AsyncAPI's queue, dead letters, results, gateway, workers and scaler."""
    if not entries:
        return []
    from rich.text import Text  # noqa: PLC0415

    from offline.async_summary import lines  # noqa: PLC0415

    title = Text("async APIs (queue → workers, results by id):", style="bold")
    return [title, *(Text(line) for line in lines(entries)), Text("")]


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
