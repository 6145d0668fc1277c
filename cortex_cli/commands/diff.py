"""`cortex-infra diff`: what a spec change does to the stack, offline or against deployed state.

    cortex-infra diff BASE HEAD                 two spec files
    cortex-infra diff --base-ref main HEAD      HEAD against its own past at a git ref
    cortex-infra diff --against-state s3://bucket HEAD --stack prod

Each side is the stack as `pulumi up` would evaluate it: its Pulumi project and stack file
are found from the spec (`cortex_cli.project`), and the base side of `--base-ref` takes
them, with the spec's folder, from the ref. Both sides are evaluated in this one process
with the offline plan engine (module imports are paid once), compared by URN, and the
update is simulated step by step (offline/simulator.py). The exit code is 0 whether or not
anything changed, and 4 (CHECKS_FAILED) when the simulated `pulumi up` breaks an invariant
(`docs/diff.md`).
"""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

import typer

from cortex_cli import (
    apply_time_view,
    diff_cost,
    diff_risks,
    diff_sides,
    diff_upgrade,
    loading,
    output,
)
from cortex_cli.diff_sides import Side
from cortex_cli.exit_codes import ExitCode
from cortex_cli.options import ClusterConfigOpt, EnvOpt, JsonOpt
from cortex_cli.project import Target
from cortex_cli.revision import Revision
from offline.diff import diff_graphs
from offline.diff_groups import Names
from offline.diff_markdown import DEFAULT_LIMIT, render_markdown
from offline.diff_report import build_report, render_text, to_json
from offline.graph import PlanGraph

SpecsArg = Annotated[
    list[Path],
    typer.Argument(help="BASE HEAD, or HEAD alone with --base-ref/--against-state."),
]
BaseEnvOpt = Annotated[
    str | None,
    typer.Option(
        "--base-env", help="Environment of the base side (default: --env).", show_default=False
    ),
]
BaseRefOpt = Annotated[
    str | None,
    typer.Option(
        "--base-ref",
        help="Take the base from this git ref: the spec with its folder, Pulumi.yaml and "
        "the stack file.",
        show_default=False,
    ),
]
StateOpt = Annotated[
    str | None,
    typer.Option(
        "--against-state",
        metavar="s3://BUCKET[/PREFIX]",
        show_default=False,
        help="Diff against the stack's deployed state in this Pulumi DIY backend.",
    ),
]
StackOpt = Annotated[
    str | None,
    typer.Option(
        "--stack",
        show_default=False,
        help="Pulumi stack: its Pulumi.<STACK>.yaml (in the project of the spec, on each "
        "side) applies; it must exist on the head side. Required with --against-state.",
    ),
]


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="text, markdown or json.")]
MaxCharsOpt = Annotated[
    int, typer.Option("--max-chars", min=2000, help="Markdown: fit in this many characters.")
]


def diff(
    specs: SpecsArg,
    *,
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    base_env: BaseEnvOpt = None,
    base_ref: BaseRefOpt = None,
    against_state: StateOpt = None,
    stack: StackOpt = None,
    output_format: FormatOpt = Format.text,
    json_output: JsonOpt = False,
    max_chars: MaxCharsOpt = DEFAULT_LIMIT,
) -> None:
    """Show what changes between two specs, or between a spec and what is deployed.

    The update is also simulated step by step, as the Pulumi engine would run it; the exit
    code is 4 when a step breaks what AWS or Kubernetes enforce (a name or port taken twice,
    a node group size out of range) or leaves an API or node group without capacity.
    """
    if json_output:
        if output_format not in (Format.text, Format.json):
            raise typer.BadParameter(f"--json is --format json, not --format {output_format}")
        output_format = Format.json
    output.use_json(output_format is Format.json)
    _check_usage(specs, base_ref, against_state, stack)
    head_path = specs[-1]
    with tempfile.TemporaryDirectory(prefix="cortex-diff-") as scratch:
        revision = Revision(base_ref, head_path, Path(scratch)) if base_ref else None
        # The head's spec first: its mistakes are reported before any other work.
        target = loading.target(head_path, cluster_config, env, stack)
        head_spec = loading.load_target(target, as_program=True)
        if against_state:
            label = f"deployed stack {target.stack_name}"
            base = Side(label, None, _deployed(against_state, target), None, target.environment)
        elif revision is not None:
            base = diff_sides.from_revision(
                revision, target, cluster_config, base_env or env, stack
            )
        else:
            base = diff_sides.from_file(specs[0], cluster_config, base_env or env, target)
    name = revision.name(head_path) if revision is not None else str(head_path)
    head = Side(name, head_spec, diff_sides.evaluate(target, head_spec), None, target.environment)
    title = f"{base.label} → {head.label}" + (" (working tree)" if revision is not None else "")
    changes = diff_graphs(base.graph, head.graph)
    # A Kubernetes version bump, as ordered steps; one EKS cannot take is refused here.
    upgrade = diff_upgrade.upgrade_of(changes, head_spec, target)
    # What the head puts at risk (a public endpoint, policies on every API...), new ones first.
    found = diff_risks.risks_of(base.spec, head_spec)
    report = build_report(
        changes,
        Names.from_specs([base.spec, head.spec]),
        title=title + _qualifiers(base, head, stack),
    )
    # How long applying the change takes, from the head's graph (apply_time_view.py).
    duration = apply_time_view.of_diff(changes)
    cost = diff_cost.cost_change(base.spec, head_spec, base_exists=base.note is None)
    if output_format is Format.json:
        document = diff_upgrade.attach_json(to_json(report), upgrade)
        document = diff_risks.attach_json(document, found)
        document = apply_time_view.attach_json(document, duration)
        output.emit_json(diff_cost.attach_json(document, cost))
    elif output_format is Format.markdown:
        limit = (
            max_chars
            - diff_upgrade.markdown_size(upgrade)
            - diff_risks.markdown_size(found)
            - apply_time_view.markdown_size(duration)
            - diff_cost.markdown_size(cost)
        )
        text = diff_risks.attach_markdown(render_markdown(report, limit=limit), found)
        text = apply_time_view.attach_markdown(text, duration)
        text = diff_upgrade.attach_markdown(text, upgrade)
        output.echo(diff_cost.attach_markdown(text, cost).rstrip("\n"))
    else:
        text = diff_risks.attach_text(render_text(report), found)
        text = apply_time_view.attach_text(text, duration)
        text = diff_upgrade.attach_text(text, upgrade)
        output.echo(diff_cost.attach_text(text, cost).rstrip("\n"))
    if report.simulation.violations:
        raise typer.Exit(ExitCode.CHECKS_FAILED)


def _qualifiers(base: Side, head: Side, stack: str | None) -> str:
    parts = [f"stack {stack}"] if stack else []
    # An empty base (a new stack, environment or spec) has no environment to compare.
    if base.note is None and base.environment != head.environment:
        parts.append(f"environment {base.environment or '-'} → {head.environment or '-'}")
    elif head.environment:
        parts.append(f"environment {head.environment}")
    if base.note:
        parts.append(base.note)
    return f" ({'; '.join(parts)})" if parts else ""


def _check_usage(
    specs: list[Path], base_ref: str | None, against_state: str | None, stack: str | None
) -> None:
    if base_ref and against_state:
        raise typer.BadParameter("give --base-ref or --against-state, not both")
    wanted = 1 if (base_ref or against_state) else 2
    if len(specs) != wanted:
        shape = "HEAD" if wanted == 1 else "BASE HEAD"
        raise typer.BadParameter(f"expected {shape}, got {len(specs)} path(s)")
    if against_state and not stack:
        raise typer.BadParameter("--against-state needs --stack NAME")
    if against_state:
        # A malformed URL is a usage mistake (exit 2), not unreadable state (exit 5).
        parsed = urlparse(against_state)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise typer.BadParameter(
                f"{against_state!r} is not an S3 backend URL; write it like "
                "s3://my-pulumi-state or s3://my-pulumi-state/cortex",
                param_hint="--against-state",
            )


def _deployed(url: str, target: Target) -> PlanGraph:
    """The stack's last checkpoint, under the project's own name in the backend."""
    # Imported here: only this mode needs boto3.
    from cortex_aws.pulumi_state import read_checkpoint  # noqa: PLC0415
    from offline.state_graph import graph_from_checkpoint  # noqa: PLC0415

    stack, project = target.stack_name, target.project_name
    document = read_checkpoint(url, project=project, stack=stack)
    return graph_from_checkpoint(document, stack=stack, project=project)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
