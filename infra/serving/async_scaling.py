"""An AsyncAPI's workers scale on their queue: KEDA's `aws-sqs-queue` scaler.

The trigger (keda.sh/docs/2.20/scalers/aws-sqs; metadata keys as parsed by
pkg/scalers/aws_sqs_queue_scaler.go at kedacore/keda v2.20.2): `queueURL`, `awsRegion`,
`queueLength` (the target per replica, an integer) and `scaleOnInFlight: "true"`, so the
depth is `ApproximateNumberOfMessages + ApproximateNumberOfMessagesNotVisible`: queued plus
in progress, Cortex's own `cortex_async_in_flight` (cortex-spec.md §7). `min_replicas: 0`
is KEDA's `minReplicaCount: 0`: no replica while the queue is empty, one as soon as a
message waits (activation at more than 0 messages). Cortex's rate limits and
stabilization windows map to the HPA `behavior` exactly as for a RealtimeAPI
(scaling_rules.behavior).

Authentication (keda.sh/docs/2.20/authentication-providers/aws, "AWS (IRSA) Pod Identity
Webhook"): a `TriggerAuthentication` with `podIdentity: {provider: aws}` and no `roleArn`
or `identityOwner` uses the KEDA operator's own role. That role is the stack's
(`KedaQueueReader`), given to the operator's service account by the chart's values
`podIdentity.aws.irsa.enabled` and `podIdentity.aws.irsa.roleArn` (same page), and may
only read the attributes of the stack's AsyncAPI queues (async_policies.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pulumi

from cortex_spec import naming
from cortex_spec.models.api import WorkloadAPI
from infra.handles import ClusterHandle
from infra.irsa import IrsaRole, IrsaRoleArgs, policy_document
from infra.serving import async_policies, scaling_rules

Manifest = dict[str, Any]

QUEUE_TRIGGER: Final = "queue"
# The chart's operator service account (`serviceAccount.operator.name` default).
KEDA_OPERATOR_ACCOUNT: Final = "keda-operator"


def queue_length(api: WorkloadAPI) -> int:
    """`target_in_flight` as the scaler's integer target: floored (at least 1), so a
    fractional target asks for at least as many replicas as Cortex would."""
    return max(1, int(api.target_in_flight))


def trigger_authentication_spec() -> Manifest:
    return {"podIdentity": {"provider": "aws"}}


def scaled_object_spec(
    api: WorkloadAPI, *, deployment: str, hpa_name: str, queue_url: str, region: str, auth: str
) -> Manifest:
    knobs = api.autoscaling
    return {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
        "minReplicaCount": knobs.min_replicas,
        "maxReplicaCount": knobs.max_replicas,
        "pollingInterval": scaling_rules.TICK_SECONDS,
        # Only the last step, 1 → 0, waits for this (scaling_rules.scaled_object_spec).
        "cooldownPeriod": min(
            int(knobs.downscale_stabilization_period.seconds),
            scaling_rules.MAX_STABILIZATION_SECONDS,
        ),
        "advanced": {
            "horizontalPodAutoscalerConfig": {
                "name": hpa_name,
                "behavior": scaling_rules.behavior(knobs),
            },
        },
        "triggers": [
            {
                "type": "aws-sqs-queue",
                "name": QUEUE_TRIGGER,
                "authenticationRef": {"name": auth},
                "metadata": {
                    "queueURL": queue_url,
                    "awsRegion": region,
                    "queueLength": str(queue_length(api)),
                    "scaleOnInFlight": "true",
                },
            }
        ],
    }


@dataclass(frozen=True)
class KedaQueueReaderArgs:
    cluster: ClusterHandle
    cluster_name: str
    queue_arns: list[pulumi.Output[str]]
    tags: dict[str, str]


class KedaQueueReader(pulumi.ComponentResource):
    """The KEDA operator's IRSA role: GetQueueAttributes on the AsyncAPI queues only."""

    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: KedaQueueReaderArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:KedaQueueReader", name, None, opts)
        from infra.serving.metrics_stack import KEDA_NAMESPACE  # noqa: PLC0415 - no cycle

        statements = pulumi.Output.all(*args.queue_arns).apply(
            lambda arns: async_policies.scaler_statements([str(a) for a in arns])
        )
        role = IrsaRole(
            f"{name}-role",
            IrsaRoleArgs(
                role_name=naming.iam_role_name(args.cluster_name, "keda-operator"),
                namespace=KEDA_NAMESPACE,
                service_account=KEDA_OPERATOR_ACCOUNT,
                oidc_provider_arn=args.cluster.oidc_provider_arn,
                oidc_issuer=args.cluster.oidc_issuer,
                policy=statements.apply(policy_document),
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.role_arn = role.arn
        self.register_outputs({})
