"""An AsyncAPI's pods beyond its workers' Deployment: the gateway, and the worker sidecar.

- The gateway `gateway-<name>` (the runtime image's `async-gateway` mode) is what the
  router sends the API's endpoint to: two replicas on the system nodes (like the router:
  it is always up, whatever the workers do, and scales with nothing but its own
  availability), a PodDisruptionBudget, a headless Service (the router balances requests
  over the pods, as it does for APIs), and its own IRSA role (async_policies.py).
  Its pods carry `cortex.dev/gateway: <name>`, not `cortex.dev/api`: the workers'
  Deployment, Services and PodDisruptionBudget select on `cortex.dev/api`, and a pod
  under two budgets could never be evicted.
- The worker sidecar `dequeuer` (Cortex's name; `async-worker` mode) runs beside the
  serving container of each worker replica (pod_template.py) and posts each message's
  payload to it on localhost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.node_profiles import NODE_GROUP_LABEL, SYSTEM_GROUP
from cortex_spec.quantities import cpu_text, memory_text
from infra.handles import ClusterHandle
from infra.irsa import IrsaRole, IrsaRoleArgs, policy_document
from infra.serving import async_policies, containers
from infra.serving.async_queues import AsyncStorage
from infra.serving.manifests import deployment
from runtime import contract

Manifest = dict[str, Any]

GATEWAY_LABEL: Final = "cortex.dev/gateway"
GATEWAY_REPLICAS: Final = 2
GATEWAY_CPU_MILLIS: Final = 100
# Bodies up to the default limit (8 MiB) read whole, a few at once, plus the interpreter,
# uvicorn and two boto3 clients.
GATEWAY_MEMORY_MIB: Final = 256


def gateway_selector(api: str) -> dict[str, str]:
    return {GATEWAY_LABEL: api}


def storage_env(storage: dict[str, str], region: str) -> dict[str, str]:
    """The queue and bucket variables, from the storage's resolved values."""
    return {
        contract.ENV_ASYNC_QUEUE_URL: storage["queue_url"],
        contract.ENV_ASYNC_BUCKET: storage["bucket"],
        contract.ENV_ASYNC_PREFIX: storage["prefix"],
        contract.ENV_ASYNC_REGION: region,
    }


def storage_config_map(api: str) -> str:
    """The workers' ConfigMap of queue and bucket variables (`api-<name>-async`)."""
    return f"{naming.deployment_name(api)}-async"


def dequeuer_env(api: WorkloadAPI) -> dict[str, str]:
    """The sidecar's own variables; the queue's and bucket's come from its ConfigMap."""
    env = {
        contract.ENV_CONTRACT_VERSION: contract.CONTRACT_VERSION,
        contract.ENV_API_NAME: api.name,
        contract.ENV_PORT: str(api.port),
        contract.ENV_ASYNC_WORKERS: str(api.max_concurrency),
        contract.ENV_ASYNC_MAX_RECEIVE_COUNT: str(contract.ASYNC_MAX_RECEIVE_COUNT),
    }
    if api.form == "predictor":
        # The runtime's /healthz is 200 once the predictor is loaded; a user's container
        # is ready when its port accepts connections.
        env[contract.ENV_ASYNC_READY_PATH] = contract.HEALTH_PATH
    return env


def dequeuer_container(image: str, api: WorkloadAPI) -> Manifest:
    """The worker sidecar, with Cortex's dequeuer requests (100m / 100Mi).

    The queue URL and bucket reach it through the ConfigMap `api-<name>-async`, named, not
    read: the Deployment's spec then takes no value from the queue or the bucket, so
    switching an API from RealtimeAPI to AsyncAPI updates its Deployment (a rollout)
    instead of replacing it, which would delete its only Deployment before the new one
    (same name) exists (tests/offline/scenarios/realtime-to-async)."""
    memory = memory_text(contract.SIDECAR_MEMORY_MIB * 2**20)
    return {
        "name": contract.DEQUEUER_CONTAINER_NAME,
        "image": image,
        "command": ["cortex-runtime", "async-worker"],
        "env": containers.env_list(dequeuer_env(api)),
        "envFrom": [{"configMapRef": {"name": storage_config_map(api.name)}}],
        "resources": {
            "requests": {"cpu": cpu_text(contract.SIDECAR_CPU_MILLIS), "memory": memory},
            "limits": {"memory": memory},
        },
        "securityContext": containers.security_context(runtime_image=True),
    }


def gateway_container(image: str, env: dict[str, str]) -> Manifest:
    memory = memory_text(GATEWAY_MEMORY_MIB * 2**20)
    return {
        "name": "gateway",
        "image": image,
        "command": ["cortex-runtime", "async-gateway"],
        "ports": [{"name": "http", "containerPort": contract.GATEWAY_PORT, "protocol": "TCP"}],
        "env": containers.env_list(env),
        "resources": {
            "requests": {"cpu": cpu_text(GATEWAY_CPU_MILLIS), "memory": memory},
            "limits": {"memory": memory},
        },
        "readinessProbe": containers.health_probe("http"),
        "livenessProbe": containers.health_probe("http"),
        "securityContext": containers.security_context(runtime_image=True),
    }


def gateway_env(api: WorkloadAPI, storage: dict[str, str], region: str) -> dict[str, str]:
    return {
        contract.ENV_CONTRACT_VERSION: contract.CONTRACT_VERSION,
        contract.ENV_API_NAME: api.name,
        contract.ENV_ENDPOINT: api.endpoint,
        contract.ENV_PORT: str(contract.GATEWAY_PORT),
        **storage_env(storage, region),
    }


def gateway_pod(api: WorkloadAPI, image: str, env: dict[str, str]) -> Manifest:
    return {
        "metadata": {"labels": gateway_selector(api.name)},
        "spec": {
            "serviceAccountName": naming.gateway_name(api.name),
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "terminationGracePeriodSeconds": contract.TERMINATION_GRACE_SECONDS,
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "nodeSelector": {NODE_GROUP_LABEL: SYSTEM_GROUP},
            "containers": [gateway_container(image, env)],
        },
    }


def resolved(storage: AsyncStorage) -> pulumi.Output[dict[str, str]]:
    return pulumi.Output.all(storage.queue_url, storage.bucket).apply(
        lambda values: {"queue_url": values[0], "bucket": values[1], "prefix": storage.prefix}
    )


@dataclass(frozen=True)
class AsyncGatewayArgs:
    api: WorkloadAPI
    cluster: ClusterHandle
    cluster_name: str
    region: str
    namespace: pulumi.Resource
    image: pulumi.Output[str]
    storage: AsyncStorage
    tags: dict[str, str]


class AsyncGateway(pulumi.ComponentResource):
    """Role, ServiceAccount, Deployment, headless Service and PDB of one API's gateway."""

    deployment: k8s.apiextensions.CustomResource

    def __init__(
        self, name: str, args: AsyncGatewayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:AsyncGateway", name, None, opts)
        api, cluster, storage = args.api, args.cluster, args.storage
        object_name = naming.gateway_name(api.name)
        labels = gateway_selector(api.name)
        metadata = k8s.meta.v1.ObjectMetaArgs(
            name=object_name, namespace=naming.NAMESPACE, labels=labels
        )
        k8s_opts = pulumi.ResourceOptions(
            parent=self, provider=cluster.k8s_provider, depends_on=[args.namespace]
        )
        statements = pulumi.Output.all(
            storage.queue_arn, storage.bucket_arn, storage.key_arn
        ).apply(
            lambda arns: async_policies.gateway_statements(
                arns[0], arns[1], storage.prefix, arns[2], args.region
            )
        )
        role = IrsaRole(
            f"{name}-role",
            IrsaRoleArgs(
                role_name=naming.iam_role_name(args.cluster_name, object_name),
                namespace=naming.NAMESPACE,
                service_account=object_name,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                policy=statements.apply(policy_document),
                tags={**args.tags, naming.API_TAG: api.name},
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=object_name,
                namespace=naming.NAMESPACE,
                labels=labels,
                annotations={"eks.amazonaws.com/role-arn": role.arn},
            ),
            automount_service_account_token=False,
            opts=k8s_opts,
        )
        template = pulumi.Output.all(args.image, resolved(storage)).apply(
            lambda values: gateway_pod(api, values[0], gateway_env(api, values[1], args.region))
        )
        spec: Any = {
            "replicas": GATEWAY_REPLICAS,
            "selector": {"matchLabels": labels},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": template,
        }
        self.deployment = deployment(
            f"{name}-deployment",
            metadata=metadata,
            spec=spec,
            # Pods start with their service account (and so with their role).
            opts=pulumi.ResourceOptions.merge(
                k8s_opts, pulumi.ResourceOptions(depends_on=[account])
            ),
        )
        service: Any = {
            "clusterIP": "None",
            "selector": labels,
            "ports": [{"name": "http", "port": contract.GATEWAY_PORT, "targetPort": "http"}],
        }
        k8s.core.v1.Service(f"{name}-service", metadata=metadata, spec=service, opts=k8s_opts)
        budget: Any = {"maxUnavailable": 1, "selector": {"matchLabels": labels}}
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-pdb", metadata=metadata, spec=budget, opts=k8s_opts
        )
        self.register_outputs({})
