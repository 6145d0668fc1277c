"""The runtime contract's names and numbers, in one place (see docs/runtime-contract.md).

Standard library only: the spec validator, the Pulumi program and the serving image all
import this module, so what the infrastructure sets is what the runtime reads.
"""

from __future__ import annotations

from typing import Final

CONTRACT_VERSION: Final = "1"

# Ports. The serving container listens on CORTEX_PORT (pod.port, default 8080). In the
# container form a proxy sidecar takes requests on PROXY_PORT and exposes its own health
# and metrics on ADMIN_PORT; users may not claim either (Cortex reserved the same two).
DEFAULT_PORT: Final = 8080
PROXY_PORT: Final = 8888
ADMIN_PORT: Final = 15000
RESERVED_PORTS: Final = (PROXY_PORT, ADMIN_PORT)
# `cortex-infra serve` listens where the API's Service takes traffic in the cluster.
LOCAL_PORT: Final = PROXY_PORT

# HTTP surface every serving endpoint provides.
PREDICT_PATH: Final = "/"
HEALTH_PATH: Final = "/healthz"
# Liveness: 200 while the replica can still serve (loading included), 503 once it cannot
# (every prediction thread stuck, a worker process that could not be replaced). Served on
# the event loop, so a blocked loop does not answer at all and the probe times out.
LIVENESS_PATH: Final = "/livez"
METRICS_PATH: Final = "/metrics"
IN_FLIGHT_METRIC: Final = "cortex_in_flight_requests"
REQUESTS_METRIC: Final = "cortex_requests_total"
LATENCY_METRIC: Final = "cortex_request_duration_seconds"
STUCK_METRIC: Final = "cortex_stuck_predictions"

# Environment variables the infrastructure sets on serving containers.
ENV_CONTRACT_VERSION: Final = "CORTEX_CONTRACT_VERSION"
ENV_API_NAME: Final = "CORTEX_API_NAME"
ENV_API_KIND: Final = "CORTEX_API_KIND"
ENV_PORT: Final = "CORTEX_PORT"
ENV_ENDPOINT: Final = "CORTEX_ENDPOINT"
ENV_API_SPEC_PATH: Final = "CORTEX_API_SPEC_PATH"
ENV_PROJECT_BUNDLE: Final = "CORTEX_PROJECT_BUNDLE"
ENV_PROJECT_SHA256: Final = "CORTEX_PROJECT_SHA256"
ENV_PROJECT_DIR: Final = "CORTEX_PROJECT_DIR"
ENV_MAX_CONCURRENCY: Final = "CORTEX_MAX_CONCURRENCY"
ENV_MAX_QUEUE_LENGTH: Final = "CORTEX_MAX_QUEUE_LENGTH"
ENV_PROCESSES: Final = "CORTEX_PROCESSES_PER_REPLICA"
ENV_THREADS: Final = "CORTEX_THREADS_PER_PROCESS"
ENV_UPSTREAM_PORT: Final = "CORTEX_UPSTREAM_PORT"
ENV_DRAIN_SECONDS: Final = "CORTEX_DRAIN_SECONDS"
ENV_LOG_LEVEL: Final = "CORTEX_LOG_LEVEL"
ENV_MAX_BODY_BYTES: Final = "CORTEX_MAX_BODY_BYTES"
ENV_REQUEST_TIMEOUT_SECONDS: Final = "CORTEX_REQUEST_TIMEOUT_SECONDS"
ENV_HEADER_TIMEOUT_SECONDS: Final = "CORTEX_HEADER_TIMEOUT_SECONDS"
ENV_BODY_TIMEOUT_SECONDS: Final = "CORTEX_BODY_TIMEOUT_SECONDS"
ENV_MAX_CONNECTIONS: Final = "CORTEX_MAX_CONNECTIONS"
# Secrets (see "Secrets" in docs/runtime-contract.md): predictor-form config values held back
# from the spec file as a JSON object {JSON pointer: value}, and, in the container form, the
# folder where a user container finds the resolved values of its `secret:` variables.
ENV_SECRET_CONFIG: Final = "CORTEX_SECRET_CONFIG"  # noqa: S105 - a variable's name
ENV_SECRETS_DIR: Final = "CORTEX_SECRETS_DIR"
RESERVED_ENV_PREFIXES: Final = ("CORTEX_", "KUBEXIT_")

# Where things are mounted inside the pod.
SPEC_MOUNT_DIR: Final = "/cortex/spec"
SPEC_FILE_NAME: Final = "api.json"
PROJECT_DIR: Final = "/mnt/project"
SECRETS_DIR: Final = "/cortex/secrets"

# A sidecar's requests (the container form's proxy, an AsyncAPI's dequeuer), counted in the
# compute-fit check: Cortex requested 100m / 100Mi for each (cortex-spec.md §6, §8).
SIDECAR_CPU_MILLIS: Final = 100
SIDECAR_MEMORY_MIB: Final = 100
PROXY_CPU_MILLIS: Final = SIDECAR_CPU_MILLIS
PROXY_MEMORY_MIB: Final = SIDECAR_MEMORY_MIB
PROXY_CONTAINER_NAME: Final = "proxy"
DEQUEUER_CONTAINER_NAME: Final = "dequeuer"
API_CONTAINER_NAME: Final = "api"
# The container form's init container that resolves `secret:` variables.
SECRETS_CONTAINER_NAME: Final = "cortex-secrets"
RESERVED_CONTAINER_NAMES: Final = (
    PROXY_CONTAINER_NAME,
    DEQUEUER_CONTAINER_NAME,
    SECRETS_CONTAINER_NAME,
)

# Shutdown: Kubernetes waits this long after SIGTERM (Cortex used 60 s). A preStop pause
# first lets the load balancer stop sending new requests to the pod (the controller
# deregisters its IP when termination starts); then SIGTERM, and the runtime stops
# accepting and finishes in-flight work within DRAIN_SECONDS. 10 + 45 fits within 60.
TERMINATION_GRACE_SECONDS: Final = 60
PRE_STOP_SECONDS: Final = 10
DRAIN_SECONDS: Final = 45
# At DRAIN_SECONDS after SIGTERM the runtime answers what is still running or queued with
# 503 and stops; whatever still holds the process then (a prediction hung on the event
# loop, a thread that never returns) is cut by a watchdog thread EXIT_MARGIN_SECONDS later,
# before the kubelet's SIGKILL at the end of the grace period: 10 + 45 + 3 < 60.
EXIT_MARGIN_SECONDS: Final = 3

# Idle keep-alive of client connections. It must outlast the load balancer's idle timeout,
# or the load balancer may send a request on a connection the server is closing and answer
# 502 ("configure the idle timeout of your application to be larger than the idle timeout
# configured for the load balancer", Elastic Load Balancing user guide). The infrastructure
# sets it from the load balancer's timeout; the default covers the ALB default of 60 s.
ENV_KEEP_ALIVE_SECONDS: Final = "CORTEX_KEEP_ALIVE_SECONDS"
DEFAULT_KEEP_ALIVE_SECONDS: Final = 75
KEEP_ALIVE_MARGIN_SECONDS: Final = 15

# A prediction still running REQUEST_TIMEOUT seconds after it was handed to a thread or a
# worker process is answered 504. The infrastructure passes the load balancer's idle
# timeout, which the router also uses as its route timeout (infra/serving/timeouts.py):
# past it the client has had its 504 from them. The default is the ALB's default idle
# timeout (60 s, Elastic Load Balancing user guide).
DEFAULT_REQUEST_TIMEOUT_SECONDS: Final = DEFAULT_KEEP_ALIVE_SECONDS - KEEP_ALIVE_MARGIN_SECONDS

# Slow clients (docs/runtime-contract.md, "Limits"). A request's headers must be complete
# HEADER_TIMEOUT seconds after its first byte (or after the connection opened); its body
# may take BODY_TIMEOUT seconds plus one second per BODY_MIN_RATE bytes received, so a
# client must keep sending at BODY_MIN_RATE on average, with BODY_TIMEOUT of slack. The
# router sends a request's headers at once; a client that trickles them, or a body at a
# few bytes per second, only holds a connection (and, for a body, an admitted place).
DEFAULT_HEADER_TIMEOUT_SECONDS: Final = 10
DEFAULT_BODY_TIMEOUT_SECONDS: Final = 30
BODY_MIN_RATE: Final = 16 * 2**10  # bytes per second, 128 kbit/s
# A request head larger than this is refused (431): the ALB's own quota for a whole
# request header is 64 KB ("Quotas for your Application Load Balancers").
MAX_HEADER_BYTES: Final = 64 * 2**10

# Open client connections per replica. Beyond it uvicorn answers 503 (its documented
# `limit_concurrency`); requests are limited by max_concurrency + max_queue_length long
# before, so the cap only binds when connections are opened and left idle or slow.
DEFAULT_MAX_CONNECTIONS: Final = 1000

# Request bodies. A replica reads the whole body of each request it admits before the
# request waits for a running place, so up to max_concurrency + max_queue_length bodies
# are in memory at once, each about twice its size while it is read (the received parts,
# then the joined bytes). Half of the container's memory is kept for the model, the
# runtime and decoded payloads: max body = memory / (4 * (concurrency + queue)), between
# MIN_BODY_BYTES and MAX_BODY_BYTES_CAP. DEFAULT_MAX_BODY_BYTES applies when no memory
# limit is set (the pod may use the node's memory) or the runtime is started by hand.
DEFAULT_MAX_BODY_BYTES: Final = 8 * 2**20
MIN_BODY_BYTES: Final = 2**20
MAX_BODY_BYTES_CAP: Final = 64 * 2**20


def max_body_bytes(memory_bytes: int | None, capacity: int) -> int:
    """The body limit of a container with `memory_bytes` of memory admitting `capacity`
    requests (max_concurrency + max_queue_length); see above."""
    if memory_bytes is None:
        return DEFAULT_MAX_BODY_BYTES
    share = memory_bytes // (4 * max(capacity, 1))
    return max(MIN_BODY_BYTES, min(MAX_BODY_BYTES_CAP, share // 1024 * 1024))


def request_timeout_seconds(keep_alive_seconds: int) -> int:
    """The request timeout that goes with a keep-alive set from a load balancer's idle
    timeout (keep-alive = idle timeout + KEEP_ALIVE_MARGIN_SECONDS)."""
    return max(1, keep_alive_seconds - KEEP_ALIVE_MARGIN_SECONDS)


# Values the infrastructure writes and the runtime answers with.
LOG_LEVEL: Final = "INFO"
SPEC_PATH: Final = f"{SPEC_MOUNT_DIR}/{SPEC_FILE_NAME}"
OVERLOADED_ERROR: Final = "overloaded"

# The project bundle's format (see "The project bundle" in docs/runtime-contract.md).
BUNDLE_IGNORE_FILE: Final = ".cortexignore"
# Never in a bundle: version control, environments, caches, and what only the repository
# needs (its tests, CI workflows and Pulumi project and stack files).
BUNDLE_DEFAULT_EXCLUDES: Final = (
    ".git/",
    ".venv/",
    "__pycache__/",
    "*.pyc",
    "tests/",
    ".github/",
    "Pulumi*.yaml",
    "Pulumi*.yml",
)
BUNDLE_DATE_TIME: Final = (1980, 1, 1, 0, 0, 0)
BUNDLE_FILE_MODE: Final = 0o644
BUNDLE_EXECUTABLE_MODE: Final = 0o755
BUNDLE_COMPRESS_LEVEL: Final = 6

# AsyncAPI (docs/serving.md, "AsyncAPI"): the gateway takes requests on GATEWAY_PORT; the
# worker sidecar (`dequeuer`, Cortex's name) reads the queue and posts each payload to the
# serving container on CORTEX_PORT. Per request, under the API's prefix of the async
# bucket: `<id>/payload`, `<id>/status` (one of ASYNC_STATUSES), `<id>/result.json`.
GATEWAY_PORT: Final = PROXY_PORT
ENV_ASYNC_QUEUE_URL: Final = "CORTEX_ASYNC_QUEUE_URL"
ENV_ASYNC_BUCKET: Final = "CORTEX_ASYNC_BUCKET"
ENV_ASYNC_PREFIX: Final = "CORTEX_ASYNC_PREFIX"
ENV_ASYNC_REGION: Final = "CORTEX_ASYNC_REGION"
ENV_ASYNC_WORKERS: Final = "CORTEX_ASYNC_WORKERS"
ENV_ASYNC_MAX_RECEIVE_COUNT: Final = "CORTEX_ASYNC_MAX_RECEIVE_COUNT"
ENV_ASYNC_READY_PATH: Final = "CORTEX_ASYNC_READY_PATH"
ASYNC_STATUSES: Final = ("in_queue", "in_progress", "completed", "failed")
# A message is handed to a worker this many times before SQS moves it to the dead-letter
# queue; each failed attempt is retried at once (its visibility reset to 0).
ASYNC_MAX_RECEIVE_COUNT: Final = 3
# While a worker holds a message, it extends the message's visibility by this much every
# half of it, so a long prediction is never handed to a second worker.
ASYNC_VISIBILITY_SECONDS: Final = 60
# How long one queued prediction may run: the serving container's request timeout and the
# worker's wait. No load balancer is in the way (the worker posts on localhost) and the
# worker keeps the message hidden meanwhile; an hour bounds a hung prediction.
ASYNC_PREDICTION_SECONDS: Final = 3600
# SQS long polling: the longest wait ReceiveMessage allows (SQS developer guide).
ASYNC_WAIT_SECONDS: Final = 20
# Cortex kept results 7 days (docs/workloads/async/async.md, v0.42); the bucket's
# lifecycle rule expires every request's objects after as long.
ASYNC_RESULT_DAYS: Final = 7
