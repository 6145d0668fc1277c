"""The job kinds' runtime modes (`cortex-runtime job-gateway | batch-worker | task`),
wired from the environment the stack (or `cortex-infra serve`) sets.

Exit codes: 0 done, 1 the user's code failed (a task that raised, a worker whose predictor
could not load), 2 a bad environment.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runtime import aws_clients, bundle, contract, job_contract, job_handlers
from runtime.batch_worker import WorkerPlace, http_handler, wait_for_port, work
from runtime.job_gateway import JobBackend, JobGateway
from runtime.journal import Journal
from runtime.settings import SettingsError, read_predictor, required

EXIT_FAILED = 1
EXIT_BAD_ENVIRONMENT = 2
# How long a container-form worker waits for the user's server to listen.
STARTUP_SECONDS = 600.0


def _spec_path(environ: Mapping[str, str]) -> Path:
    return Path(environ.get(contract.ENV_API_SPEC_PATH) or contract.SPEC_PATH)


def _api_document(environ: Mapping[str, str]) -> dict[str, Any]:
    try:
        document = json.loads(_spec_path(environ).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"cannot read the API spec: {error}") from None
    api: dict[str, Any] = document.get("api") or {}
    return api


def _install_bundle(environ: Mapping[str, str]) -> Path:
    project = Path(environ.get(contract.ENV_PROJECT_DIR) or contract.PROJECT_DIR)
    bundle.install(
        required(environ, contract.ENV_PROJECT_BUNDLE),
        required(environ, contract.ENV_PROJECT_SHA256),
        project,
    )
    return project


def _aws(service: str, environ: Mapping[str, str]) -> Any:
    return aws_clients.client(service, environ.get(job_contract.ENV_REGION))


def _backend(environ: Mapping[str, str], local: bool, journal: Journal) -> JobBackend:
    name = required(environ, contract.ENV_API_NAME)
    if local:
        from runtime.local_jobs import LocalJobs  # noqa: PLC0415

        return LocalJobs(_install_bundle(environ), read_predictor(_spec_path(environ)), journal)
    from runtime.cluster_jobs import ClusterJobs, Place  # noqa: PLC0415
    from runtime.kube_client import KubeClient  # noqa: PLC0415

    template_path = Path(environ.get(job_contract.ENV_TEMPLATE_PATH) or job_contract.TEMPLATE_PATH)
    try:
        template = json.loads(template_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"cannot read the Job template {template_path}: {error}") from None
    place = Place(
        api_name=name,
        bucket=required(environ, job_contract.ENV_STATE_BUCKET),
        prefix=required(environ, job_contract.ENV_STATE_PREFIX),
        queue_prefix=required(environ, job_contract.ENV_QUEUE_PREFIX),
        namespace=required(environ, job_contract.ENV_NAMESPACE),
    )
    kube = KubeClient.from_environment(environ)
    return ClusterJobs(
        place,
        template,
        sqs=_aws("sqs", environ),
        s3=_aws("s3", environ),
        kube=kube,
        journal=journal,
    )


def gateway_app(environ: Mapping[str, str], local: bool, journal: Journal) -> JobGateway:
    name = required(environ, contract.ENV_API_NAME)
    kind = required(environ, contract.ENV_API_KIND)
    endpoint = environ.get(contract.ENV_ENDPOINT) or f"/{name}"
    backend = _backend(environ, local, journal)
    return JobGateway(
        name, kind, endpoint, api_spec=_api_document(environ), backend=backend, journal=journal
    )


def run_gateway(host: str, local: bool) -> int:
    import uvicorn  # noqa: PLC0415

    environ = dict(os.environ)
    journal = Journal(environ.get(contract.ENV_API_NAME, ""))
    try:
        app = gateway_app(environ, local, journal)
        port = int(environ.get(contract.ENV_PORT) or job_contract.GATEWAY_PORT)
    except (SettingsError, ValueError, KeyError) as error:
        journal.error("bad_environment", str(error))
        return EXIT_BAD_ENVIRONMENT
    except Exception as error:  # the bundle or the predictor could not be set up
        journal.error("gateway_load_failed", str(error))
        return EXIT_FAILED
    journal.event("started", port=port, mode=job_contract.GATEWAY_MODE)
    config = uvicorn.Config(app, host=host, port=port, lifespan="off", log_config=None)
    uvicorn.Server(config).run()
    return 0


def _job_spec(environ: Mapping[str, str]) -> dict[str, Any]:
    path = _spec_path(environ).parent / job_contract.JOB_SPEC_FILE_NAME
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"cannot read the job spec {path}: {error}") from None
    return document


def run_batch_worker() -> int:
    environ = dict(os.environ)
    journal = Journal(environ.get(contract.ENV_API_NAME, ""))
    try:
        job = _job_spec(environ)
        place = WorkerPlace(
            job_id=job["job_id"],
            queue_url=job["sqs_url"],
            bucket=required(environ, job_contract.ENV_STATE_BUCKET),
            prefix=required(environ, job_contract.ENV_STATE_PREFIX),
            retries=job.get("sqs_dead_letter_queue") is not None,
        )
    except (SettingsError, KeyError) as error:
        journal.error("bad_environment", str(error))
        return EXIT_BAD_ENVIRONMENT
    first = environ.get("JOB_COMPLETION_INDEX", "0") == "0"
    upstream = environ.get(contract.ENV_UPSTREAM_PORT)
    try:
        if upstream:
            wait_for_port(int(upstream), STARTUP_SECONDS)
            handle, complete = http_handler(int(upstream), place.job_id, STARTUP_SECONDS)
        else:
            predictor = read_predictor(_spec_path(environ))
            handler = job_handlers.load_batch(_install_bundle(environ), predictor, job)
            handle, complete = handler.handle, handler.complete
        succeeded, failed = work(_aws("sqs", environ), _aws("s3", environ), place, handle, journal)
        journal.event("worker_done", succeeded=succeeded, failed=failed)
        if first:
            complete()
    except Exception as error:
        journal.error("worker_failed", f"{type(error).__name__}: {error}")
        return EXIT_FAILED
    return 0


def run_task() -> int:
    environ = dict(os.environ)
    journal = Journal(environ.get(contract.ENV_API_NAME, ""))
    try:
        job = _job_spec(environ)
        predictor = read_predictor(_spec_path(environ))
        task = job_handlers.load_task(_install_bundle(environ), predictor)
        task(job_handlers.merged_config(predictor.config, job.get("config") or {}))
    except SettingsError as error:
        journal.error("bad_environment", str(error))
        return EXIT_BAD_ENVIRONMENT
    except Exception as error:
        journal.error("task_failed", f"{type(error).__name__}: {error}")
        return EXIT_FAILED
    journal.event("task_done")
    return 0


def run(mode: str, host: str, local: bool) -> None:
    if mode == job_contract.GATEWAY_MODE:
        sys.exit(run_gateway(host, local))
    sys.exit(run_batch_worker() if mode == job_contract.BATCH_WORKER_MODE else run_task())
