"""The job kinds' contract (BatchAPI, TaskAPI): names and numbers shared by the Pulumi
program (which scopes IAM and RBAC to them) and the runtime (which uses them).

Standard library only, like runtime/contract.py: the spec package, the program and the
image import it. docs/serving.md, "Jobs", describes the whole flow.
"""

from __future__ import annotations

import hashlib
from typing import Final

# Modes of the runtime image (runtime/main.py).
GATEWAY_MODE: Final = "job-gateway"
BATCH_WORKER_MODE: Final = "batch-worker"
TASK_MODE: Final = "task"

# The gateway's port in its pod, and the router's upstream port for it.
GATEWAY_PORT: Final = 8080
# Two gateway pods: one may be evicted or rolled while the other takes submissions (the
# state is in S3 and SQS).
GATEWAY_REPLICAS: Final = 2

# Environment of the gateway and of a job's pods.
ENV_JOB_ID: Final = "CORTEX_JOB_ID"
ENV_QUEUE_URL: Final = "CORTEX_JOB_QUEUE_URL"
ENV_STATE_BUCKET: Final = "CORTEX_JOB_BUCKET"
ENV_STATE_PREFIX: Final = "CORTEX_JOB_PREFIX"
ENV_QUEUE_PREFIX: Final = "CORTEX_JOB_QUEUE_PREFIX"
ENV_NAMESPACE: Final = "CORTEX_JOB_NAMESPACE"
ENV_TEMPLATE_PATH: Final = "CORTEX_JOB_TEMPLATE"
ENV_KUBE_API: Final = "CORTEX_KUBE_API"
ENV_REGION: Final = "AWS_REGION"

# The Job template the gateway instantiates, mounted from its ConfigMap.
TEMPLATE_MOUNT_DIR: Final = "/cortex/job-template"
TEMPLATE_FILE_NAME: Final = "job.json"
TEMPLATE_PATH: Final = f"{TEMPLATE_MOUNT_DIR}/{TEMPLATE_FILE_NAME}"
# A job's spec reaches its pods as this annotation, projected (downward API) beside the API's
# spec file as /cortex/spec/job.json, where Cortex put it (docs/workloads/batch/containers.md).
JOB_SPEC_ANNOTATION: Final = "cortex.dev/job-spec"
JOB_SPEC_FILE_NAME: Final = "job.json"
# Labels of every Job and pod of one API's jobs: the gateway lists and deletes by them.
API_LABEL: Final = "cortex.dev/api"
JOB_ID_LABEL: Final = "cortex.dev/job-id"

# SQS: one standard queue per job. An SQS message holds at most 256 KiB (Cortex's batch
# limit, docs/workloads/batch/jobs.md); a submission at most 10 MiB.
MAX_BATCH_BYTES: Final = 256 * 2**10
MAX_SUBMISSION_BYTES: Final = 10 * 2**20
# Kubernetes keeps all of an object's annotations within 256 KiB (TotalAnnotationSizeLimitB,
# apimachinery validation); the job spec travels as one, with room for the others.
MAX_JOB_SPEC_BYTES: Final = 200 * 2**10
JOB_ID_HEX: Final = 16
# Kubernetes' Job name is a label value (`job-name`): at most 63 characters; an API name
# (at most 42) + "-" + the id (16) fits.
MAX_WORKERS: Final = 1000
# Seconds a batch stays invisible to other workers while one works on it (renewed while
# the work lasts), and how long a worker waits for one.
VISIBILITY_SECONDS: Final = 60
RECEIVE_WAIT_SECONDS: Final = 10


def cluster_hash(cluster_name: str) -> str:
    """Eight hex digits naming the cluster in queue names (SQS names are per account and
    region, and two stacks may have APIs of one name)."""
    return hashlib.sha256(cluster_name.encode()).hexdigest()[:8]


def queue_prefix(cluster_name: str, api_name: str) -> str:
    """Every queue of one API's jobs starts with this. Underscores cannot be in an API name
    (DNS-1035), so the prefix of API `a` never matches API `a-b`'s queues: the IAM policy
    `<prefix>*` is this API's alone. At most 3 + 8 + 1 + 42 + 1 = 55 characters."""
    return f"cx_{cluster_hash(cluster_name)}_{api_name}_"


def queue_name(prefix: str, job_id: str) -> str:
    """At most 55 + 16 = 71 characters (SQS allows 80)."""
    return f"{prefix}{job_id}"


def state_prefix(api_name: str) -> str:
    """The S3 prefix of one API's job records, in the stack's bucket; ends with `/` so API
    `a`'s prefix never matches API `a-b`'s."""
    return f"jobs/{api_name}/"


def gateway_name(api: str) -> str:
    """The gateway's Deployment, Services, ServiceAccount, Role and the router's upstream;
    its prefix is neither `api-` nor `pods-` nor `gateway-` (an AsyncAPI's), so no name of
    another API can collide with it."""
    return f"jobs-{api}"


def job_name(api_name: str, job_id: str) -> str:
    return f"{api_name}-{job_id}"
