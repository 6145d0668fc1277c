"""`cortex-infra status`: the cluster as it runs now: node groups, load balancer, endpoints.

A cluster that does not exist yet is "not deployed" (exit 0). Failed scaling activities of a
node group's Auto Scaling group are shown because they say why capacity (often GPUs) did
not arrive.
"""

from __future__ import annotations

import typer

from cortex_aws import endpoints
from cortex_aws import status as live
from cortex_cli import loading, output
from cortex_cli.loading import load
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, StackOpt
from cortex_cli.progress import progress


def status(
    spec: SpecArg,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show the deployed cluster of SPEC: state, node groups, load balancer, router and API URLs."""
    output.use_json(json_output)
    loaded = load(spec, cluster_config, env, stack)
    with progress(f"reading the state of {loaded.cluster.name}"):
        found = live.status(loaded, loading.session_for(loaded))
    if json_output:
        output.emit_json(found.to_dict())
        return
    render(found)


def _size(value: int | None) -> str:
    return "-" if value is None else str(value)


def render(found: live.ClusterStatus) -> None:
    if not found.deployed:
        output.echo(
            f"{found.cluster}: not deployed (no EKS cluster named {found.cluster} in "
            f"{found.region})"
        )
        return
    output.echo(
        f"{found.cluster} in {found.region}: {found.state}, Kubernetes {found.version}\n"
        f"  endpoint {found.endpoint}"
    )
    output.echo("\nnode groups:")
    rows = [
        [
            g.name,
            g.status if g.found else "MISSING (in the spec, not in EKS)",
            g.capacity_type,
            "/".join(g.instance_types),
            _size(g.desired),
            _size(g.minimum),
            _size(g.maximum),
            "; ".join(g.issues) or ("not in the spec" if not g.in_spec else ""),
        ]
        for g in found.node_groups
    ]
    headers = ["NAME", "STATUS", "CAPACITY", "TYPES", "DESIRED", "MIN", "MAX", "ISSUES"]
    for line in output.table(headers, rows, indent="  "):
        output.echo(line)
    for group in found.node_groups:
        for failure in group.failed_scaling:
            output.echo(
                f"  {group.name}: failed scaling at {failure.started} ({failure.status}): "
                f"{failure.description}: {failure.cause}"
            )
    balancer = found.load_balancer
    if balancer is not None:
        output.echo(f"\n{_balancer_line(balancer)}")
    output.echo("\napis:")
    if not found.apis:
        output.echo("  (none)")
    rows = [[api.api, api.url or "(no load balancer yet)", api.note or ""] for api in found.apis]
    for line in output.table(["API", "URL", "NOTE"], rows, indent="  ") if rows else []:
        output.echo(line)
    for note in found.notes:
        output.echo(f"note: {note}")


def _balancer_line(balancer: endpoints.LoadBalancerState) -> str:
    if not balancer.found:
        return f"load balancer: {balancer.state}"
    where = f", {balancer.dns_name}" if balancer.dns_name else ""
    reason = f" ({balancer.reason})" if balancer.reason else ""
    line = f"load balancer {balancer.name}: {balancer.state}{reason}{where}"
    if balancer.domain:
        line += f"\n  domain {balancer.domain}"
    if balancer.targets is not None:
        line += f"\n  router: {balancer.healthy}/{balancer.targets} replicas healthy"
    return line


def register(app: typer.Typer) -> None:
    app.command("status")(status)
