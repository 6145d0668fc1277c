"""`cortex-infra validate`: check a spec offline and show what it resolves to."""

from __future__ import annotations

from typing import Any

import typer

from cortex_cli import output
from cortex_cli.loading import load
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt, SpecArg, StackOpt
from cortex_spec.overview import overview
from cortex_spec.quantities import memory_display, parse_quantity


def validate(
    spec: SpecArg,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    stack: StackOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Validate SPEC offline: exit 0 when valid, 1 with every problem located otherwise."""
    output.use_json(json_output)
    summary = overview(load(spec, cluster_config, env, stack))
    if json_output:
        output.emit_json({"ok": True, **summary})
        return
    render(summary)


def render(summary: dict[str, Any]) -> None:
    cluster = summary["cluster"]
    env = f" (environment {summary['environment']})" if summary["environment"] else ""
    output.echo(
        f"{cluster['name']}: valid{env} — EKS {cluster['kubernetes_version']} in "
        f"{cluster['region']}, {cluster['subnet_visibility']} nodes, NAT "
        f"{cluster['nat_gateway']}"
    )
    found = summary["versions"]
    output.echo(
        f"\nversions for {cluster['kubernetes_version']} (upgrade policy "
        f"{cluster['upgrade_policy']}; EKS calendar read on {found['eks_calendar_read_on']}, "
        f"version matrix read on {found['version_matrix_read_on']}):"
    )
    for name, version in found["components"].items():
        output.echo(f"  {name:<30} {version}")
    output.echo("\nnode groups:")
    for group in summary["node_groups"]:
        sizes = ", ".join(
            f"{g['capacity_type'].lower().replace('_', '-')} {g['min']}-{g['max']}"
            for g in group["managed_groups"]
        )
        accel = group["accelerator"] if group["accelerator"] != "none" else "cpu"
        if group["gpu_model"]:
            accel += f" ({group['gpu_model']})"
        output.echo(
            f"  {group['name']:<20} {'/'.join(group['instance_types']):<24} {accel:<16} "
            f"{group['ami_type']:<24} {sizes}"
        )
    output.echo("\napis:")
    if not summary["apis"]:
        output.echo("  (none)")
    for api in summary["apis"]:
        if "targets" in api:
            split = ", ".join(
                f"{t['name']} {t['weight']}%" + (" (shadow)" if t["shadow"] else "")
                for t in api["targets"]
            )
            output.echo(f"  {api['name']:<20} {api['endpoint']:<24} {'split':<10} {split}")
            continue
        request = api["request"]
        memory = parse_quantity(request["memory"]).whole
        needs = f"cpu {request['cpu']}, mem {memory_display(memory) if memory else 'unset'}"
        if request["gpu"]:
            needs += f", gpu {request['gpu']}"
        if request["inf"]:
            needs += f", inf {request['inf']}"
        form = f"{api['form']}, async" if api["kind"] == "AsyncAPI" else api["form"]
        output.echo(
            f"  {api['name']:<20} {api['endpoint']:<24} {form:<10} {needs}  "
            f"→ runs on: {', '.join(api['runs_on'])}"
        )


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
