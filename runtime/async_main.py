"""The AsyncAPI modes of `cortex-runtime`: `async-gateway`, `async-worker`, `async-local`.

In the cluster the gateway and the workers find the API's queue and bucket in their
environment (`contract.ENV_ASYNC_*`, set by infra/serving/async_api.py) and use boto3's
standard chain (their IRSA roles). `async-local` is `cortex-infra serve`'s: the gateway
and the workers in one process around an in-process queue and store, posting to the
predictor's runtime on `CORTEX_UPSTREAM_PORT`.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Mapping

import uvicorn

from runtime import aws_clients, contract
from runtime.async_gateway import Gateway
from runtime.async_queue import MemoryQueue, Queue, SqsQueue
from runtime.async_store import Requests
from runtime.async_worker import Worker, start, wait_stopped
from runtime.journal import Journal
from runtime.object_store import MemoryStore, S3Store
from runtime.settings import positive_int, required


def aws_parts(environ: Mapping[str, str]) -> tuple[Queue, Requests]:
    region = environ.get(contract.ENV_ASYNC_REGION) or None
    queue = SqsQueue(
        required(environ, contract.ENV_ASYNC_QUEUE_URL), aws_clients.client("sqs", region)
    )
    store = S3Store(required(environ, contract.ENV_ASYNC_BUCKET), aws_clients.client("s3", region))
    return queue, Requests(store, required(environ, contract.ENV_ASYNC_PREFIX))


def worker_of(
    environ: Mapping[str, str], queue: Queue, requests: Requests, journal: Journal
) -> Worker:
    def log(event: str, **fields: object) -> None:
        journal.event_from_thread(event, "INFO", **fields)

    return Worker(
        queue,
        requests,
        positive_int(environ, contract.ENV_PORT, contract.DEFAULT_PORT),
        max_receive_count=positive_int(
            environ, contract.ENV_ASYNC_MAX_RECEIVE_COUNT, contract.ASYNC_MAX_RECEIVE_COUNT
        ),
        ready_path=environ.get(contract.ENV_ASYNC_READY_PATH) or None,
        log=log,
    )


def _server(app: Gateway, host: str, port: int, environ: Mapping[str, str]) -> uvicorn.Server:
    keep_alive = positive_int(
        environ, contract.ENV_KEEP_ALIVE_SECONDS, contract.DEFAULT_KEEP_ALIVE_SECONDS
    )
    return uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="off",
            access_log=False,
            log_config=None,
            server_header=False,
            limit_concurrency=contract.DEFAULT_MAX_CONNECTIONS,
            timeout_keep_alive=keep_alive,
            timeout_graceful_shutdown=contract.DRAIN_SECONDS,
        )
    )


def _run_server(server: uvicorn.Server) -> None:
    """uvicorn drains on SIGINT and SIGTERM, then re-raises the interrupt: a drained stop is
    a clean exit."""
    with contextlib.suppress(KeyboardInterrupt):
        server.run()


def gateway_of(environ: Mapping[str, str], queue: Queue, requests: Requests) -> Gateway:
    max_body = positive_int(environ, contract.ENV_MAX_BODY_BYTES, contract.DEFAULT_MAX_BODY_BYTES)
    return Gateway(queue, requests, environ.get(contract.ENV_ENDPOINT, "/"), max_body)


def run_gateway(host: str, environ: Mapping[str, str], journal: Journal) -> int:
    queue, requests = aws_parts(environ)
    port = positive_int(environ, contract.ENV_PORT, contract.GATEWAY_PORT)
    journal.event("async_gateway_started", port=port)
    _run_server(_server(gateway_of(environ, queue, requests), host, port, environ))
    return 0


def run_worker(environ: Mapping[str, str], journal: Journal) -> int:
    queue, requests = aws_parts(environ)
    worker = worker_of(environ, queue, requests, journal)
    stop = threading.Event()
    # SIGTERM: take no new message, finish the ones held, within the drain period.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    count = positive_int(environ, contract.ENV_ASYNC_WORKERS, 1)
    threads = start(worker, count, stop)
    journal.event("async_worker_started", workers=count)
    stop.wait()
    wait_stopped(threads, contract.DRAIN_SECONDS)
    return 0


def run_local(host: str, environ: Mapping[str, str], journal: Journal) -> int:
    """Gateway on CORTEX_PORT, workers posting to CORTEX_UPSTREAM_PORT, one process."""
    queue = MemoryQueue(
        positive_int(
            environ, contract.ENV_ASYNC_MAX_RECEIVE_COUNT, contract.ASYNC_MAX_RECEIVE_COUNT
        )
    )
    requests = Requests(MemoryStore(), "")
    upstream = {**environ, contract.ENV_PORT: required(environ, contract.ENV_UPSTREAM_PORT)}
    worker = worker_of(upstream, queue, requests, journal)
    worker.wait_seconds = 1
    stop = threading.Event()
    threads = start(worker, positive_int(environ, contract.ENV_ASYNC_WORKERS, 1), stop)
    port = positive_int(environ, contract.ENV_PORT, contract.LOCAL_PORT)
    try:
        _run_server(_server(gateway_of(environ, queue, requests), host, port, environ))
    finally:
        stop.set()
        wait_stopped(threads, contract.DRAIN_SECONDS)
    return 0
