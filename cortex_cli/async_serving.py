"""`cortex-infra serve` of an AsyncAPI: the predictor's runtime on the port after `--port`,
and on `--port` the gateway and the workers in one process around an in-process queue
(`cortex-runtime async-local`), with the cluster's semantics: `POST` answers an id,
`GET <endpoint>/<id>` the status and, once completed, the result."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from cortex_cli import output
from cortex_spec import Spec
from cortex_spec.models.api import WorkloadAPI
from runtime import contract

Environment = Callable[[Spec, WorkloadAPI, Path, int], dict[str, str]]


def local_environment(api: WorkloadAPI, port: int, upstream_port: int) -> dict[str, str]:
    """What `async-local` reads: where it listens, where the predictor is, how many workers."""
    return {
        contract.ENV_API_NAME: api.name,
        contract.ENV_ENDPOINT: api.endpoint,
        contract.ENV_PORT: str(port),
        contract.ENV_UPSTREAM_PORT: str(upstream_port),
        contract.ENV_ASYNC_WORKERS: str(api.max_concurrency),
        contract.ENV_ASYNC_READY_PATH: contract.HEALTH_PATH,
    }


def serve_async(
    spec: Spec,
    api: WorkloadAPI,
    *,
    host: str,
    port: int,
    work: Path,
    environment: Environment,
    base: dict[str, str],
) -> int:
    upstream_port = port + 1
    predictor = subprocess.Popen(
        [sys.executable, "-m", "runtime.main", "serve", "--host", "127.0.0.1"],
        env={**base, **environment(spec, api, work, upstream_port)},
        process_group=0,
    )
    gateway = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "runtime.main", "async-local", "--host", host],
        env={**base, **local_environment(api, port, upstream_port)},
        process_group=0,
    )
    output.echo(
        f"serving {api.name} (AsyncAPI) on http://{host}:{port}{api.endpoint}: POST queues "
        f"and answers an id, GET {api.endpoint.rstrip('/')}/<id> the status and result; "
        f"the predictor on port {upstream_port}; Ctrl-C drains and stops",
        err=True,
    )
    children = (gateway, predictor)
    previous = signal.signal(signal.SIGTERM, lambda *_: _interrupt())
    try:
        while True:
            try:
                gateway.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if predictor.poll() is not None:
                    gateway.send_signal(signal.SIGINT)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        codes = [child.wait() for child in children]
    return next((c if c >= 0 else 128 - c for c in codes if c), 0)


def _interrupt() -> None:
    raise KeyboardInterrupt
