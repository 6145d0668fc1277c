"""The one table of inputs whose change recreates a resource, per type token we use.

An offline diff sees only inputs, never a provider's `Diff`, so it cannot ask AWS or
Kubernetes whether a change is in place. This table says so instead, from the providers'
own sources (pulumi-aws and pulumi-kubernetes replace exactly where these say):

- AWS types are bridged from the Terraform AWS provider; its schema marks such arguments
  `ForceNew: true` ("Forces new resource" in its docs). Paths are Pulumi's camelCase wire
  names; Terraform's one-element blocks (`scaling_config`) are plain objects here.
- Kubernetes types: pulumi-kubernetes `provider/pkg/provider/diff.go` (`forceNewProperties`):
  `metadata.name` and `metadata.namespace` of every kind, plus immutable fields per kind
  (their rows are in `kubernetes_replacements.py`, merged into `TABLE` here).
- A few fields are not `ForceNew` but the cloud API refuses to change them in place
  (`kind="api"`): the update would fail, so the resource must be recreated all the same.

`replace_matcher.py` applies it; docs/diff.md shows it (a test keeps them equal).
"""

from __future__ import annotations

from typing import Any, Final

from offline.kubernetes_replacements import (
    HELM_RELEASE,
    K8S_DIFF,
    KUBERNETES,
    KUBERNETES_METADATA,
)
from offline.replace_rule import Rule, api_rules, provider_rules

TF: Final = "terraform-provider-aws internal/service/"


def _disjoint(before: Any, after: Any) -> bool:
    """Subnet lists with nothing in common: the cluster would move to another VPC."""
    if not isinstance(before, list) or not isinstance(after, list) or not before:
        return False
    return not set(map(str, before)) & set(map(str, after))


def _removed(before: Any, after: Any) -> bool:
    return before not in (None, [], {}) and after in (None, [], {})


BOTO: Final = "botocore service model: "


_EKS_CLUSTER = (
    *provider_rules(
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

TABLE: Final[dict[str, tuple[Rule, ...]]] = {
    "aws:eks/cluster:Cluster": _EKS_CLUSTER,
    # Our dynamic resource replaces itself when it points at another node group
    # (`NodeGroupScalingProvider.diff`); min and max are updated in place.
    "pulumi-python:dynamic/cortex:NodeGroupScaling": provider_rules(
        "infra/node_scaling.py", "clusterName", "nodegroupName", "region"
    ),
    "aws:eks/nodeGroup:NodeGroup": provider_rules(
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
    "aws:ec2/launchTemplate:LaunchTemplate": provider_rules(
        TF + "ec2/ec2_launch_template.go", "name", "namePrefix"
    ),
    "aws:ec2/vpc:Vpc": provider_rules(
        TF + "ec2/vpc_.go", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"
    ),
    "aws:ec2/subnet:Subnet": provider_rules(
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
    "aws:ec2/securityGroup:SecurityGroup": provider_rules(
        TF + "ec2/vpc_security_group.go", "description", "name", "namePrefix", "vpcId"
    ),
    "aws:iam/role:Role": provider_rules(TF + "iam/role.go", "name", "namePrefix", "path"),
    "aws:iam/rolePolicy:RolePolicy": provider_rules(
        TF + "iam/role_policy.go", "name", "namePrefix", "role"
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": provider_rules(
        TF + "iam/role_policy_attachment.go", "role", "policyArn"
    ),
    "aws:ecr/repository:Repository": provider_rules(
        TF + "ecr/repository.go", "name", "encryptionConfigurations"
    ),
    "aws:s3/bucket:Bucket": provider_rules(TF + "s3/bucket.go", "bucket", "bucketPrefix"),
    "aws:s3/bucketV2:BucketV2": provider_rules(TF + "s3/bucket.go", "bucket", "bucketPrefix"),
    "aws:sqs/queue:Queue": provider_rules(TF + "sqs/queue.go", "name", "namePrefix", "fifoQueue"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": provider_rules(
        TF + "ec2/vpc_route_table_association.go", "gatewayId", "subnetId"
    ),
    "aws:ec2/natGateway:NatGateway": provider_rules(
        TF + "ec2/vpc_nat_gateway.go", "allocationId", "connectivityType", "privateIp", "subnetId"
    ),
    "aws:ec2/eip:Eip": provider_rules(TF + "ec2/ec2_eip.go", "address"),
    "aws:ec2/routeTable:RouteTable": api_rules(
        BOTO + "ec2 has no operation moving a route table", "vpcId"
    ),
    "aws:ec2/route:Route": api_rules(
        BOTO + "ec2 ReplaceRoute changes a route's target, not its table or destination",
        "routeTableId",
        "destinationCidrBlock",
        "destinationIpv6CidrBlock",
        "destinationPrefixListId",
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": api_rules(
        BOTO + "ec2 ModifySecurityGroupRules edits rules within their group", "securityGroupId"
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": api_rules(
        BOTO + "ec2 ModifySecurityGroupRules edits rules within their group", "securityGroupId"
    ),
    "aws:eks/addon:Addon": provider_rules(TF + "eks/addon.go", "addonName", "clusterName"),
    "aws:autoscaling/tag:Tag": provider_rules(
        TF + "autoscaling/group_tag.go", "autoscalingGroupName", "tag.key"
    ),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": api_rules(
        BOTO + "iam updates a provider's client IDs and thumbprints, never its URL", "url"
    ),
    "aws:kms/key:Key": api_rules(
        BOTO + "kms UpdateKeyDescription/UpdatePrimaryRegion change neither usage nor spec",
        "keyUsage",
        "keySpec",
        "customerMasterKeySpec",
        "multiRegion",
        "customKeyStoreId",
    ),
    "aws:kms/alias:Alias": provider_rules(TF + "kms/alias.go", "name", "namePrefix"),
    "aws:cloudwatch/logGroup:LogGroup": api_rules(
        BOTO + "logs has no operation renaming a log group", "name", "namePrefix"
    ),
    "aws:acm/certificate:Certificate": provider_rules(
        TF + "acm/certificate.go",
        "certificateAuthorityArn",
        "domainName",
        "keyAlgorithm",
        "subjectAlternativeNames",
        "validationMethod",
        "validationOption",
    ),
    "aws:acm/certificateValidation:CertificateValidation": provider_rules(
        TF + "acm/certificate_validation.go", "certificateArn", "validationRecordFqdns"
    ),
    "aws:route53/record:Record": provider_rules(TF + "route53/record.go", "name", "zoneId"),
    "aws:lb/loadBalancer:LoadBalancer": api_rules(
        BOTO + "elbv2 changes subnets, security groups, IP type and attributes, not these",
        "name",
        "namePrefix",
        "internal",
        "loadBalancerType",
    ),
    "aws:lb/targetGroup:TargetGroup": api_rules(
        BOTO + "elbv2 ModifyTargetGroup changes health checks only",
        "name",
        "namePrefix",
        "port",
        "protocol",
        "protocolVersion",
        "targetType",
        "vpcId",
    ),
    "aws:lb/listener:Listener": api_rules(
        BOTO + "elbv2 ModifyListener takes no load balancer", "loadBalancerArn"
    ),
    "aws:lb/listenerRule:ListenerRule": api_rules(
        BOTO + "elbv2 ModifyRule/SetRulePriorities take no listener", "listenerArn"
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": api_rules(
        BOTO + "s3 objects are named by bucket and key; there is no rename", "bucket", "key"
    ),
    **{
        f"aws:s3/{token}": api_rules(BOTO + "s3 configures each bucket on its own", "bucket")
        for token in (
            "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "bucketOwnershipControls:BucketOwnershipControls",
            "bucketPolicy:BucketPolicy",
            "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "bucketVersioning:BucketVersioning",
        )
    },
    **KUBERNETES,
}

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
