"""The AWS Load Balancer Controller, installed only to bind Services to target groups.

The stack owns the load balancer, its listeners and target groups (`load_balancer.py`);
the controller's one job here is `TargetGroupBinding`: keeping each target group's
registered pod IPs equal to the Service's ready endpoints. Its IAM role carries the
controller's documented policy for the pinned version, verbatim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from cortex_spec import naming
from cortex_spec.node_profiles import NODE_GROUP_LABEL, SYSTEM_GROUP
from cortex_spec.version_matrix import matrix
from infra.handles import ClusterHandle
from infra.irsa import IrsaRole, IrsaRoleArgs

# Controller v2.17.1 is Helm chart 1.17.1 (aws-cdk-lib 2.275.0, aws-eks AlbControllerVersion
# V2_17_1, which pairs each controller release with its eks-charts chart version); the chart
# version is the version matrix's (cortex_spec/data/version_matrix.yaml), which a test keeps
# on the chart of this controller, whose IAM policy is below.
CHART_VERSION: Final = "1.17.1"
CONTROLLER_VERSION: Final = "v2.17.1"
CHART_REPO: Final = "https://aws.github.io/eks-charts"
RELEASE: Final = "aws-load-balancer-controller"
SERVICE_ACCOUNT: Final = "aws-load-balancer-controller"
# docs/install/iam_policy.json of kubernetes-sigs/aws-load-balancer-controller at v2.17.1,
# as aws-cdk-lib 2.275.0 ships it (aws-eks/lib/addons/alb-iam_policy-v2.17.1.json).
POLICY_FILE: Final = Path(__file__).parent / "policies" / f"{RELEASE}-{CONTROLLER_VERSION}.json"


def documented_policy(partition: str) -> str:
    """The documented policy, with ARNs in the stack's partition (as the CDK rewrites them)."""
    document: dict[str, Any] = json.loads(POLICY_FILE.read_text())
    for statement in document["Statement"]:
        resource = statement["Resource"]
        if isinstance(resource, list):
            statement["Resource"] = [_partitioned(r, partition) for r in resource]
        else:
            statement["Resource"] = _partitioned(resource, partition)
    return json.dumps(document, sort_keys=True)


def _partitioned(resource: str, partition: str) -> str:
    return resource.replace("arn:aws:", f"arn:{partition}:", 1)


def chart_values(cluster: ClusterHandle, role_arn: pulumi.Output[str]) -> dict[str, Any]:
    return {
        "clusterName": cluster.name,
        "region": cluster.region,
        # Given, not discovered from instance metadata, which IMDS hop limits can block.
        "vpcId": cluster.vpc_id,
        "serviceAccount": {
            "create": True,
            "name": SERVICE_ACCOUNT,
            "annotations": {"eks.amazonaws.com/role-arn": role_arn},
        },
        # Nothing in the stack asks the controller to create a load balancer; without its
        # Service webhook and IngressClass it claims no `LoadBalancer` Service or Ingress,
        # so it cannot create a load balancer `pulumi destroy` would not know about.
        "enableServiceMutatorWebhook": False,
        "createIngressClassResource": False,
        "nodeSelector": {NODE_GROUP_LABEL: SYSTEM_GROUP},
    }


@dataclass(frozen=True)
class LoadBalancerControllerArgs:
    cluster: ClusterHandle
    # The spec's cluster name: IAM role names must be known strings, not Outputs.
    cluster_name: str
    tags: dict[str, str]


class LoadBalancerController(pulumi.ComponentResource):
    """IRSA role + Helm release; `release` is what TargetGroupBindings depend on."""

    release: k8s.helm.v3.Release

    def __init__(
        self,
        name: str,
        args: LoadBalancerControllerArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cortex:infra:LoadBalancerController", name, None, opts)
        cluster = args.cluster
        partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self))
        role = IrsaRole(
            f"{name}-role",
            IrsaRoleArgs(
                role_name=naming.iam_role_name(args.cluster_name, "lb-controller"),
                namespace=naming.SYSTEM_NAMESPACE,
                service_account=SERVICE_ACCOUNT,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                policy=partition.partition.apply(documented_policy),
                tags={**args.tags, naming.COMPONENT_TAG: "lb-controller"},
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.release = k8s.helm.v3.Release(
            f"{name}-release",
            name=RELEASE,
            chart=RELEASE,
            version=matrix().version(cluster.kubernetes_version, "aws-load-balancer-controller"),
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=CHART_REPO),
            namespace=naming.SYSTEM_NAMESPACE,
            values=chart_values(cluster, role.arn),
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=cluster.k8s_provider,
                # The controller runs on the system nodes, next to CoreDNS and the VPC CNI.
                depends_on=list(cluster.system_ready),
            ),
        )
        self.register_outputs({})
