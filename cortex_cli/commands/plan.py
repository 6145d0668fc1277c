"""`cortex-infra plan`: the real Pulumi program under Pulumi's mock engine, offline.

No Pulumi CLI, no AWS: invokes are answered from the catalog, every registration is recorded,
and the graph is printed as a tree with a summary, or (`--json`) as the byte-stable document
the golden tests and `cortex-infra diff` read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cortex_cli import output
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg
from cortex_spec import Spec, load_spec

StackOpt = Annotated[
    str | None,
    typer.Option(
        "--stack",
        help="Pulumi stack name to plan as. Default: the --env value, else dev.",
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
    stack_name = stack or env or "dev"
    loaded = _load(spec, cluster_config, env, stack_name)
    # Imported late: pulumi and the providers take a second to import, and `--help` or a
    # spec error should not wait for them.
    from cortex_cli.plan_summary import costs_and_risks  # noqa: PLC0415
    from offline import engine  # noqa: PLC0415
    from offline.summary import summary, tree  # noqa: PLC0415

    config = engine.stack_config(spec, cluster_config=cluster_config, environment=env)
    # Paths as given: locations in warnings read like the command line, and a plan does not
    # depend on where the repository is checked out.
    config["cortex:spec"] = str(spec)
    if cluster_config is not None:
        config["cortex:clusterConfig"] = str(cluster_config)
    graph = engine.evaluate(
        config,
        stack=stack_name,
        region=loaded.cluster.region,
        # Looked up at call time, so that tests can point the plan at another program.
        program=engine.PROGRAM,
    )
    if json_output:
        typer.echo(graph.to_json(), nl=False)
        return
    output.echo(f"plan of stack {stack_name} ({loaded.cluster.name}, {loaded.cluster.region})\n")
    # What a change costs and risks comes first; the tree is for those who want detail.
    output.echo(costs_and_risks(loaded, graph).text)
    for line in tree(graph):
        output.echo(f"{'  ' * line.depth}{line.name}  [{line.type}]")
    render_summary(summary(graph))


def _load(spec: Path, cluster_config: Path | None, env: str | None, stack: str) -> Spec:
    """The spec as the program will load it: the environment named like the stack when
    --env is not given (and no error when there is none), as the program does. Its
    warnings are not printed here: the program logs them, and the plan lists them."""
    return load_spec(
        spec,
        cluster_config=cluster_config,
        environment=env or stack,
        environment_required=env is not None,
    )


def render_summary(data: dict[str, Any]) -> None:
    output.echo(f"\n{data['resources']} resources:")
    for kind, count in data["counts"].items():
        output.echo(f"  {count:>4}  {kind}")
    output.echo("\nhelm releases:")
    for release in data["helm_releases"]:
        output.echo(f"  {release['name']:<24} {release['chart']} {release['version']}")
    output.echo(f"\nwarnings ({len(data['warnings'])}):")
    for warning in data["warnings"]:
        output.echo(f"  {warning}")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
