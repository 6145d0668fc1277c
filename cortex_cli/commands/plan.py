"""`cortex-infra plan`: the real Pulumi program under Pulumi's mock engine, offline.

No Pulumi CLI, no AWS: invokes are answered from the catalog, every registration is recorded,
and the graph is printed as a tree with a summary, or (`--json`) as the byte-stable document
the golden tests and `cortex-infra diff` read.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cortex_cli import lifetime, loading, output
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg
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


def plan(
    spec: SpecArg,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Plan SPEC offline: every resource `pulumi up` would declare, without AWS."""
    output.use_json(json_output)
    target = loading.target(spec, cluster_config, env, stack)
    # Without --stack the stack is named like the environment, else dev; the program picks
    # the environment named like the stack when the spec has one. Warnings are not printed
    # here: the program logs them, and the plan lists them.
    loaded = loading.load_target(target, as_program=True, show_warnings=False)
    # Imported late: pulumi and the providers take a second to import, and `--help` or a
    # spec error should not wait for them.
    from cortex_cli.plan_summary import costs_and_risks  # noqa: PLC0415
    from offline import engine  # noqa: PLC0415
    from offline.summary import summary, tree  # noqa: PLC0415

    # The graph stays reachable until it is printed and the process ends (lifetime.py).
    lifetime.collector_off_until_exit()
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
    if json_output:
        typer.echo(graph.to_json(), nl=False)
        return
    source = f", config from {target.stack.file.name}" if target.stack.file else ""
    output.echo(
        f"plan of stack {target.stack_name} ({loaded.cluster.name}, {loaded.cluster.region})"
        f"{source}"
    )
    output.echo(versions_line(loaded) + "\n")
    # What a change costs and risks comes first; the tree is for those who want detail.
    output.echo(costs_and_risks(loaded, graph).text)
    from cortex_cli import apply_time_view  # noqa: PLC0415

    output.echo(
        apply_time_view.text(apply_time_view.of_plan(graph), label="pulumi up of a new stack")
        + "\n"
    )
    for line in tree(graph):
        output.echo(f"{'  ' * line.depth}{line.name}  [{line.type}]")
    render_summary(summary(graph))


def versions_line(spec: Spec) -> str:
    """The Kubernetes version and the dates its support and component versions were read:
    validation compares with those dates, not with today."""
    from cortex_spec.overview import versions  # noqa: PLC0415

    found = versions(spec)
    return (
        f"Kubernetes {spec.cluster.kubernetes_version}, upgrade policy "
        f"{spec.cluster.upgrade_policy}; EKS calendar read on {found['eks_calendar_read_on']}, "
        f"version matrix read on {found['version_matrix_read_on']}"
    )


def render_summary(data: dict[str, Any]) -> None:
    output.echo(f"\n{data['resources']} resources:")
    for kind, count in data["counts"].items():
        output.echo(f"  {count:>4}  {kind}")
    output.echo("\nhelm releases:")
    for release in data["helm_releases"]:
        output.echo(f"  {release['name']:<24} {release['chart']} {release['version']}")
    output.echo("\nroutes (first match wins):")
    for route in data["routes"]:
        split = ", ".join(
            f"{b['upstream']} {b['weight']}%" if len(route["backends"]) > 1 else b["upstream"]
            for b in route["backends"]
        )
        mirrors = "".join(f", mirror {m['upstream']} {m['percent']}%" for m in route["mirrors"])
        output.echo(f"  {route['endpoint']:<24} → {split}{mirrors}  (timeout {route['timeout']})")
    output.echo(f"\nwarnings ({len(data['warnings'])}):")
    for warning in data["warnings"]:
        output.echo(f"  {warning}")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
