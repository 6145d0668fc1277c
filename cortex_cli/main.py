"""Entry point of `cortex-infra`, and the single error boundary of the command line.

Every command lives in its own module under `cortex_cli.commands` and exposes
`register(app)`; modules are discovered here, so adding a command touches no other file.
A command's module is imported only when that command runs (or `--help` lists them all):
`plan` does not pay for boto3, and `preflight` not for Pulumi.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import pkgutil
import sys
import traceback
from typing import Annotated, Any

import typer
from typer._click.core import Command, Context  # typer 0.29 vendors click
from typer.core import TyperGroup

from cortex_cli import commands, lifetime, output
from cortex_cli.exit_codes import EXIT_CODES_HELP, ExitCode
from cortex_spec.errors import CortexError, ProvisionError, SpecError, StateError


def _exit_code(error: CortexError) -> ExitCode:
    if isinstance(error, ProvisionError):
        return ExitCode.CLOUD_ERROR
    if isinstance(error, StateError):
        return ExitCode.STATE_ERROR
    return ExitCode.INVALID_INPUT


def _report(error: CortexError) -> None:
    if output.json_mode():
        if isinstance(error, SpecError):
            document: dict[str, Any] = {
                "ok": False,
                "problems": [p.as_dict() for p in error.problems],
            }
            if error.truncated:
                document["truncated"] = True
            output.emit_json(document)
        else:
            output.emit_json({"ok": False, "error": type(error).__name__, "message": str(error)})
        return
    render = getattr(error, "render", None)
    text = render() if callable(render) else str(error)
    if isinstance(error, SpecError):
        count = len(error.problems)
        more = "+" if error.truncated else ""
        text += f"\n\n{count}{more} problem{'s' if count != 1 else ''} found; nothing was deployed."
    output.echo(f"error: {text}" if not isinstance(error, SpecError) else text, err=True)


def command_names() -> list[str]:
    """One command per module of `cortex_cli.commands`, named like it."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__))


def load_command(name: str) -> Command | None:
    """The command of module `cortex_cli.commands.<name>`, imported now."""
    if name not in command_names():
        return None
    single = typer.Typer(add_completion=False, rich_markup_mode=None)
    importlib.import_module(f"{commands.__name__}.{name}").register(single)
    command = typer.main.get_command(single)
    command.name = name
    # Every command's --help ends with the exit codes, as the top-level help does.
    command.epilog = command.epilog or EXIT_CODES_HELP
    return command


class BoundaryGroup(TyperGroup):
    """Turns every CortexError into a message and an exit code, never a traceback. Its
    commands are loaded on demand (`load_command`)."""

    def list_commands(self, ctx: Context) -> list[str]:
        return command_names()

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        return load_command(cmd_name)

    def invoke(self, ctx: Context) -> Any:
        # Each invocation starts in text mode; a command that takes --json switches it on.
        output.use_json(False)
        try:
            return super().invoke(ctx)
        except CortexError as error:
            _report(error)
            raise typer.Exit(_exit_code(error)) from None
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except BrokenPipeError:
            # The reader left (`cortex-infra plan | head`): nothing failed. Later writes,
            # and the interpreter's own flush at exit, go nowhere instead of raising again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(ExitCode.OK) from None
        except KeyboardInterrupt:
            output.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as error:
            if os.environ.get("CORTEX_DEBUG") == "1":
                output.echo(traceback.format_exc(), err=True)
            output.echo(
                f"internal error: {type(error).__name__}: {error}\n"
                "this is a bug in cortex-infra; rerun with CORTEX_DEBUG=1 for details and "
                "report it",
                err=True,
            )
            raise typer.Exit(ExitCode.INTERNAL_ERROR) from None


app = typer.Typer(
    cls=BoundaryGroup,
    name="cortex-infra",
    help="From a reviewed cortex.yaml to autoscaled model-serving endpoints on EKS.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        output.echo(f"cortex-infra {importlib.metadata.version('cortex-infra')}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """From a reviewed cortex.yaml to autoscaled model-serving endpoints on EKS."""


def run() -> None:
    """Console-script entry point: one command, then the process ends."""
    lifetime.one_command_process()
    try:
        app(prog_name="cortex-infra")
    finally:
        lifetime.skip_final_collection()
