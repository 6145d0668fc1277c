"""The Kubernetes Job a job API's gateway instantiates per submission, and the gateway's pod.

Pure. The worker pod is the API's serving pod template (`pod_template.py`: placement,
resources, security context, IRSA service account, spec file), turned into a Job's pod:

- `restartPolicy: Never`, no serving port or probes on the runtime's container, which runs
  `cortex-runtime batch-worker` (or `task`) instead of `serve`;
- container form, BatchAPI: the user's containers become native sidecars (init containers
  with `restartPolicy: Always`, Kubernetes' sidecar containers, on by default since 1.29)
  and the runtime's `dequeuer` is the one main container, so the pod completes when the
  dequeuer has drained the queue (Cortex needed kubexit for this); TaskAPI: the user's
  containers as they are, without readiness probes (Cortex refused them for tasks);
- the spec volume is projected: the API's `api.json` from its ConfigMap, and `job.json`
  from the pod's `cortex.dev/job-spec` annotation (downward API), which the gateway sets.

The Job: `completionMode: Indexed` (worker 0 calls on_job_complete), `backoffLimit: 0`
(a worker that fails ends the job as a worker error, as in Cortex), finished Jobs kept 7
days (`ttlSecondsAfterFinished`) so the status can still read them. The gateway sets the
name, labels, `parallelism`/`completions` (the workers), `activeDeadlineSeconds` (timeout).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Final

from cortex_spec import Spec, naming
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.job_apis import JobAPI
from cortex_spec.node_profiles import NODE_GROUP_LABEL, SYSTEM_GROUP
from infra.serving import containers
from infra.serving.api_documents import Documents, spec_config_map_name, spec_hash
from infra.serving.literal_secrets import LiteralSecret
from infra.serving.pod_template import API_LABEL, PodInputs, pod_template
from runtime import contract, job_contract

Manifest = dict[str, Any]

FINISHED_JOB_TTL_SECONDS: Final = 7 * 24 * 3600
COMPONENT_LABEL: Final = "cortex.dev/component"
# cluster-autoscaler does not remove a node running a pod annotated so (its FAQ, "What
# types of pods can prevent CA from removing a node?"): a worker is never evicted mid-job by
# a scale-down, which with `backoffLimit: 0` would fail the job. A finished pod no longer
# holds its node.
SAFE_TO_EVICT: Final = "cluster-autoscaler.kubernetes.io/safe-to-evict"
GATEWAY_COMPONENT: Final = "job-gateway"
_SERVING_ONLY = ("ports", "readinessProbe", "livenessProbe", "lifecycle")


def job_spec_volume(config_map: str) -> Manifest:
    """api.json from the API's ConfigMap and job.json from the pod's annotation, in one
    folder (/cortex/spec), where the runtime and Cortex's containers read them."""
    return {
        "name": containers.SPEC_VOLUME,
        "projected": {
            "sources": [
                {
                    "configMap": {
                        "name": config_map,
                        "items": [
                            {"key": contract.SPEC_FILE_NAME, "path": contract.SPEC_FILE_NAME}
                        ],
                    }
                },
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": job_contract.JOB_SPEC_FILE_NAME,
                                "fieldRef": {
                                    "fieldPath": "metadata.annotations['"
                                    f"{job_contract.JOB_SPEC_ANNOTATION}']"
                                },
                            }
                        ]
                    }
                },
            ]
        },
    }


def _without(container: Manifest, fields: tuple[str, ...]) -> Manifest:
    return {k: v for k, v in container.items() if k not in fields}


def worker_pod(
    api: WorkloadAPI, pod: Manifest, config_map: str, job_env: list[Manifest]
) -> Manifest:
    """The API's pod template (`pod_template.pod_template`) as a job's worker pod."""
    pod = copy.deepcopy(pod)
    spec = pod["spec"]
    spec["restartPolicy"] = "Never"
    spec["volumes"] = [
        job_spec_volume(config_map) if v["name"] == containers.SPEC_VOLUME else v
        for v in spec["volumes"]
    ]
    batch = api.kind == "BatchAPI"
    mode = job_contract.BATCH_WORKER_MODE if batch else job_contract.TASK_MODE
    annotations = pod["metadata"].get("annotations", {})
    # Workers serve no metrics: Prometheus would scrape a port nothing listens on.
    pod["metadata"]["annotations"] = {
        **{k: v for k, v in annotations.items() if not k.startswith("prometheus.io/")},
        SAFE_TO_EVICT: "false",
    }
    if api.form == "predictor":
        [runtime] = spec["containers"]
        worker = _without(runtime, _SERVING_ONLY)
        worker["command"] = ["cortex-runtime", mode]
        worker["env"] = [*worker["env"], *job_env]
        spec["containers"] = [worker]
        return pod
    proxy, *users = spec["containers"]
    if not batch:
        spec["containers"] = [_without(u, ("readinessProbe", "lifecycle")) for u in users]
        return pod
    dequeuer = _without(proxy, _SERVING_ONLY)
    dequeuer["name"] = contract.DEQUEUER_CONTAINER_NAME
    dequeuer["command"] = ["cortex-runtime", mode]
    dequeuer["env"] = [*dequeuer["env"], *job_env]
    sidecars = [{**_without(u, ("lifecycle",)), "restartPolicy": "Always"} for u in users]
    spec["initContainers"] = [*spec.get("initContainers", []), *sidecars]
    spec["containers"] = [dequeuer]
    return pod


def job_template(api: WorkloadAPI, pod: Manifest) -> Manifest:
    """The batch/v1 Job the gateway fills in per submission."""
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"namespace": naming.NAMESPACE, "labels": dict(pod["metadata"]["labels"])},
        "spec": {
            "completionMode": "Indexed",
            "completions": 1,
            "parallelism": 1,
            "backoffLimit": 0,
            "ttlSecondsAfterFinished": FINISHED_JOB_TTL_SECONDS,
            "template": pod,
        },
    }


def gateway_labels(api_name: str) -> dict[str, str]:
    """The gateway's pods: the API's label (the namespace's network policies let the router
    reach, and these pods call out of, pods that carry it) and the component, which keeps
    the job's worker pods out of the gateway's Services."""
    return {API_LABEL: api_name, COMPONENT_LABEL: GATEWAY_COMPONENT}


def gateway_pod(
    api_name: str,
    image: str,
    env: list[Manifest],
    *,
    service_account: str,
    spec_config_map: str,
    template_config_map: str,
) -> Manifest:
    """The gateway: the runtime image in `job-gateway` mode on the system nodes, non-root
    on a read-only filesystem; its service-account token is mounted (it calls the
    Kubernetes API, within its Role)."""
    return {
        "metadata": {"labels": gateway_labels(api_name)},
        "spec": {
            "serviceAccountName": service_account,
            "automountServiceAccountToken": True,
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "nodeSelector": {NODE_GROUP_LABEL: SYSTEM_GROUP},
            "containers": [
                {
                    "name": GATEWAY_COMPONENT,
                    "image": image,
                    "command": ["cortex-runtime", job_contract.GATEWAY_MODE],
                    "ports": [
                        {
                            "name": "http",
                            "containerPort": job_contract.GATEWAY_PORT,
                            "protocol": "TCP",
                        }
                    ],
                    "env": env,
                    # Chosen, not measured: the gateway holds no data (S3 and SQS do).
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "128Mi"},
                        "limits": {"memory": "256Mi"},
                    },
                    "readinessProbe": containers.health_probe("http"),
                    "livenessProbe": containers.liveness_probe("http"),
                    "securityContext": containers.security_context(runtime_image=True),
                    "volumeMounts": [
                        containers.spec_mount(),
                        {"name": "job-template", "mountPath": job_contract.TEMPLATE_MOUNT_DIR},
                        {"name": containers.TMP_VOLUME, "mountPath": containers.TMP_PATH},
                    ],
                }
            ],
            "volumes": [
                {
                    "name": containers.SPEC_VOLUME,
                    "configMap": {
                        "name": spec_config_map,
                        "items": [
                            {"key": contract.SPEC_FILE_NAME, "path": contract.SPEC_FILE_NAME}
                        ],
                    },
                },
                {"name": "job-template", "configMap": {"name": template_config_map}},
                {"name": containers.TMP_VOLUME, "emptyDir": {}},
            ],
        },
    }


def env_list(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in values.items()]


def gateway_env(
    api: JobAPI, spec: Spec, bucket: str, queue_prefix: str, state_prefix: str
) -> dict[str, str]:
    return {
        contract.ENV_CONTRACT_VERSION: contract.CONTRACT_VERSION,
        contract.ENV_API_NAME: api.name,
        contract.ENV_API_KIND: api.kind,
        contract.ENV_ENDPOINT: api.endpoint,
        contract.ENV_PORT: str(job_contract.GATEWAY_PORT),
        contract.ENV_LOG_LEVEL: contract.LOG_LEVEL,
        job_contract.ENV_REGION: spec.cluster.region,
        job_contract.ENV_STATE_BUCKET: bucket,
        job_contract.ENV_STATE_PREFIX: state_prefix,
        job_contract.ENV_QUEUE_PREFIX: queue_prefix,
        job_contract.ENV_NAMESPACE: naming.NAMESPACE,
    }


def worker_env(bucket: str, state_prefix: str) -> dict[str, str]:
    """Beyond the serving environment (which has the region): where progress goes."""
    return {
        job_contract.ENV_STATE_BUCKET: bucket,
        job_contract.ENV_STATE_PREFIX: state_prefix,
    }


gateway_name = job_contract.gateway_name


def worker_account_name(api: str) -> str:
    """The workers' ServiceAccount and IRSA role. Not `api-<name>` (a serving API's): an API
    that switches between a serving kind and a job kind would otherwise create its new
    account and role (same physical names) before the old ones are deleted. The prefix is
    no other family's, so no API's name collides with it either."""
    return f"workers-{api}"


def template_config_map_name(api: str, template_json: str) -> str:
    digest = hashlib.sha256(template_json.encode()).hexdigest()[:10]
    return f"{gateway_name(api)}-template-{digest}"


@dataclass(frozen=True)
class WorkerInputs:
    """What a worker pod needs beyond the spec, resolved."""

    image: str
    documents: Documents
    bucket: str
    service_account: str
    state_prefix: str


def worker_job_json(
    api: JobAPI, spec: Spec, inputs: WorkerInputs, literals: LiteralSecret | None
) -> str:
    """The Job template's file: the API's serving pod (pod_template.py) as a worker pod."""
    docs = inputs.documents
    config_map = spec_config_map_name(api.name, docs.spec_json)
    pod = pod_template(
        PodInputs(
            api=api,
            profiles=spec.profiles,
            runtime_image=inputs.image,
            envs=docs.envs,
            spec_hash=spec_hash(inputs.image, docs.spec_json),
            service_account=inputs.service_account,
            config_map=config_map,
            kubernetes_version=spec.cluster.kubernetes_version,
            literal_secret=literals.name if literals else None,
            literal_keys=literals.keys if literals else {},
        )
    )
    extra = env_list(worker_env(inputs.bucket, inputs.state_prefix))
    job = job_template(api, worker_pod(api, pod, config_map, extra))
    return json.dumps(job, indent=2, sort_keys=True) + "\n"
