"""The AWS Load Balancer Controller, installed only to bind Services to target groups.

The stack owns the load balancer, its listeners and target groups (`load_balancer.py`);
the controller's one job here is `TargetGroupBinding`: keeping each target group's
registered pod IPs equal to the Service's ready endpoints. Nothing else in the cluster can
make it create a load balancer:

- its Service controller is off (feature gate `EnableServiceController=false`: main.go of
  v2.17.1 sets up the Service reconciler only when that gate is on), and so is the webhook
  that would make it the default for `LoadBalancer` Services;
- its Ingress controller cannot be turned off (main.go sets it up unconditionally), but no
  Ingress reaches it: no IngressClass is created and the `kubernetes.io/ingress.class`
  annotation is ignored (`--disable-ingress-class-annotation`), so only an IngressClass
  that a cluster admin creates for `ingress.k8s.aws/alb` could select it;
- and even then it could not act: its IAM role keeps only the documented policy's
  read-only statement and `RegisterTargets`/`DeregisterTargets`. A binding without
  `spec.networking` (the stack's) never touches a security group
  (`pkg/networking/networking_manager.go`, `ReconcileForPodEndpoints` at v2.17.1), and
  WAF, Shield and Cognito are Ingress features, switched off here.

Chart values and flags: `helm/aws-load-balancer-controller/values.yaml` and
`templates/deployment.yaml` of kubernetes-sigs/aws-load-balancer-controller at v2.17.1
(chart 1.17.1): `controllerConfig.featureGates` becomes `--feature-gates`,
`disableIngressClassAnnotation` `--disable-ingress-class-annotation`, `enableShield`,
`enableWaf`, `enableWafv2` and `enableBackendSecurityGroup` their flags. The gate's name is
in `pkg/config/feature_gates.go` (`EnableServiceController`, on by default); only gates that
version knows are set, since an unknown one stops the controller ("unknown feature").
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


# What binding pods to a target group needs: the describes (the binding's webhook and
# reconciler read the target group and its health; on an AZ validation error the
# controller looks the zones up) and registering targets. Everything else of the documented
# policy creates, changes or deletes load balancers, listeners, rules, security groups and
# their tags, or serves Ingress add-ons.
BINDING_ACTIONS: Final = frozenset(
    {
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    }
)


def _kept(statement: dict[str, Any]) -> bool:
    """Read-only statements (every action a Describe/Get/List), and target registration."""
    actions = statement["Action"]
    actions = actions if isinstance(actions, list) else [actions]
    read_only = all(a.split(":")[1].startswith(("Describe", "Get", "List")) for a in actions)
    unconditioned = "Condition" not in statement
    return unconditioned and (read_only or set(actions) <= BINDING_ACTIONS)


def documented_policy(partition: str) -> str:
    """The documented policy's statements a TargetGroupBinding needs, verbatim, with ARNs in
    the stack's partition (as the CDK rewrites them)."""
    document: dict[str, Any] = json.loads(POLICY_FILE.read_text())
    document["Statement"] = [s for s in document["Statement"] if _kept(s)]
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
        # Nothing in the stack asks the controller to create a load balancer (see above):
        # no Service controller, no Service webhook, no IngressClass, no ingress.class
        # annotation, no Ingress add-ons, no shared backend security group.
        "controllerConfig": {"featureGates": {"EnableServiceController": False}},
        "enableServiceMutatorWebhook": False,
        "createIngressClassResource": False,
        "disableIngressClassAnnotation": True,
        "enableShield": False,
        "enableWaf": False,
        "enableWafv2": False,
        "enableBackendSecurityGroup": False,
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
