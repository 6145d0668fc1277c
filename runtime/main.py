"""`cortex-runtime serve | proxy`: the serving image's entry point.

`serve` (the image's default command) is the predictor form: load the project bundle named
by the environment and serve `predictor.py` on `$CORTEX_PORT`. `proxy` is the container
form's sidecar: admission control and metrics in front of the user's container.
`resolve-secrets` is the container form's init step: the `secret:` variables of the user's
containers, resolved into files (runtime/secret_resolver.py). `async-gateway`,
`async-worker` and `async-local` serve an AsyncAPI (runtime/async_main.py); `job-gateway`,
`batch-worker` and `task` run the job kinds (runtime/job_main.py).
Exit codes: 0 after a drain, 1 when loading fails, a secret cannot be resolved or the
process had to be ended at its stop deadline (runtime.watchdog), 2 on a bad environment.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from runtime import contract, job_contract, job_main, secret_resolver, server
from runtime.app import PredictorApp
from runtime.front import Front
from runtime.journal import Journal
from runtime.proxy import ProxyApp
from runtime.settings import Settings, SettingsError, proxy_settings, serve_settings
from runtime.watchdog import Watchdog

EXIT_BAD_ENVIRONMENT = 2
JOB_MODES = (job_contract.GATEWAY_MODE, job_contract.BATCH_WORKER_MODE, job_contract.TASK_MODE)
ASYNC_MODES = ("async-gateway", "async-worker", "async-local")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cortex-runtime", description=__doc__.split("\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    serve = modes.add_parser("serve", help="serve predictor.py (the predictor form)")
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default all)")  # noqa: S104
    proxy = modes.add_parser("proxy", help="sidecar in front of the user's container")
    proxy.add_argument("--host", default="0.0.0.0", help="address to bind (default all)")  # noqa: S104
    proxy.add_argument(
        "--admin-port",
        type=int,
        default=contract.ADMIN_PORT,
        help=f"port of /healthz and /metrics (default {contract.ADMIN_PORT})",
    )
    secrets = modes.add_parser("resolve-secrets", help="resolve user containers' secret: env")
    secrets.add_argument("--output", default=contract.SECRETS_DIR, help="folder to write into")
    gateway = modes.add_parser(job_contract.GATEWAY_MODE, help="a BatchAPI's or TaskAPI's endpoint")
    gateway.add_argument("--host", default="0.0.0.0", help="address to bind (default all)")  # noqa: S104
    gateway.add_argument("--local", action="store_true", help="run jobs in this process")
    modes.add_parser(job_contract.BATCH_WORKER_MODE, help="one worker of a BatchAPI job")
    modes.add_parser(job_contract.TASK_MODE, help="run a TaskAPI's task once")
    # AsyncAPI (runtime/async_main.py): its gateway, its worker sidecar, and both in one
    # process around an in-process queue for `cortex-infra serve`.
    for mode in ASYNC_MODES:
        parser_ = modes.add_parser(mode, help=f"AsyncAPI: {mode.removeprefix('async-')}")
        parser_.add_argument("--host", default="0.0.0.0", help="address to bind")  # noqa: S104
    return parser.parse_args(argv)


def _server(app: Front, journal: Journal, watchdog: Watchdog) -> server.DrainingServer:
    settings = app.settings
    return server.DrainingServer(
        server.config(app, journal, settings, app.guard),
        app.begin_drain,
        watchdog,
        settings.drain_seconds + contract.EXIT_MARGIN_SECONDS,
    )


async def _serve(settings: Settings, journal: Journal, host: str, watchdog: Watchdog) -> int:
    app = PredictorApp(settings, journal)
    sock = server.listen(host, settings.port)
    instance = _server(app, journal, watchdog)
    app.stop = lambda: instance.stop("the predictor could not be loaded")
    app.start(instance.server_state.connections, watchdog)
    loading = asyncio.create_task(app.load())
    await instance.serve(sockets=[sock])
    loading.cancel()
    await app.close()
    return _stopped(app, journal)


async def _proxy(
    settings: Settings, journal: Journal, host: str, admin_port: int, watchdog: Watchdog
) -> int:
    app = ProxyApp(settings, journal, admin_port)
    sockets = [server.listen(host, settings.port), server.listen(host, admin_port)]
    instance = _server(app, journal, watchdog)
    app.start(instance.server_state.connections, watchdog)
    journal.event("started", upstream_port=settings.upstream_port, admin_port=admin_port)
    await instance.serve(sockets=sockets)
    await app.close()
    return _stopped(app, journal)


def _stopped(app: Front, journal: Journal) -> int:
    journal.event("stopped", exit_code=app.exit_code)
    return app.exit_code


def _resolve_serving(settings: Settings, journal: Journal) -> Settings:
    """`secret:` references of the environment and the config, before the predictor loads."""
    try:
        settings, count = secret_resolver.resolve_serving(settings, os.environ)
    except secret_resolver.SecretResolutionError as error:
        journal.error("secret_resolution_failed", str(error))
        sys.exit(1)
    if count:
        journal.event("secrets_resolved", references=count)
    return settings


def _resolve_into_files(journal: Journal, output: Path) -> int:
    try:
        count = secret_resolver.resolve_into_files(os.environ, output)
    except secret_resolver.SecretResolutionError as error:
        journal.error("secret_resolution_failed", str(error))
        return 1
    journal.event("secrets_resolved", references=count)
    return 0


def _run_async(mode: str, host: str, environ: dict[str, str], journal: Journal) -> int:
    from runtime import async_main  # noqa: PLC0415 - boto3 only for these modes

    try:
        if mode == "async-gateway":
            return async_main.run_gateway(host, environ, journal)
        if mode == "async-worker":
            return async_main.run_worker(environ, journal)
        return async_main.run_local(host, environ, journal)
    except SettingsError as error:
        journal.error("bad_environment", str(error))
        return EXIT_BAD_ENVIRONMENT


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point (`cortex-runtime`)."""
    arguments = _arguments(argv)
    environ = dict(os.environ)
    journal = Journal(environ.get(contract.ENV_API_NAME, ""))
    if arguments.mode == "resolve-secrets":
        sys.exit(_resolve_into_files(journal, Path(arguments.output)))
    if arguments.mode in JOB_MODES:
        job_main.run(
            arguments.mode, getattr(arguments, "host", ""), getattr(arguments, "local", False)
        )
    if arguments.mode in ASYNC_MODES:
        sys.exit(_run_async(arguments.mode, arguments.host, environ, journal))
    try:
        settings = serve_settings(environ) if arguments.mode == "serve" else proxy_settings(environ)
    except SettingsError as error:
        journal.error("bad_environment", str(error))
        sys.exit(EXIT_BAD_ENVIRONMENT)
    journal = Journal(settings.api_name, settings.log_level)
    if arguments.mode == "serve":
        settings = _resolve_serving(settings, journal)
    watchdog = Watchdog(journal)
    watchdog.start()
    if arguments.mode == "serve":
        code = server.run(_serve(settings, journal, arguments.host, watchdog))
    else:
        code = server.run(_proxy(settings, journal, arguments.host, arguments.admin_port, watchdog))
    sys.exit(code)


if __name__ == "__main__":
    run()
