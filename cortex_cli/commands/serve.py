"""`cortex-infra serve`: run one predictor-form API locally, exactly as its pod would.

A BatchAPI or TaskAPI runs its job gateway with an in-process queue and job runner:
submit, poll and stop jobs at the API's URL as in the cluster (runtime/local_jobs.py).

An AsyncAPI runs its predictor as below, behind its gateway and workers in one process
around an in-process queue (`cortex_cli.async_serving`). A TrafficSplitter runs each API
it splits to as below, each on a port of its own (the next
ones after `--port`), behind `cortex_cli.split_proxy`, which splits and mirrors as the
router's route does.

The API's folder is bundled as for an upload (`cortex_spec.api_bundles`), the runtime is
given the pod's environment and spec file (from `cortex_spec.serving_env`) with the bundle
as a local zip (`cortex_cli.local_pod`), and `cortex-runtime serve` runs in a child process
until Ctrl-C, which drains it.

It installs nothing: the pod's image has the API's `requirements.txt` installed (the stack
builds it), this machine may not. So before starting, every distribution the file asks for
must be installed in the interpreter that runs cortex-infra, or serve says which are
missing and how to install them, instead of failing on the predictor's first import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Annotated

import typer

from cortex_cli import async_serving, output, split_proxy
from cortex_cli.loading import load
from cortex_cli.local_pod import pod_environment
from cortex_cli.log_lines import human
from cortex_cli.options import ClusterConfigOpt, EnvOpt, LogFormat, LogFormatOpt, SpecArg
from cortex_spec import Problem, Spec, SpecError
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.job_apis import is_job
from cortex_spec.models.traffic_splitter import TrafficSplitter
from runtime import contract
from runtime.job_contract import GATEWAY_MODE

ApiOpt = Annotated[str, typer.Option("--api", help="Name of the API to serve.", show_default=False)]
PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="Local port to listen on.")]
HostOpt = Annotated[str, typer.Option("--host", help="Local address to bind.")]


def _select(spec: Spec, name: str) -> WorkloadAPI | TrafficSplitter:
    try:
        return spec.splitter(name)
    except KeyError:
        pass
    try:
        return _servable(spec.job(name))
    except KeyError:
        pass
    try:
        api = spec.api(name)
    except KeyError:
        known = ", ".join(a.name for a in spec.entries) or "none"
        raise SpecError(
            [Problem(None, "apis", f'no API named "{name}" (known: {known})', "pass --api NAME")]
        ) from None
    return _servable(api)


def _servable(api: WorkloadAPI) -> WorkloadAPI:
    name = api.name
    if api.form != "predictor":
        raise SpecError(
            [
                Problem(
                    None,
                    f"apis[{name}]",
                    "serve runs predictor-form APIs; this one runs its own containers",
                    "run the container images locally, e.g. with docker run",
                )
            ]
        )
    return api


def _relay(stream: IO[str]) -> None:
    """The runtime's JSON lines, rewritten for a person, as they come."""
    for line in stream:
        sys.stdout.write(human(line) + "\n")
        sys.stdout.flush()


def _run(command: list[str], env: dict[str, str], *, readable: bool = False) -> int:
    # Its own process group: the terminal's Ctrl-C reaches this process only, which passes
    # it on once per press (the first drains, a second one forces the exit).
    child = subprocess.Popen(  # noqa: S603 - our interpreter
        command,
        env=env,
        process_group=0,
        stdout=subprocess.PIPE if readable else None,
        text=True,
    )
    relay = None
    if child.stdout is not None:
        relay = threading.Thread(target=_relay, args=(child.stdout,), daemon=True)
        relay.start()
    previous = signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    try:
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:
                child.send_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if relay is not None:
        relay.join()
    return code if code >= 0 else 128 - code


def serve(
    spec: SpecArg,
    *,
    api: ApiOpt,
    port: PortOpt = contract.LOCAL_PORT,
    host: HostOpt = "127.0.0.1",
    cluster_config: ClusterConfigOpt = None,
    env: EnvOpt = None,
    log_format: LogFormatOpt = LogFormat.auto,
) -> None:
    """Serve the predictor of API NAME from its bundle on localhost, as its pod would."""
    loaded = load(spec, cluster_config, env)
    selected = _select(loaded, api)
    if isinstance(selected, TrafficSplitter):
        code = _serve_split(loaded, selected, host, port)
        if code:
            raise typer.Exit(code)
        return
    if selected.is_async:
        with tempfile.TemporaryDirectory(prefix="cortex-serve-") as temp:
            work = Path(temp)
            code = async_serving.serve_async(
                loaded,
                selected,
                host=host,
                port=port,
                work=work,
                environment=pod_environment,
                base=dict(os.environ),
            )
        if code:
            raise typer.Exit(code)
        return
    with tempfile.TemporaryDirectory(prefix="cortex-serve-") as temp:
        environment = pod_environment(loaded, selected, Path(temp), port)
        output.echo(
            f"serving {selected.name} on http://{host}:{port}/ (also {selected.endpoint}); "
            "Ctrl-C drains and stops",
            err=True,
        )
        command = [sys.executable, "-m", "runtime.main", "serve", "--host", host]
        if is_job(selected):
            # The job gateway with an in-process queue and runner (runtime/local_jobs.py).
            command = [
                sys.executable,
                "-m",
                "runtime.main",
                GATEWAY_MODE,
                "--local",
                "--host",
                host,
            ]
        readable = log_format is LogFormat.human or (
            log_format is LogFormat.auto and sys.stdout.isatty()
        )
        code = _run(command, {**os.environ, **environment}, readable=readable)
    if code:
        raise typer.Exit(code)


def _serve_split(spec: Spec, splitter: TrafficSplitter, host: str, port: int) -> int:
    """Each API of the split on `port + 1`, `port + 2`, ..., and the split on `port`."""
    apis = [_servable(spec.api(t.name)) for t in splitter.apis]
    targets = {
        t.name: split_proxy.Target(t.name, port + 1 + index, t.weight)
        for index, t in enumerate(splitter.apis)
    }
    shadow = splitter.shadow
    split = split_proxy.Split(
        splitter.endpoint,
        [targets[t.name] for t in splitter.primaries],
        targets[shadow.name] if shadow is not None else None,
    )
    children: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="cortex-serve-") as temp:
        environments = []
        for api in apis:
            work = Path(temp) / api.name
            work.mkdir()
            environments.append(pod_environment(spec, api, work, targets[api.name].port))
        command = [sys.executable, "-m", "runtime.main", "serve", "--host", "127.0.0.1"]
        for environment in environments:
            # Own process groups: Ctrl-C reaches this process, which drains each in turn.
            children.append(
                subprocess.Popen(command, env={**os.environ, **environment}, process_group=0)  # noqa: S603
            )
        proxy = split_proxy.server(split, host, port)
        shares = ", ".join(f"{t.name} {t.weight}%" for t in splitter.primaries)
        mirror = f"; shadow {shadow.name} gets {shadow.weight}%" if shadow is not None else ""
        output.echo(
            f"serving {splitter.name} on http://{host}:{port}/ (also {splitter.endpoint}): "
            f"{shares}{mirror}; Ctrl-C drains and stops",
            err=True,
        )
        previous = signal.signal(signal.SIGTERM, lambda *_: _interrupt())
        try:
            proxy.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            proxy.server_close()
            for child in children:
                child.send_signal(signal.SIGINT)
            codes = [child.wait() for child in children]
    return next((c if c >= 0 else 128 - c for c in codes if c), 0)


def _interrupt() -> None:
    raise KeyboardInterrupt


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
