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
METRICS_PATH: Final = "/metrics"
IN_FLIGHT_METRIC: Final = "cortex_in_flight_requests"
REQUESTS_METRIC: Final = "cortex_requests_total"
LATENCY_METRIC: Final = "cortex_request_duration_seconds"

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
RESERVED_ENV_PREFIXES: Final = ("CORTEX_", "KUBEXIT_")

# Where things are mounted inside the pod.
SPEC_MOUNT_DIR: Final = "/cortex/spec"
SPEC_FILE_NAME: Final = "api.json"
PROJECT_DIR: Final = "/mnt/project"

# The proxy sidecar's requests, counted in the compute-fit check (Cortex: 100m / 100Mi).
PROXY_CPU_MILLIS: Final = 100
PROXY_MEMORY_MIB: Final = 100
PROXY_CONTAINER_NAME: Final = "proxy"
API_CONTAINER_NAME: Final = "api"
RESERVED_CONTAINER_NAMES: Final = (PROXY_CONTAINER_NAME, "dequeuer")

# Shutdown: Kubernetes waits this long after SIGTERM (Cortex used 60 s). A preStop pause
# first lets the load balancer stop sending new requests to the pod (the controller
# deregisters its IP when termination starts); then SIGTERM, and the runtime stops
# accepting and finishes in-flight work within DRAIN_SECONDS. 10 + 45 fits within 60.
TERMINATION_GRACE_SECONDS: Final = 60
PRE_STOP_SECONDS: Final = 10
DRAIN_SECONDS: Final = 45

# Idle keep-alive of client connections. It must outlast the load balancer's idle timeout,
# or the load balancer may send a request on a connection the server is closing and answer
# 502 ("configure the idle timeout of your application to be larger than the idle timeout
# configured for the load balancer", Elastic Load Balancing user guide). The infrastructure
# sets it from the load balancer's timeout; the default covers the ALB default of 60 s.
ENV_KEEP_ALIVE_SECONDS: Final = "CORTEX_KEEP_ALIVE_SECONDS"
DEFAULT_KEEP_ALIVE_SECONDS: Final = 75
KEEP_ALIVE_MARGIN_SECONDS: Final = 15

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
