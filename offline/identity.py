"""Physical identity: which inputs name a resource in its cloud, and within what scope.

One table, `IDENTITIES`, says per type which inputs form a key that AWS or Kubernetes keeps
unique, and within what: the account and region, or an owning resource (a security group's
VPC, a node group's cluster, a listener's load balancer). Kubernetes objects are keyed by
API group, kind, namespace and name within their cluster (`KUBERNETES`).

An absent name is no key: pulumi-aws auto-names the field (`<logical name>-<random>`,
pulumi-terraform-bridge `info.AutoName`), pulumi-kubernetes auto-names `metadata.name`, and a
`namePrefix` makes Terraform append a unique suffix, so every physical instance gets a name
of its own. An explicit name also decides the replacement order (replacement_mode.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from offline.paths import MISSING, parse_path, value_at

BOTO: Final = "botocore model: "
ACCOUNT: Final = "account and region"
HELM_RELEASE: Final = "kubernetes:helm.sh/v3:Release"
DUPLICATE_NAME: Final = "duplicate-name"
# Kinds without a namespace (kubectl api-resources --namespaced=false, Kubernetes v1.33).
CLUSTER_SCOPED: Final = frozenset(
    {
        *("APIService", "CSIDriver", "CSINode", "ClusterRole", "ClusterRoleBinding"),
        *("CustomResourceDefinition", "IngressClass", "MutatingWebhookConfiguration"),
        *("Namespace", "Node", "PersistentVolume", "PriorityClass", "RuntimeClass"),
        *("StorageClass", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"),
        *("ValidatingWebhookConfiguration", "VolumeAttachment"),
    }
)


@dataclass(frozen=True)
class Owner:
    """The key's scope is another resource: the dependency of `type` that `field` reads."""

    type: str
    field: str  # the input whose property dependency names the owner
    what: str
    path: str = ""  # where the owner's reference sits in the inputs, when not `field`

    @property
    def value_path(self) -> str:
        return self.path or self.field


@dataclass(frozen=True)
class Identity:
    type: str
    what: str  # what the key names, for messages
    fields: tuple[str, ...]  # input paths forming the key; the key exists when all are set
    source: str
    code: str = DUPLICATE_NAME
    owner: Owner | None = None  # None: unique in the account and region
    autonamed: tuple[str, ...] = ()  # pulumi-aws AutoName fields
    prefixes: tuple[str, ...] = ()  # set: the provider generates a unique name
    case_insensitive: bool = False
    # Dependents read this name (an IAM role ARN, a bucket name), not a per-instance ID:
    # a replacement that keeps the name changes nothing downstream.
    named_reference: bool = False
    space: str = ACCOUNT  # the scope when there is no owner

    @property
    def scope(self) -> str:
        return f"per {self.owner.what}" if self.owner else self.space


def _named(type_token: str, what: str, source: str, **extra: Any) -> Identity:
    """A row for a name pulumi-aws auto-names, with Terraform's `namePrefix` by default."""
    fields = extra.pop("fields", ("name",))
    prefixes = extra.pop("prefixes", ("namePrefix",))
    return Identity(type_token, what, fields, source, autonamed=fields, prefixes=prefixes, **extra)


_VPC = Owner("aws:ec2/vpc:Vpc", "vpcId", "VPC")
_CLUSTER = Owner("aws:eks/cluster:Cluster", "clusterName", "EKS cluster")
_ELBV2 = BOTO + "elbv2 2015-12-01 "
IDENTITIES: Final[dict[str, Identity]] = {
    row.type: row
    for row in (
        _named(
            "aws:lb/loadBalancer:LoadBalancer",
            "load balancer name",
            _ELBV2 + "CreateLoadBalancer Name: unique per region per account",
        ),
        _named(
            "aws:lb/targetGroup:TargetGroup",
            "target group name",
            _ELBV2 + "CreateTargetGroup Name: unique per region per account",
        ),
        _named(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "launch template name",
            "EC2 API error codes: InvalidLaunchTemplateName.AlreadyExistsException",
        ),
        _named(
            "aws:iam/role:Role",
            "IAM role name",
            BOTO + "iam CreateRole RoleName: unique within the account, not by case",
            case_insensitive=True,
            space="account",
            named_reference=True,
        ),
        _named(
            "aws:iam/policy:Policy",
            "IAM policy name",
            BOTO + "iam CreatePolicy PolicyName: unique within the account, not by case",
            case_insensitive=True,
            space="account",
            named_reference=True,
        ),
        _named(
            "aws:iam/rolePolicy:RolePolicy",
            "inline policy name",
            BOTO + "iam PutRolePolicy: a second policy of one name overwrites the first",
            owner=Owner("aws:iam/role:Role", "role", "IAM role"),
        ),
        _named(
            "aws:ec2/securityGroup:SecurityGroup",
            "security group name",
            BOTO + "ec2 CreateSecurityGroup GroupName: unique within the VPC, not by case",
            owner=_VPC,
            case_insensitive=True,
        ),
        _named(
            "aws:eks/cluster:Cluster",
            "EKS cluster name",
            BOTO + "eks CreateCluster name: unique within the Region (ResourceInUseException)",
            prefixes=(),
            named_reference=True,
        ),
        _named(
            "aws:eks/nodeGroup:NodeGroup",
            "node group name",
            BOTO + "eks CreateNodegroup nodegroupName: unique name (ResourceInUseException)",
            fields=("nodeGroupName",),
            prefixes=("nodeGroupNamePrefix",),
            owner=_CLUSTER,
        ),
        Identity(
            "aws:eks/addon:Addon",
            "EKS add-on",
            ("addonName",),
            BOTO + "eks CreateAddon: one add-on of a name per cluster (ResourceInUseException)",
            owner=_CLUSTER,
        ),
        _named(
            "aws:kms/alias:Alias",
            "KMS alias",
            BOTO + "kms CreateAlias (AlreadyExistsException)",
            named_reference=True,
        ),
        _named(
            "aws:cloudwatch/logGroup:LogGroup",
            "log group name",
            BOTO + "logs CreateLogGroup (ResourceAlreadyExistsException)",
            named_reference=True,
        ),
        _named(
            "aws:sqs/queue:Queue",
            "SQS queue name",
            BOTO + "sqs CreateQueue (QueueNameExists: a name is one queue per account and region)",
        ),
        _named(
            "aws:ecr/repository:Repository",
            "ECR repository name",
            BOTO + "ecr CreateRepository (RepositoryAlreadyExistsException)",
            prefixes=(),
            named_reference=True,
        ),
        *(
            _named(
                token,
                "S3 bucket name",
                BOTO + "s3 CreateBucket (BucketAlreadyExists, BucketAlreadyOwnedByYou)",
                fields=("bucket",),
                prefixes=("bucketPrefix",),
                named_reference=True,
                space="partition (global)",
            )
            for token in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
        ),
        Identity(
            "aws:route53/record:Record",
            "DNS record",
            ("name", "type"),
            BOTO + "route53 ChangeResourceRecordSets CREATE; terraform-provider-aws "
            "aws_route53_record allow_overwrite (default false; true overwrites, then the "
            "old record's delete removes it)",
            owner=Owner("aws:route53/zone:Zone", "zoneId", "hosted zone"),
        ),
        Identity(
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            "OIDC provider URL",
            ("url",),
            BOTO + "iam CreateOpenIDConnectProvider (EntityAlreadyExistsException)",
            space="account",
            named_reference=True,
        ),
        Identity(
            "aws:lb/listener:Listener",
            "listener port",
            ("port",),
            _ELBV2 + "CreateListener/ModifyListener: DuplicateListenerException",
            code="duplicate-listener-port",
            owner=Owner("aws:lb/loadBalancer:LoadBalancer", "loadBalancerArn", "load balancer"),
        ),
        Identity(
            "aws:lb/listenerRule:ListenerRule",
            "rule priority",
            ("priority",),
            _ELBV2 + "CreateRule/SetRulePriorities: PriorityInUseException",
            code="duplicate-rule-priority",
            owner=Owner("aws:lb/listener:Listener", "listenerArn", "listener"),
        ),
        Identity(
            "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
            "binding",
            (),
            "aws-load-balancer-controller webhooks/elbv2/targetgroupbinding_validator.go "
            "checkExistingTargetGroups",
            code="duplicate-target-group-binding",
            owner=Owner(
                "aws:lb/targetGroup:TargetGroup", "spec", "target group", "spec.targetGroupARN"
            ),
        ),
    )
}
KUBERNETES: Final = Identity(
    "every kubernetes: object",
    "Kubernetes object",
    ("apiVersion", "kind", "metadata.namespace", "metadata.name"),
    "Kubernetes API: names are unique per group, kind and namespace "
    "(kubernetes.io/docs/concepts/overview/working-with-objects/names)",
    autonamed=("metadata.name",),
    prefixes=("metadata.generateName",),
    named_reference=True,
)
HELM: Final = Identity(
    HELM_RELEASE,
    "Helm release",
    ("namespace", "name"),
    "Helm 3: release names are scoped to their namespace (helm.sh/docs/faq/changes_since_helm2)",
    autonamed=("name",),
    named_reference=True,
)


def rows_for(type_token: str) -> tuple[Identity, ...]:
    """Every identity a resource of this type claims (a TargetGroupBinding claims two)."""
    if type_token == HELM_RELEASE:
        return (HELM,)
    own = IDENTITIES.get(type_token)
    if type_token.startswith("kubernetes:"):
        return (KUBERNETES, own) if own else (KUBERNETES,)
    return (own,) if own else ()


def _set(inputs: dict[str, Any], path: str) -> Any:
    found = value_at(inputs, parse_path(path))
    return None if found is MISSING or found in (None, "") else found


def key_of(row: Identity, inputs: dict[str, Any]) -> tuple[str, ...] | None:
    """The key an instance with these inputs claims under `row`, without its scope; None
    when it claims none (auto-named, prefixed, a field unknown or unset)."""
    if any(_set(inputs, p) is not None for p in row.prefixes):
        return None
    if row is KUBERNETES:
        return _kubernetes_key(inputs)
    values = [_set(inputs, path) for path in row.fields]
    if any(v is None or v == "[unknown]" for v in values):
        return None
    text = tuple(str(v).lower() if row.case_insensitive else str(v) for v in values)
    return (row.what, *text)


def _kubernetes_key(inputs: dict[str, Any]) -> tuple[str, ...] | None:
    name, kind = _set(inputs, "metadata.name"), _set(inputs, "kind")
    if name is None or kind is None or name == "[unknown]":
        return None
    group = str(_set(inputs, "apiVersion") or "").rpartition("/")[0]
    namespace = "" if kind in CLUSTER_SCOPED else str(_set(inputs, "metadata.namespace") or "")
    return (KUBERNETES.what, group, str(kind), namespace or "default", str(name))


def markdown_table() -> str:
    """The identity table as docs/diff.md shows it."""
    lines = ["| type | key | scope | auto-named when | source |", "|---|---|---|---|---|"]
    for row in [KUBERNETES, HELM, *sorted(IDENTITIES.values(), key=lambda r: r.type)]:
        key = ", ".join(f"`{f}`" for f in row.fields) or "(the target group)"
        scope = "per cluster" if row in (KUBERNETES, HELM) else row.scope
        auto = [f"`{f}` unset" for f in row.autonamed] + [f"`{p}` set" for p in row.prefixes]
        name = row.type if row is KUBERNETES else f"`{row.type}`"
        cells = [name, key, scope, ", ".join(auto) or "never", row.source]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"
