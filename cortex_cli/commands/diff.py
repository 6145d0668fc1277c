"""`cortex-infra diff`: what a spec change does to the stack, offline or against deployed state.

    cortex-infra diff BASE HEAD                 two spec files
    cortex-infra diff --base-ref main HEAD      HEAD against its own folder at a git ref
    cortex-infra diff --against-state s3://bucket HEAD --stack prod

Both sides are evaluated in this one process with the offline plan engine (module imports
are paid once), then compared by URN. The exit code is 0 whether or not anything changed:
CI posts the diff for review and never gates on it (`docs/diff.md`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from cortex_cli import output
from cortex_cli.options import ClusterConfigOpt, EnvOpt
from cortex_cli.revision import materialise
from cortex_spec import Spec, load_spec
from offline import engine
from offline.diff import diff_graphs
from offline.diff_groups import Names
from offline.diff_markdown import DEFAULT_LIMIT, render_markdown
from offline.diff_report import build_report, render_text, to_json
from offline.graph import PlanGraph

# The stack evaluated without --stack, as `cortex-infra plan` picks it: --env, else this.
DEFAULT_STACK = "dev"

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
        help="Take the base spec, with its folder, from this git ref.",
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
        help="Pulumi stack; its Pulumi.<stack>.yaml config applies. Required with --against-state.",
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


@dataclass(frozen=True)
class Side:
    """One side of the diff as the program would see it."""

    stack: str
    env: str | None
    admins: tuple[str, ...]

    def load(self, path: Path, cluster_config: Path | None) -> Spec:
        # Without --env the program picks the environment named like the stack, if any.
        spec = load_spec(
            path,
            cluster_config=cluster_config,
            environment=self.env or self.stack,
            environment_required=self.env is not None,
        )
        if not output.json_mode():
            for warning in spec.warnings:
                output.echo(f"warning: {warning.render()}", err=True)
        return spec

    def graph(self, spec: Spec, path: Path, cluster_config: Path | None) -> PlanGraph:
        config = engine.stack_config(
            path, cluster_config=cluster_config, environment=self.env, admins=list(self.admins)
        )
        # engine.PROGRAM is read at call time so that tests can point it at a stand-in.
        return engine.evaluate(
            config, stack=self.stack, region=spec.cluster.region, program=engine.PROGRAM
        )


def _stack_config(stack: str) -> dict[str, Any]:
    """`config:` of Pulumi.<stack>.yaml beside the program, if there is one."""
    path = engine.PROGRAM.parent / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    config = document.get("config") if isinstance(document, dict) else None
    return config if isinstance(config, dict) else {}


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
    max_chars: MaxCharsOpt = DEFAULT_LIMIT,
) -> None:
    """Show what changes between two specs, or between a spec and what is deployed."""
    output.use_json(output_format is Format.json)
    _check_usage(specs, base_ref, against_state, stack)
    settings = _stack_config(stack) if stack else {}
    admins = tuple(str(a) for a in settings.get(f"{engine.PROJECT}:admins") or ())
    env = env or settings.get(f"{engine.PROJECT}:environment") or None
    head_side = Side(stack or env or DEFAULT_STACK, env, admins)
    base_side = Side(head_side.stack, base_env or env, admins)
    head_path = specs[-1]
    head_spec = head_side.load(head_path, cluster_config)
    with tempfile.TemporaryDirectory(prefix="cortex-diff-") as scratch:
        if against_state:
            base_spec, base = None, _deployed(against_state, head_side.stack)
            title = f"deployed stack {head_side.stack} → {head_path}"
        elif base_ref:
            extra = [cluster_config] if cluster_config else []
            found = materialise(base_ref, [head_path, *extra], Path(scratch))
            base_spec, base = _side(base_side, found[0], found[1] if extra else None)
            title = f"{head_path} at {base_ref} → working tree"
            title += "" if found[0] else f" (no spec at {base_ref})"
        else:
            base_spec, base = _side(base_side, specs[0], cluster_config)
            title = f"{specs[0]} → {head_path}"
    # After the base: deployed state that cannot be read fails before an evaluation.
    head = head_side.graph(head_spec, head_path, cluster_config)
    if base_side.env != head_side.env:
        title += f" (environment {base_side.env or '-'} → {head_side.env or '-'})"
    elif head_side.env:
        title += f" (environment {head_side.env})"
    names = Names.from_specs([base_spec, head_spec])
    report = build_report(diff_graphs(base, head), names, title=title)
    if output_format is Format.json:
        output.emit_json(to_json(report))
    elif output_format is Format.markdown:
        output.echo(render_markdown(report, limit=max_chars).rstrip("\n"))
    else:
        output.echo(render_text(report).rstrip("\n"))


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


def _side(
    side: Side, path: Path | None, cluster_config: Path | None
) -> tuple[Spec | None, PlanGraph]:
    """The base spec and graph; an empty graph when the base revision had no spec."""
    if path is None:
        return None, PlanGraph(side.stack, engine.PROJECT, (), {}, ())
    spec = side.load(path, cluster_config)
    return spec, side.graph(spec, path, cluster_config)


def _deployed(url: str, stack: str) -> PlanGraph:
    # Imported here: only this mode needs boto3.
    from cortex_aws.pulumi_state import read_checkpoint  # noqa: PLC0415
    from offline.state_graph import graph_from_checkpoint  # noqa: PLC0415

    document = read_checkpoint(url, project=engine.PROJECT, stack=stack)
    return graph_from_checkpoint(document, stack=stack, project=engine.PROJECT)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
