"""Where cortex-infra deliberately behaves differently from Cortex v0.42, said in one place.

Each difference is a message (what Cortex did, what cortex-infra does) and a fix (the line to
write to choose). Rules turn them into located warnings or errors; keeping the words here
lets every place that reports a difference (validation, the plan's risks, docs) say the same
thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class CortexDifference:
    code: str
    message: str
    hint: str


def iam_policy_arns_scope(
    arns: list[str], apis: list[str], *, cortex_file: bool
) -> CortexDifference:
    """`cluster.iam_policy_arns` without `iam_policy_arns_scope`.

    Cortex attached these policies to the node role, so every pod of the cluster could use
    them (S3 full access by default). cortex-infra gives each API its own role; attaching
    a cluster-wide list to all of them is Cortex's reach, and has to be asked for. A Cortex
    v0.42 cluster.yaml (`cortex_file`) keeps Cortex's behaviour, with this warning; a
    cortex-infra spec is refused until the choice is written down.
    """
    shown = ", ".join(arns) if len(arns) <= 2 else f"{arns[0]} and {len(arns) - 1} more"
    names = ", ".join(apis) if apis else "every API"
    if cortex_file:
        message = (
            f"{shown} will be attached to the IAM role of every API ({names}), as Cortex "
            "gave every pod its nodes' policies; cortex-infra otherwise grants each API only "
            "what it names in apis[*].iam_policy_arns"
        )
    else:
        message = (
            f"would attach {shown} to the IAM role of every API ({names}); cortex-infra "
            "grants policies per API"
        )
    return CortexDifference(
        code="cluster-iam-policy-arns",
        message=message,
        hint=(
            "move each ARN to the APIs that need it (apis[*].iam_policy_arns: [...]), or "
            "keep Cortex's behaviour by adding `iam_policy_arns_scope: all_apis` next to "
            "iam_policy_arns"
        ),
    )


# pkg/types/clusterconfig/cluster_config.go (v0.42.1): `IAMPolicyARNs` defaults to
# ["arn:aws:iam::aws:policy/AmazonS3FullAccess"], attached to the nodes (so every API had it).
CORTEX_IAM_POLICY: Final = "arn:aws:iam::aws:policy/AmazonS3FullAccess"


def iam_policy_arns_unset() -> CortexDifference:
    """A Cortex v0.42 cluster.yaml without `iam_policy_arns`.

    Cortex defaulted the list to S3 full access on the nodes, so every API could use S3.
    cortex-infra applies no default: each API's role holds its bundle, its `secret:`
    references and its own `apis[*].iam_policy_arns`. Writing the list in the cluster.yaml
    keeps Cortex's reach (`iam_policy_arns_scope`'s warning then says so).
    """
    return CortexDifference(
        code="cluster-iam-policy-arns-unset",
        message=(
            f"iam_policy_arns is not set: Cortex's default was [{CORTEX_IAM_POLICY}] for every "
            "API; cortex-infra's is none (each API's role reads only its code bundle, its "
            "secret: references and its own apis[*].iam_policy_arns)"
        ),
        hint=(
            f"give the APIs that read S3 `iam_policy_arns: [{CORTEX_IAM_POLICY}]` "
            "(apis[*].iam_policy_arns), or add "
            f"`iam_policy_arns: [{CORTEX_IAM_POLICY}]` to cluster.yaml to keep Cortex's "
            "reach (every API's role, warned), or `iam_policy_arns: []` to keep least "
            "privilege and silence this"
        ),
    )


POLICIES_ON_EVERY_API: Final = (
    "every API's role gets these policies, including APIs that never use them: a flaw in "
    "one API's code reaches whatever they allow. Move them to apis[*].iam_policy_arns of "
    "the APIs that need them, and remove them (and iam_policy_arns_scope) from the cluster"
)
