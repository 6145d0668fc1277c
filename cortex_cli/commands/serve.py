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
as a local zip, and `cortex-runtime serve` runs in a child process until Ctrl-C, which
drains it.

It installs nothing: the pod's image has the API's `requirements.txt` installed (the stack
builds it), this machine may not. So before starting, every distribution the file asks for
must be installed in the interpreter that runs cortex-infra, or serve says which are
missing and how to install them, instead of failing on the predictor's first import.
"""

from __future__ import annotations

import importlib.metadata
import json
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
from cortex_cli.log_lines import human
from cortex_cli.options import ClusterConfigOpt, EnvOpt, LogFormat, LogFormatOpt, SpecArg
from cortex_spec import Problem, Spec, SpecError
from cortex_spec.api_bundles import build_api_bundle, bundle_root
from cortex_spec.api_dependencies import SCRIPT, read_dependencies, required_distributions
from cortex_spec.errors import Location
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.job_apis import is_job
from cortex_spec.models.traffic_splitter import TrafficSplitter
from cortex_spec.serving_env import api_spec_document, serving_environment
from runtime import contract
from runtime.bundle import Bundle, BundleError
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


def _installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _check_requirements(spec: Spec, api: WorkloadAPI, bundle: Bundle) -> None:
    """Refuse to start while a distribution of the API's requirements.txt is missing here."""
    assert api.predictor is not None
    dependencies = read_dependencies(api.name, bundle, bundle_root(api.predictor).as_posix())
    if dependencies.has_script:
        output.echo(
            f"note: {dependencies.where(SCRIPT)} is not run here; it runs (as root) when the "
            "stack builds the API's image",
            err=True,
        )
    missing = [item for item in required_distributions(dependencies) if not _installed(item[2])]
    if not missing:
        return
    first_file, first_line, _ = missing[0]
    names = ", ".join(dict.fromkeys(name for _, _, name in missing))
    requirements = spec.project_dir / dependencies.where("requirements.txt")
    raise SpecError(
        [
            Problem(
                Location(dependencies.where(first_file), first_line, 1),
                f"apis[{api.name}]",
                f"not installed where cortex-infra runs ({sys.executable}): {names}; the "
                "predictor would fail on its first import",
                f"install them into this environment first: {sys.executable} -m pip install "
                f"-r {requirements} (the API's image has them installed by the stack)",
            )
        ]
    )


def _environment(spec: Spec, api: WorkloadAPI, work: Path, port: int) -> dict[str, str]:
    try:
        bundle = build_api_bundle(spec, api)
    except BundleError as error:
        raise SpecError(
            [Problem(None, f"apis[{api.name}]", f"cannot bundle its code: {error}", None)]
        ) from None
    _check_requirements(spec, api, bundle)
    location = work / "bundle.zip"
    location.write_bytes(bundle.data)
    spec_path = work / contract.SPEC_FILE_NAME
    document = api_spec_document(api, spec, bundle_uri=str(location), bundle_sha256=bundle.sha256)
    spec_path.write_text(json.dumps(document, indent=2))
    env = serving_environment(api, spec, bundle_uri=str(location), bundle_sha256=bundle.sha256)
    # The pod's paths and port, moved to this machine; everything else as deployed.
    env[contract.ENV_API_SPEC_PATH] = str(spec_path)
    env[contract.ENV_PROJECT_DIR] = str(work / "project")
    env[contract.ENV_PORT] = str(port)
    return env


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
                environment=_environment,
                base=dict(os.environ),
            )
        if code:
            raise typer.Exit(code)
        return
    with tempfile.TemporaryDirectory(prefix="cortex-serve-") as temp:
        environment = _environment(loaded, selected, Path(temp), port)
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
            environments.append(_environment(spec, api, work, targets[api.name].port))
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
