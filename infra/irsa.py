"""IAM roles for Kubernetes service accounts (IRSA): one role per controller and per API.

The trust policy admits exactly one service account of one namespace through the cluster's
OIDC provider, with the `sts.amazonaws.com` audience; the permissions are an inline policy
written for that one workload (least privilege), plus any managed policies named explicitly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws


def policy_document(statements: list[dict[str, Any]]) -> pulumi.Output[str]:
    """A policy document; statements may hold Outputs (ARNs known only at deploy time)."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})


def trust_policy(
    oidc_provider_arn: pulumi.Input[str],
    oidc_issuer: pulumi.Input[str],
    namespace: str,
    service_account: str,
) -> pulumi.Output[str]:
    return pulumi.Output.all(oidc_provider_arn, oidc_issuer).apply(
        lambda args: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Federated": args[0]},
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {
                            "StringEquals": {
                                f"{args[1]}:sub": (
                                    f"system:serviceaccount:{namespace}:{service_account}"
                                ),
                                f"{args[1]}:aud": "sts.amazonaws.com",
                            }
                        },
                    }
                ],
            }
        )
    )


@dataclass(frozen=True)
class IrsaRoleArgs:
    role_name: str
    namespace: str
    service_account: str
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]
    policy: pulumi.Input[str] | None = None
    managed_policy_arns: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)


def attachment_key(arn: str, arns: tuple[str, ...]) -> str:
    """An attachment's name suffix: its policy's name (plus a digest of the ARN when two
    policies share a name), never its position. Keyed by position, removing the first
    policy would replace attachment 0 with the second policy's ARN and delete attachment 1,
    and IAM's DetachRolePolicy would then remove the policy that attachment 0 just
    re-attached (AttachRolePolicy is idempotent: two attachments of one policy are one)."""
    short = arn.rsplit("/", 1)[-1]
    if sum(1 for other in arns if other.rsplit("/", 1)[-1] == short) == 1:
        return short
    return f"{short}-{hashlib.sha256(arn.encode()).hexdigest()[:8]}"


class IrsaRole(pulumi.ComponentResource):
    """An IAM role that one Kubernetes service account may assume."""

    # The role's ARN once its policies are attached: what every consumer must use.
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:IrsaRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            assume_role_policy=trust_policy(
                args.oidc_provider_arn, args.oidc_issuer, args.namespace, args.service_account
            ),
            description=f"IRSA role of {args.namespace}/{args.service_account}",
            tags=args.tags,
            opts=child,
        )
        grants: list[pulumi.Output[str]] = []
        if args.policy is not None:
            inline = aws.iam.RolePolicy(
                f"{name}-policy",
                name=f"{args.role_name}-inline",
                role=role.id,
                policy=args.policy,
                opts=child,
            )
            grants.append(inline.id)
        for index, arn in enumerate(args.managed_policy_arns):
            attachment = aws.iam.RolePolicyAttachment(
                f"{name}-managed-{attachment_key(arn, args.managed_policy_arns)}",
                role=role.name,
                policy_arn=arn,
                # Stacks deployed before attachments were keyed by policy knew them by
                # position; the alias carries each over without a detach.
                opts=pulumi.ResourceOptions(
                    parent=self, aliases=[pulumi.Alias(name=f"{name}-managed-{index}")]
                ),
            )
            grants.append(attachment.id)
        # A workload handed the bare role ARN could start before its permissions exist and
        # fail its first AWS calls (or crash-loop). This ARN resolves only once every policy
        # is attached, and carries those resources as dependencies to whoever consumes it.
        self.arn = pulumi.Output.all(role.arn, *grants).apply(lambda values: str(values[0]))
        self.register_outputs({"arn": self.arn})
