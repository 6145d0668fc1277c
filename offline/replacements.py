"""The one table of inputs whose change recreates a resource, per type token we use.

An offline diff sees only inputs, never a provider's `Diff`, so it cannot ask AWS or
Kubernetes whether a change is in place. This table says so instead, from the providers'
own sources (pulumi-aws and pulumi-kubernetes replace exactly where these say):

- AWS types are bridged from the Terraform AWS provider; its schema marks such arguments
  `ForceNew: true` ("Forces new resource" in its docs). Paths are Pulumi's camelCase wire
  names; Terraform's one-element blocks (`scaling_config`) are plain objects here.
- Kubernetes types: pulumi-kubernetes `provider/pkg/provider/diff.go` (`forceNewProperties`):
  `metadata.name` and `metadata.namespace` of every kind, plus immutable fields per kind.
- A few fields are not `ForceNew` but the cloud API refuses to change them in place
  (`kind="api"`): the update would fail, so the resource must be recreated all the same.

`replace_matcher.py` applies it; docs/diff.md shows it (a test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from offline.paths import Path, parse_path

TF: Final = "terraform-provider-aws internal/service/"
K8S_DIFF: Final = "pulumi-kubernetes provider/pkg/provider/diff.go"
HELM_RELEASE: Final = "kubernetes:helm.sh/v3:Release"


def _disjoint(before: Any, after: Any) -> bool:
    """Subnet lists with nothing in common: the cluster would move to another VPC."""
    if not isinstance(before, list) or not isinstance(after, list) or not before:
        return False
    return not set(map(str, before)) & set(map(str, after))


# The router's dynamic ConfigMaps (infra/serving/router.py) hold exactly one of these files and
# go through a provider with enableConfigMapMutable, which updates a ConfigMap in place
# (diff.go: data and binaryData force a replace only without it, or when immutable).
ROUTER_FILES: Final = frozenset({"routes.json", "clusters.yaml"})
ROUTER_FILES_NOTE: Final = "not the router's routes.json and clusters.yaml, updated in place"


def _not_router_files(before: Any, after: Any) -> bool:
    keys: set[str] = set()
    for side in (before, after):
        if isinstance(side, dict):
            keys |= set(side)
    return not keys or not keys <= ROUTER_FILES


def _removed(before: Any, after: Any) -> bool:
    return before not in (None, [], {}) and after in (None, [], {})


@dataclass(frozen=True)
class Rule:
    """Changing `path` (or anything beneath it) recreates the resource."""

    path: str
    source: str
    kind: Literal["provider", "api"] = "provider"
    # Only when this holds for (before, after) at `path`; None means any change.
    when: Callable[[Any, Any], bool] | None = None
    note: str = ""

    @property
    def segments(self) -> Path:
        return parse_path(self.path)


def _rules(source: str, *paths: str) -> tuple[Rule, ...]:
    return tuple(Rule(path, source) for path in paths)


def _api(source: str, *paths: str) -> tuple[Rule, ...]:
    """Fields no operation of the service can change (botocore's service model lists every
    operation and its inputs): the resource must be recreated to change them."""
    return tuple(Rule(path, source, kind="api") for path in paths)


BOTO: Final = "botocore service model: "


_EKS_CLUSTER = (
    *_rules(
        TF + "eks/cluster.go",
        "name",
        "roleArn",
        "bootstrapSelfManagedAddons",
        "accessConfig.bootstrapClusterCreatorAdminPermissions",
        "kubernetesNetworkConfig.ipFamily",
        "kubernetesNetworkConfig.serviceIpv4Cidr",
        "outpostConfig",
        "remoteNetworkConfig",
    ),
    Rule(
        "encryptionConfig",
        TF + "eks/cluster.go (ForceNewIfChange)",
        when=_removed,
        note="envelope encryption cannot be turned off",
    ),
    Rule(
        "vpcConfig.subnetIds",
        "EKS API UpdateClusterConfig (botocore eks 2017-11-01)",
        kind="api",
        when=_disjoint,
        note="new subnets must be in the cluster's VPC; a cluster cannot change VPC",
    ),
)

_KUBERNETES_SELECTOR = ("spec.selector",)

TABLE: Final[dict[str, tuple[Rule, ...]]] = {
    "aws:eks/cluster:Cluster": _EKS_CLUSTER,
    # Our dynamic resource replaces itself when it points at another node group
    # (`NodeGroupScalingProvider.diff`); min and max are updated in place.
    "pulumi-python:dynamic/cortex:NodeGroupScaling": _rules(
        "infra/node_scaling.py", "clusterName", "nodegroupName", "region"
    ),
    "aws:eks/nodeGroup:NodeGroup": _rules(
        TF + "eks/node_group.go",
        "amiType",
        "capacityType",
        "clusterName",
        "diskSize",
        "instanceTypes",
        "launchTemplate.id",
        "launchTemplate.name",
        "nodeGroupName",
        "nodeGroupNamePrefix",
        "nodeRoleArn",
        "remoteAccess",
        "subnetIds",
    ),
    # Launch template data changes create a new version (resourceLaunchTemplateUpdate →
    # CreateLaunchTemplateVersion); only the name cannot change (ModifyLaunchTemplate sets
    # the default version and nothing else).
    "aws:ec2/launchTemplate:LaunchTemplate": _rules(
        TF + "ec2/ec2_launch_template.go", "name", "namePrefix"
    ),
    "aws:ec2/vpc:Vpc": _rules(
        TF + "ec2/vpc_.go", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"
    ),
    "aws:ec2/subnet:Subnet": _rules(
        TF + "ec2/vpc_subnet.go",
        "availabilityZone",
        "availabilityZoneId",
        "cidrBlock",
        "ipv4IpamPoolId",
        "ipv4NetmaskLength",
        "ipv6IpamPoolId",
        "ipv6Native",
        "ipv6NetmaskLength",
        "outpostArn",
        "vpcId",
    ),
    "aws:ec2/securityGroup:SecurityGroup": _rules(
        TF + "ec2/vpc_security_group.go", "description", "name", "namePrefix", "vpcId"
    ),
    "aws:iam/role:Role": _rules(TF + "iam/role.go", "name", "namePrefix", "path"),
    "aws:iam/rolePolicy:RolePolicy": _rules(
        TF + "iam/role_policy.go", "name", "namePrefix", "role"
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _rules(
        TF + "iam/role_policy_attachment.go", "role", "policyArn"
    ),
    "aws:ecr/repository:Repository": _rules(
        TF + "ecr/repository.go", "name", "encryptionConfigurations"
    ),
    "aws:s3/bucket:Bucket": _rules(TF + "s3/bucket.go", "bucket", "bucketPrefix"),
    "aws:s3/bucketV2:BucketV2": _rules(TF + "s3/bucket.go", "bucket", "bucketPrefix"),
    "aws:sqs/queue:Queue": _rules(TF + "sqs/queue.go", "name", "namePrefix", "fifoQueue"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _rules(
        TF + "ec2/vpc_route_table_association.go", "gatewayId", "subnetId"
    ),
    "aws:ec2/natGateway:NatGateway": _rules(
        TF + "ec2/vpc_nat_gateway.go", "allocationId", "connectivityType", "privateIp", "subnetId"
    ),
    "aws:ec2/eip:Eip": _rules(TF + "ec2/ec2_eip.go", "address"),
    "aws:ec2/routeTable:RouteTable": _api(
        BOTO + "ec2 has no operation moving a route table", "vpcId"
    ),
    "aws:ec2/route:Route": _api(
        BOTO + "ec2 ReplaceRoute changes a route's target, not its table or destination",
        "routeTableId",
        "destinationCidrBlock",
        "destinationIpv6CidrBlock",
        "destinationPrefixListId",
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _api(
        BOTO + "ec2 ModifySecurityGroupRules edits rules within their group", "securityGroupId"
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _api(
        BOTO + "ec2 ModifySecurityGroupRules edits rules within their group", "securityGroupId"
    ),
    "aws:eks/addon:Addon": _rules(TF + "eks/addon.go", "addonName", "clusterName"),
    "aws:autoscaling/tag:Tag": _rules(
        TF + "autoscaling/group_tag.go", "autoscalingGroupName", "tag.key"
    ),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _api(
        BOTO + "iam updates a provider's client IDs and thumbprints, never its URL", "url"
    ),
    "aws:kms/key:Key": _api(
        BOTO + "kms UpdateKeyDescription/UpdatePrimaryRegion change neither usage nor spec",
        "keyUsage",
        "keySpec",
        "customerMasterKeySpec",
        "multiRegion",
        "customKeyStoreId",
    ),
    "aws:kms/alias:Alias": _rules(TF + "kms/alias.go", "name", "namePrefix"),
    "aws:cloudwatch/logGroup:LogGroup": _api(
        BOTO + "logs has no operation renaming a log group", "name", "namePrefix"
    ),
    "aws:acm/certificate:Certificate": _rules(
        TF + "acm/certificate.go",
        "certificateAuthorityArn",
        "domainName",
        "keyAlgorithm",
        "subjectAlternativeNames",
        "validationMethod",
        "validationOption",
    ),
    "aws:acm/certificateValidation:CertificateValidation": _rules(
        TF + "acm/certificate_validation.go", "certificateArn", "validationRecordFqdns"
    ),
    "aws:route53/record:Record": _rules(TF + "route53/record.go", "name", "zoneId"),
    "aws:lb/loadBalancer:LoadBalancer": _api(
        BOTO + "elbv2 changes subnets, security groups, IP type and attributes, not these",
        "name",
        "namePrefix",
        "internal",
        "loadBalancerType",
    ),
    "aws:lb/targetGroup:TargetGroup": _api(
        BOTO + "elbv2 ModifyTargetGroup changes health checks only",
        "name",
        "namePrefix",
        "port",
        "protocol",
        "protocolVersion",
        "targetType",
        "vpcId",
    ),
    "aws:lb/listener:Listener": _api(
        BOTO + "elbv2 ModifyListener takes no load balancer", "loadBalancerArn"
    ),
    "aws:lb/listenerRule:ListenerRule": _api(
        BOTO + "elbv2 ModifyRule/SetRulePriorities take no listener", "listenerArn"
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": _api(
        BOTO + "s3 objects are named by bucket and key; there is no rename", "bucket", "key"
    ),
    **{
        f"aws:s3/{token}": _api(BOTO + "s3 configures each bucket on its own", "bucket")
        for token in (
            "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "bucketOwnershipControls:BucketOwnershipControls",
            "bucketPolicy:BucketPolicy",
            "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "bucketVersioning:BucketVersioning",
        )
    },
    "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": _api(
        "aws-load-balancer-controller TargetGroupBinding webhook (spec.targetGroupARN)",
        "spec.targetGroupARN",
    ),
    "kubernetes:apps/v1:Deployment": _rules(K8S_DIFF, *_KUBERNETES_SELECTOR),
    # diff.go spells the kind "Daemonset", so the provider attempts an update; the API
    # server rejects it (the selector is immutable), so the object must be recreated.
    "kubernetes:apps/v1:DaemonSet": (
        Rule("spec.selector", "Kubernetes API: DaemonSet spec.selector is immutable", "api"),
    ),
    "kubernetes:apps/v1:StatefulSet": _rules(
        K8S_DIFF,
        "spec.podManagementPolicy",
        "spec.revisionHistoryLimit",
        "spec.selector",
        "spec.serviceName",
        "spec.volumeClaimTemplates",
    ),
    "kubernetes:core/v1:Service": _rules(K8S_DIFF, "spec.clusterIP"),
    "kubernetes:core/v1:ConfigMap": tuple(
        Rule(path, K8S_DIFF, when=_not_router_files, note=ROUTER_FILES_NOTE)
        for path in ("binaryData", "data")
    ),
    "kubernetes:core/v1:Secret": _rules(K8S_DIFF, "type", "stringData", "data"),
    "kubernetes:batch/v1:Job": _rules(
        K8S_DIFF, "spec.completions", "spec.parallelism", "spec.selector", "spec.template"
    ),
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": _rules(K8S_DIFF, "roleRef"),
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": _rules(K8S_DIFF, "roleRef"),
    "kubernetes:storage.k8s.io/v1:StorageClass": _rules(K8S_DIFF, "parameters", "provisioner"),
    # helm_release.go Diff: forceNewFields := []string{".name", ".namespace"}.
    HELM_RELEASE: _rules(
        "pulumi-kubernetes provider/pkg/provider/helm_release.go", "name", "namespace"
    ),
}

# Every Kubernetes object (not Helm releases, not providers): forceNewProperties always
# starts with metadataForceNewProperties(".metadata").
KUBERNETES_METADATA: Final = _rules(K8S_DIFF, "metadata.name", "metadata.namespace")

# Types with no replace-forcing input at all, known rather than forgotten.
_NO_KIND_ENTRY = ("no kind-specific entry", K8S_DIFF)
NONE_KNOWN: Final[dict[str, tuple[str, str]]] = {
    "kubernetes:core/v1:Namespace": _NO_KIND_ENTRY,
    "kubernetes:core/v1:ServiceAccount": _NO_KIND_ENTRY,
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": _NO_KIND_ENTRY,
    "kubernetes:keda.sh/v1alpha1:ScaledObject": _NO_KIND_ENTRY,
    "kubernetes:http.keda.sh/v1beta1:InterceptorRoute": _NO_KIND_ENTRY,
    "kubernetes:policy/v1:PodDisruptionBudget": ("`.spec` is listed for v1beta1 only", K8S_DIFF),
    # Image.Diff reports every change (tags, build args, platforms, the context's contents)
    # as an update: a rebuild and push under the new tags.
    "docker-build:index:Image": (
        "every change is an update",
        "pulumi-docker-build provider/internal/image.go (Image.Diff)",
    ),
    "aws:ec2/internetGateway:InternetGateway": (
        "ec2 Attach/DetachInternetGateway move it between VPCs",
        BOTO.removesuffix(": "),
    ),
}


def _is_kubernetes_object(type_token: str) -> bool:
    return type_token.startswith("kubernetes:") and type_token != HELM_RELEASE


def rules_for(type_token: str) -> tuple[Rule, ...] | None:
    """The replace rules of a type; None when the table does not know the type."""
    own = TABLE.get(type_token)
    if _is_kubernetes_object(type_token):
        return KUBERNETES_METADATA + (own or ())
    if own is not None:
        return own
    if type_token.startswith("pulumi:providers:") or type_token in NONE_KNOWN:
        return ()
    if type_token.startswith("cortex:"):
        return ()  # our component resources have no inputs of their own
    return None
