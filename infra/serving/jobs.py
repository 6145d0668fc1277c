"""One BatchAPI or TaskAPI on the cluster: its job gateway, and what its jobs may do.

- The **gateway** (`jobs-<name>`): a Deployment of two replicas of the runtime image in
  `job-gateway` mode on the system nodes, a headless Service the router sends the API's
  endpoint to, a PodDisruptionBudget; its ServiceAccount is bound to a Role that may only
  create, get and delete Jobs and list pods in the namespace (what submitting, reading and
  stopping a job need), and its IRSA role may only create, feed and delete queues named
  with the API's prefix and read and write the API's prefix of the stack's bucket.
- The **workers** (`workers-<name>`): their IRSA role reads the API's bundle and secrets (as a
  serving pod's), takes batches from the API's queues and records progress under the
  API's prefix. Their pods exist only while a job runs.
- The **Job template**: an immutable ConfigMap (`jobs-<name>-template-<hash>`, named by its
  content, so a changed template rolls the gateway) holding the batch/v1 Job the gateway
  instantiates (job_template.py), and the API's spec ConfigMap the workers mount.

docs/serving.md, "Jobs", has the whole flow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

from cortex_spec import Spec, catalog, naming
from cortex_spec.api_iam import managed_policy_arns, references, secret_statements
from cortex_spec.models.job_apis import JobAPI
from infra.handles import ClusterHandle
from infra.irsa import IrsaRole, IrsaRoleArgs
from infra.serving.api_documents import documents_of, spec_config_map_name
from infra.serving.api_objects import literal_secret_object, spec_config_map
from infra.serving.api_policy import bundle_statement
from infra.serving.bundles import BundleRef
from infra.serving.job_access import (
    gateway_rules,
    gateway_statements,
    progress_statement,
    worker_statements,
)
from infra.serving.job_template import (
    WorkerInputs,
    env_list,
    gateway_env,
    gateway_labels,
    gateway_name,
    gateway_pod,
    template_config_map_name,
    worker_account_name,
    worker_job_json,
)
from infra.serving.literal_secrets import literal_secret
from infra.serving.manifests import deployment, manifest
from infra.serving.pod_template import selector
from runtime import contract, job_contract

GATEWAY_REPLICAS: Final = job_contract.GATEWAY_REPLICAS


@dataclass(frozen=True)
class JobApiArgs:
    api: JobAPI
    spec: Spec
    cluster: ClusterHandle
    namespace: pulumi.Resource
    image: pulumi.Output[str]
    bundle: BundleRef | None
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    tags: dict[str, str]


def _policy(statements: pulumi.Output[list[dict[str, Any]]]) -> pulumi.Output[str]:
    return statements.apply(lambda found: json.dumps({"Version": "2012-10-17", "Statement": found}))


class JobApi(pulumi.ComponentResource):
    """A job API's gateway, its RBAC and IAM, and its Job template."""

    pods_service: k8s.core.v1.Service
    deployment: k8s.apiextensions.CustomResource

    def __init__(
        self, name: str, args: JobApiArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:JobApi", name, None, opts)
        api, cluster, spec = args.api, args.cluster, args.spec
        config = spec.cluster
        info = catalog.region(config.region)
        partition = info.partition if info else "aws"
        queue_prefix = job_contract.queue_prefix(config.name, api.name)
        state_prefix = job_contract.state_prefix(api.name)
        worker_name, gateway = worker_account_name(api.name), gateway_name(api.name)
        k8s_opts = pulumi.ResourceOptions(
            parent=self, provider=cluster.k8s_provider, depends_on=[args.namespace]
        )
        tags = {**args.tags, naming.API_TAG: api.name}
        scope = pulumi.Output.all(cluster.account_id, args.bucket_arn)

        def worker_policy(values: list[str]) -> list[dict[str, Any]]:
            account, bucket_arn = values
            out = worker_statements(partition, config.region, account, queue_prefix)
            out.append(progress_statement(bucket_arn, state_prefix))
            if args.bundle is not None:
                out.append(bundle_statement(bucket_arn, api.name))
            if references(api):
                out += secret_statements(
                    api, partition=partition, region=config.region, account=account
                )
            return out

        def gateway_policy(values: list[str]) -> list[dict[str, Any]]:
            account, bucket_arn = values
            return gateway_statements(
                partition=partition,
                region=config.region,
                account=account,
                queue_prefix=queue_prefix,
                bucket_arn=bucket_arn,
                state_prefix=state_prefix,
            )

        roles = {}
        for purpose, account_name, statements in (
            ("worker", worker_name, worker_policy),
            ("gateway", gateway, gateway_policy),
        ):
            roles[purpose] = IrsaRole(
                f"{name}-{purpose}-role",
                IrsaRoleArgs(
                    role_name=naming.iam_role_name(config.name, account_name),
                    namespace=naming.NAMESPACE,
                    service_account=account_name,
                    oidc_provider_arn=cluster.oidc_provider_arn,
                    oidc_issuer=cluster.oidc_issuer,
                    policy=_policy(scope.apply(statements)),
                    # The worker's code, and the gateway reading file_path_lister and
                    # delimited_files data, act with what the API's own policies allow.
                    managed_policy_arns=managed_policy_arns(api, spec),
                    tags=tags,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        worker_account = k8s.core.v1.ServiceAccount(
            f"{name}-worker-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=worker_name,
                namespace=naming.NAMESPACE,
                labels=selector(api),
                annotations={"eks.amazonaws.com/role-arn": roles["worker"].arn},
            ),
            automount_service_account_token=False,
            opts=k8s_opts,
        )
        gateway_account = k8s.core.v1.ServiceAccount(
            f"{name}-gateway-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=gateway,
                namespace=naming.NAMESPACE,
                labels=gateway_labels(api.name),
                annotations={"eks.amazonaws.com/role-arn": roles["gateway"].arn},
            ),
            opts=k8s_opts,
        )
        role = k8s.rbac.v1.Role(
            f"{name}-gateway-rbac-role",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=gateway, namespace=naming.NAMESPACE, labels=gateway_labels(api.name)
            ),
            rules=gateway_rules(),
            opts=k8s_opts,
        )
        binding = k8s.rbac.v1.RoleBinding(
            f"{name}-gateway-rbac-binding",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=gateway, namespace=naming.NAMESPACE, labels=gateway_labels(api.name)
            ),
            role_ref=manifest(
                {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": gateway}
            ),
            subjects=[{"kind": "ServiceAccount", "name": gateway, "namespace": naming.NAMESPACE}],
            opts=k8s_opts,
        )
        literals = literal_secret(api)
        # Known at once without a bundle; one Output either way, as the objects below read it.
        documents = pulumi.Output.from_input(
            documents_of(api, spec, args.bundle, contract.DEFAULT_KEEP_ALIVE_SECONDS)
        )
        spec_map = spec_config_map(name, api, documents, k8s_opts)
        if literals is not None:
            literal_secret_object(name, api, literals, k8s_opts)

        template = pulumi.Output.all(args.image, documents, args.bucket_name).apply(
            lambda values: worker_job_json(
                api,
                spec,
                WorkerInputs(values[0], values[1], values[2], worker_name, state_prefix),
                literals,
            )
        )
        template_map = k8s.core.v1.ConfigMap(
            f"{name}-job-template",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=template.apply(lambda t: template_config_map_name(api.name, t)),
                namespace=naming.NAMESPACE,
                labels=gateway_labels(api.name),
            ),
            data=template.apply(lambda t: {job_contract.TEMPLATE_FILE_NAME: t}),
            immutable=True,
            opts=k8s_opts,
        )
        pod = pulumi.Output.all(args.image, documents, template, args.bucket_name).apply(
            lambda values: gateway_pod(
                api.name,
                values[0],
                env_list(gateway_env(api, spec, values[3], queue_prefix, state_prefix)),
                service_account=gateway,
                spec_config_map=spec_config_map_name(api.name, values[1].spec_json),
                template_config_map=template_config_map_name(api.name, values[2]),
            )
        )
        metadata = k8s.meta.v1.ObjectMetaArgs(
            name=gateway, namespace=naming.NAMESPACE, labels=gateway_labels(api.name)
        )
        self.deployment = deployment(
            f"{name}-gateway",
            metadata=metadata,
            spec=manifest(
                {
                    "replicas": GATEWAY_REPLICAS,
                    "selector": {"matchLabels": gateway_labels(api.name)},
                    "template": pod,
                }
            ),
            opts=pulumi.ResourceOptions.merge(
                k8s_opts,
                pulumi.ResourceOptions(
                    # The gateway starts with its token's Role bound, its IRSA role named on
                    # its account, and both files it reads (the API spec, the Job template);
                    # the workers' account exists before any Job names it.
                    depends_on=[
                        gateway_account,
                        worker_account,
                        binding,
                        role,
                        spec_map,
                        template_map,
                    ]
                ),
            ),
        )
        # Headless, as the serving APIs' `pods-<name>`: the router's DNS cluster resolves the
        # gateway's ready pods.
        self.pods_service = k8s.core.v1.Service(
            f"{name}-gateway-service",
            metadata=metadata,
            spec=manifest(
                {
                    "clusterIP": "None",
                    "selector": gateway_labels(api.name),
                    "ports": [
                        {"name": "http", "port": job_contract.GATEWAY_PORT, "targetPort": "http"}
                    ],
                }
            ),
            opts=k8s_opts,
        )
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-gateway-pdb",
            metadata=metadata,
            spec=manifest(
                {"maxUnavailable": 1, "selector": {"matchLabels": gateway_labels(api.name)}}
            ),
            opts=k8s_opts,
        )
        self.register_outputs({})
