"""One API on the cluster: IAM role, ServiceAccount, spec ConfigMap, Deployment, Services, PDB.

The router reaches the pods through the headless Service `pods-<name>`. The ClusterIP
Service `api-<name>` exists only for an API that waits for cold starts: it is the KEDA HTTP
interceptor's target, and nothing else can reach it (the namespace's NetworkPolicies admit
only the router, the interceptor and Prometheus to API pods).

The pod environment and the spec file are the API's documents (`api_documents.py`); the
role's inline policy is `api_policy.py`.

The pod autoscaler owns `spec.replicas` after creation: the Deployment starts at
`init_replicas` and Pulumi ignores later changes to that field (`ignore_changes`), so an
update never resets a scaled API to its initial size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import Spec, naming
from cortex_spec.api_iam import managed_policy_arns
from cortex_spec.models.api import WorkloadAPI
from infra.handles import ClusterHandle
from infra.irsa import IrsaRole, IrsaRoleArgs
from infra.serving import async_workload, scaling_rules
from infra.serving.api_documents import (
    Documents,
    documents_of,
    spec_config_map_name,
    spec_hash,
)
from infra.serving.api_objects import literal_secret_object, spec_config_map
from infra.serving.api_policy import api_policy
from infra.serving.async_queues import AsyncStorage
from infra.serving.bundles import BundleRef
from infra.serving.literal_secrets import literal_secret
from infra.serving.manifests import deployment, manifest
from infra.serving.pod_template import PodInputs, pod_template, selector
from runtime import contract

SERVICE_PORT: Final = contract.PROXY_PORT
# Pulumi waits for a Deployment to become available; a GPU or Neuron replica may first
# need a node from the cluster-autoscaler and a large image (eks-reference.md §11).
ROLLOUT_TIMEOUT: Final = "20m"
# pulumi-kubernetes' annotation that skips its await logic for one object.
SKIP_AWAIT: Final = "pulumi.com/skipAwait"


def rolling_update(api: WorkloadAPI) -> dict[str, Any]:
    strategy = api.update_strategy
    return {
        "type": "RollingUpdate",
        "rollingUpdate": {
            "maxSurge": strategy.max_surge,
            "maxUnavailable": strategy.max_unavailable,
        },
    }


def disruption_budget(api: WorkloadAPI) -> int | str:
    """As many replicas may be evicted at once as a rollout may take down; at least one, or
    a node drain (and the cluster-autoscaler's scale-down) could never evict a replica."""
    value = api.update_strategy.max_unavailable
    return 1 if value in (0, "0%") else value


@dataclass(frozen=True)
class ApiWorkloadArgs:
    api: WorkloadAPI
    spec: Spec
    cluster: ClusterHandle
    namespace: pulumi.Resource
    image: pulumi.Output[str]
    bundle: BundleRef | None
    bucket_arn: pulumi.Output[str] | None
    tags: dict[str, str]
    keep_alive_seconds: int = contract.DEFAULT_KEEP_ALIVE_SECONDS
    # An AsyncAPI's queue and bucket (async_queues.py): its workers' sidecar and role.
    storage: AsyncStorage | None = None


class ApiWorkload(pulumi.ComponentResource):
    """Everything one API runs as. `pods_service` (headless) is how the router reaches the
    pods; `service` (ClusterIP) is the interceptor's target, None for an API that never
    waits for a cold start."""

    service: k8s.core.v1.Service | None
    pods_service: k8s.core.v1.Service
    deployment: k8s.apiextensions.CustomResource

    def __init__(
        self, name: str, args: ApiWorkloadArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ApiWorkload", name, None, opts)
        api, cluster = args.api, args.cluster
        object_name = naming.deployment_name(api.name)
        metadata = k8s.meta.v1.ObjectMetaArgs(
            name=object_name, namespace=naming.NAMESPACE, labels=selector(api)
        )
        k8s_opts = pulumi.ResourceOptions(
            parent=self, provider=cluster.k8s_provider, depends_on=[args.namespace]
        )
        bucket_arn = args.bucket_arn if args.bundle is not None else None
        role = IrsaRole(
            f"{name}-role",
            IrsaRoleArgs(
                role_name=naming.iam_role_name(args.spec.cluster.name, object_name),
                namespace=naming.NAMESPACE,
                service_account=object_name,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                policy=api_policy(api, args.spec, bucket_arn, cluster.account_id, args.storage),
                managed_policy_arns=managed_policy_arns(api, args.spec),
                tags={**args.tags, naming.API_TAG: api.name},
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=object_name,
                namespace=naming.NAMESPACE,
                labels=selector(api),
                annotations={"eks.amazonaws.com/role-arn": role.arn},
            ),
            automount_service_account_token=False,
            opts=k8s_opts,
        )
        literals = literal_secret(api)
        pod_inputs_ready: list[pulumi.Resource] = [account]
        if literals is not None:
            pod_inputs_ready.append(literal_secret_object(name, api, literals, k8s_opts))
        documents = documents_of(api, args.spec, args.bundle, args.keep_alive_seconds)
        config_map = spec_config_map(name, api, documents, k8s_opts)
        if args.storage is not None:
            pod_inputs_ready.append(self._storage(name, args, k8s_opts))

        def template_of(image: str, d: Documents) -> dict[str, Any]:
            return pod_template(
                PodInputs(
                    api=api,
                    profiles=args.spec.profiles,
                    runtime_image=image,
                    envs=d.envs,
                    spec_hash=spec_hash(image, d.spec_json),
                    service_account=object_name,
                    config_map=spec_config_map_name(api.name, d.spec_json),
                    kubernetes_version=args.spec.cluster.kubernetes_version,
                    literal_secret=literals.name if literals else None,
                    literal_keys=literals.keys if literals else {},
                )
            )

        if isinstance(documents, Documents):
            known = documents
            template = args.image.apply(lambda image: template_of(image, known))
        else:
            template = pulumi.Output.all(args.image, documents).apply(
                lambda values: template_of(values[0], values[1])
            )
        self.deployment = deployment(
            f"{name}-deployment",
            metadata=metadata,
            # Kubernetes' own field names, passed through as written (and as recorded).
            spec=manifest(
                {
                    "replicas": api.init_replicas,
                    "selector": {"matchLabels": selector(api)},
                    "strategy": rolling_update(api),
                    "template": template,
                }
            ),
            opts=pulumi.ResourceOptions.merge(
                k8s_opts,
                pulumi.ResourceOptions(
                    # The pod autoscaler owns the replica count once the API exists.
                    ignore_changes=["spec.replicas"],
                    # Pods start with their service account, their spec file and the
                    # Secret their variables read.
                    depends_on=[*pod_inputs_ready, config_map],
                    custom_timeouts=pulumi.CustomTimeouts(
                        create=ROLLOUT_TIMEOUT, update=ROLLOUT_TIMEOUT
                    ),
                ),
            ),
        )
        self.service = None
        if api.is_async:
            # Nothing sends to an AsyncAPI's workers: the router goes to its gateway.
            self._budget(name, metadata, api, k8s_opts)
            self.register_outputs({})
            return
        # Only the interceptor sends to it. Going from one shape to the other is safe on
        # either side of an update: the route to the interceptor (and its InterceptorRoute,
        # which waits for this Service) comes and goes in the same update, and a Service no
        # longer registered is deleted after the router's new routes are in place
        # (tests/offline/scenarios: scale-to-zero-on/off, cluster-ip-only-at-zero).
        if scaling_rules.waits_for_cold_start(api):
            self.service = k8s.core.v1.Service(
                f"{name}-service",
                # Pulumi would wait for the Service to have ready endpoints (pulumi-kubernetes
                # provider/pkg/await/service.go), that is for pods: never, for a new API at
                # zero (10 min, then a failed update), and the router's routes wait for this
                # Service (through the InterceptorRoute). The interceptor waits for the pods
                # itself; the Service only has to exist (pulumi/pulumi-kubernetes#417).
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=object_name,
                    namespace=naming.NAMESPACE,
                    labels=selector(api),
                    annotations={SKIP_AWAIT: "true"},
                ),
                spec=manifest(
                    {
                        "type": "ClusterIP",
                        "selector": selector(api),
                        "ports": [{"name": "http", "port": SERVICE_PORT, "targetPort": "http"}],
                    }
                ),
                opts=k8s_opts,
            )
        # Headless: its DNS name resolves to the ready pods themselves, which the router
        # balances on outstanding requests (a ClusterIP would balance connections instead).
        self.pods_service = k8s.core.v1.Service(
            f"{name}-pods",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=naming.pods_service_name(api.name),
                namespace=naming.NAMESPACE,
                labels=selector(api),
            ),
            spec=manifest(
                {
                    "clusterIP": "None",
                    "selector": selector(api),
                    "ports": [{"name": "http", "port": SERVICE_PORT, "targetPort": "http"}],
                }
            ),
            opts=k8s_opts,
        )
        self._budget(name, metadata, api, k8s_opts)
        self.register_outputs({})

    def _storage(
        self, name: str, args: ApiWorkloadArgs, opts: pulumi.ResourceOptions
    ) -> k8s.core.v1.ConfigMap:
        """The workers' queue and bucket variables (async_workload.dequeuer_container)."""
        assert args.storage is not None
        region = args.spec.cluster.region
        return k8s.core.v1.ConfigMap(
            f"{name}-async",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=async_workload.storage_config_map(args.api.name),
                namespace=naming.NAMESPACE,
                labels=selector(args.api),
            ),
            data=async_workload.resolved(args.storage).apply(
                lambda values: async_workload.storage_env(values, region)
            ),
            opts=opts,
        )

    def _budget(
        self,
        name: str,
        metadata: k8s.meta.v1.ObjectMetaArgs,
        api: WorkloadAPI,
        opts: pulumi.ResourceOptions,
    ) -> None:
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-pdb",
            metadata=metadata,
            spec=manifest(
                {
                    "maxUnavailable": disruption_budget(api),
                    "selector": {"matchLabels": selector(api)},
                }
            ),
            opts=opts,
        )
