"""`cluster:` — the EKS cluster, its network and its node groups (Cortex v0.42 field names)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    AliasChoices,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    field_validator,
    model_validator,
)

from cortex_spec.kubernetes_versions import DEFAULT_VERSION
from cortex_spec.models.base import CidrValue, PolicyArn, check_image
from cortex_spec.models.cortex_edges import host_bits
from cortex_spec.models.identifiers import (
    check_certificate_arn,
    check_cluster_name,
    check_domain,
    check_hosted_zone_id,
    check_kubernetes_version,
    check_region,
)
from cortex_spec.models.legacy import CortexOnlyClusterFields
from cortex_spec.models.node_group import (
    NodeGroup,
    SpotConfig,
    SystemNodeGroup,
    check_instance_type,
)
from cortex_spec.models.subnets import ExistingSubnet, null_as_empty, null_as_none, null_as_open

# Re-exported: callers import node-group models from here too.
__all__ = [
    "ClusterConfig",
    "ExistingSubnet",
    "NodeGroup",
    "SpotConfig",
    "SystemNodeGroup",
    "check_instance_type",
]


class ClusterConfig(CortexOnlyClusterFields):
    """The cluster section: identity, network, load balancer and node groups."""

    name: Annotated[
        str,
        Field(
            default="cortex",
            validation_alias=AliasChoices("name", "cluster_name"),
            description="Cluster name, 3-54 lowercase letters, digits and dashes. Cortex's "
            "`cluster_name` is accepted too.",
        ),
    ]
    region: Annotated[str, Field(description="AWS region, e.g. us-west-2.")]
    availability_zones: Annotated[
        list[str] | None,
        Field(
            default=None,
            description="At least 2 AZs. Default: AZs that offer every node group's type.",
        ),
    ]
    kubernetes_version: Annotated[
        str,
        Field(default=DEFAULT_VERSION, description="EKS Kubernetes minor version, e.g. 1.35."),
    ]
    upgrade_policy: Annotated[
        Literal["standard", "extended"],
        Field(
            default="standard",
            description="What EKS does when the version leaves standard support (EKS upgrade "
            "policy): standard upgrades the control plane itself, never charging extended "
            "support; extended keeps the version, charged as extended support. EKS's own "
            "default is extended.",
        ),
    ]
    subnet_visibility: Annotated[
        Literal["public", "private"],
        Field(
            default="private",
            description="Where nodes run. Default private (Cortex defaulted to public): nodes "
            "get no public IPs and reach the internet through NAT.",
        ),
    ]
    nat_gateway: Annotated[
        Literal["none", "single", "highly_available"] | None,
        Field(
            default=None,
            description="NAT: none, single, or one per AZ. Default: none with `subnets` or "
            "public nodes, else single.",
        ),
    ]
    vpc_cidr: Annotated[
        CidrValue,
        Field(default="192.168.0.0/16", description="CIDR of the new VPC, /16 to /24."),
    ]
    subnets: Annotated[
        list[ExistingSubnet] | None,
        Field(default=None, description="Use an existing VPC: at least 2 subnets."),
    ]
    api_load_balancer_scheme: Annotated[
        Literal["internet-facing", "internal"],
        Field(default="internet-facing", description="Scheme of the shared API load balancer."),
    ]
    api_load_balancer_type: Annotated[
        Literal["alb", "nlb", "elb"],
        Field(
            default="alb",
            description="cortex-infra always builds an application load balancer (path routing "
            "needs layer 7). Cortex's nlb and elb are accepted with a warning.",
        ),
    ]
    api_load_balancer_cidr_white_list: Annotated[
        list[CidrValue],
        BeforeValidator(null_as_open, json_schema_input_type=list[str] | None),
        Field(
            default_factory=lambda: ["0.0.0.0/0"],
            description="Client CIDRs allowed to reach the API load balancer.",
        ),
    ]
    ssl_certificate_arn: Annotated[
        str | None,
        Field(default=None, description="ACM certificate for HTTPS; HTTP then redirects."),
    ]
    domain: Annotated[
        str | None,
        Field(
            default=None,
            description="Host name the APIs are served at over HTTPS "
            "(https://<domain>/<endpoint>), e.g. api.example.com: cortex-infra points it at "
            "the load balancer in its public Route 53 zone and, unless ssl_certificate_arn is "
            "given, requests and validates an ACM certificate for it. Not in Cortex.",
        ),
    ]
    hosted_zone_id: Annotated[
        str | None,
        Field(
            default=None,
            description="Route 53 hosted zone of `domain`, e.g. Z0123456789ABCDEFGHIJ. "
            "Default: the public zone named after the domain's parent (api.example.com → "
            "example.com). Not in Cortex.",
        ),
    ]
    endpoint_public_access: Annotated[
        bool,
        Field(default=True, description="Expose the Kubernetes API endpoint publicly."),
    ]
    endpoint_public_access_cidrs: Annotated[
        list[CidrValue],
        BeforeValidator(null_as_open, json_schema_input_type=list[str] | None),
        Field(
            default_factory=lambda: ["0.0.0.0/0"],
            description="CIDRs allowed to reach the public Kubernetes API endpoint.",
        ),
    ]
    tags: Annotated[
        dict[str, str],
        # Cortex's cluster.yaml template leaves `tags:` empty, which YAML reads as null.
        BeforeValidator(null_as_empty, json_schema_input_type=dict[str, str] | None),
        Field(default_factory=dict, description="AWS tags added to every resource."),
    ]
    iam_policy_arns: Annotated[
        list[PolicyArn],
        BeforeValidator(null_as_none, json_schema_input_type=list[str] | None),
        Field(
            default_factory=list,
            description="Managed IAM policies for every API's role, Cortex's reach (Cortex "
            "attached them to the nodes, with S3 full access by default; here the default is "
            "none). Prefer apis[*].iam_policy_arns, which grants one API only: this field "
            "needs iam_policy_arns_scope: all_apis, except in a Cortex v0.42 cluster.yaml, "
            "where it keeps working with a warning.",
        ),
    ]
    iam_policy_arns_scope: Annotated[
        Literal["all_apis"] | None,
        Field(
            default=None,
            description="all_apis: attach cluster.iam_policy_arns to every API's role, "
            "knowingly (listed as a risk in the plan). Not in Cortex.",
        ),
    ]
    runtime_image: Annotated[
        str | None,
        Field(
            default=None,
            description="Image that serves predictor-form APIs. Default: the runtime image in "
            "the ECR repository the stack creates.",
        ),
    ]
    system_node_group: Annotated[
        SystemNodeGroup,
        Field(default_factory=SystemNodeGroup, description="Nodes for cluster add-ons."),
    ]
    node_groups: Annotated[
        list[NodeGroup] | None,
        Field(default=None, max_length=100, description="Worker node groups (at most 100)."),
    ]

    # CIDRs written with host bits set, normalised: (path, as written, normalised); warned
    # of by rules/cluster_rules.py.
    _normalised_cidrs: tuple[tuple[tuple[str | int, ...], str, str], ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _host_bits(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        model = handler(data)
        if isinstance(data, dict):  # not when an already-built model is validated again
            model._normalised_cidrs = tuple(host_bits(data))
        return model

    @field_validator("availability_zones", mode="before")
    @classmethod
    def _empty_zones(cls, value: object) -> object:
        # cluster_config.go (v0.42.1) lines 579-585: AllowEmpty, so [] meant "choose them".
        return None if value == [] else value

    @model_validator(mode="before")
    @classmethod
    def _cortex_visibility(cls, data: Any) -> Any:
        """`nat_gateway: none` alone keeps Cortex's public nodes: with private ones it would be
        an error (pkg/types/clusterconfig/cluster_config.go at v0.42.1 defaults
        SubnetVisibility to public and derives nat_gateway from it)."""
        if (
            isinstance(data, dict)
            and data.get("nat_gateway") == "none"
            # Left out, not an explicit null: null is not a visibility (nor in the schema).
            and "subnet_visibility" not in data
            and not data.get("subnets")
        ):
            return {**data, "subnet_visibility": "public"}
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_cluster_name(value)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        return check_region(value)

    @field_validator("kubernetes_version")
    @classmethod
    def _version(cls, value: str) -> str:
        return check_kubernetes_version(value)

    @field_validator("ssl_certificate_arn")
    @classmethod
    def _certificate(cls, value: str | None) -> str | None:
        return None if value is None else check_certificate_arn(value)

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return None if value is None else check_domain(value)

    @field_validator("hosted_zone_id")
    @classmethod
    def _hosted_zone_id(cls, value: str | None) -> str | None:
        return None if value is None else check_hosted_zone_id(value)

    @field_validator("runtime_image")
    @classmethod
    def _runtime_image(cls, value: str | None) -> str | None:
        return None if value is None else check_image(value)

    @property
    def serves_https(self) -> bool:
        """HTTPS on 443 (and HTTP redirecting to it): with a certificate or a domain."""
        return self.ssl_certificate_arn is not None or self.domain is not None

    @property
    def worker_groups(self) -> list[NodeGroup]:
        return list(self.node_groups or [])

    @property
    def resolved_nat_gateway(self) -> Literal["none", "single", "highly_available"]:
        if self.nat_gateway is not None:
            return self.nat_gateway
        return "none" if self.subnets or self.subnet_visibility == "public" else "single"
