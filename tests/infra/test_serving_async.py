"""AsyncAPIs in the plan: queue and dead-letter queue, the encrypted bucket and its
lifecycle, the gateway behind the router, workers with their dequeuer, SQS-scaled
ScaledObjects, and least-privilege roles for the gateway, the workers and KEDA."""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline.graph import PlanGraph, PlannedResource
from tests.infra.serving_fixtures.plans import async_plan, named, of_type, policy

pytestmark = pytest.mark.slow

QUEUE = "serving-summarizer-queues-queue"


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return async_plan()


def _containers(deployment: PlannedResource) -> dict[str, dict[str, Any]]:
    spec = deployment.inputs["spec"]["template"]["spec"]
    return {c["name"]: c for c in spec["containers"]}


def _env(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container["env"]}


def _urn(plan: PlanGraph, name: str) -> str:
    return next(r.urn for r in plan.resources if r.name == name)


def test_each_async_api_has_a_prefixed_encrypted_queue_redriven_to_its_dlq(
    plan: PlanGraph,
) -> None:
    """Names from prefixes (create-before-delete never clashes), SSE-SQS, and a redrive
    policy to the API's own DLQ after 3 receipts; no RealtimeAPI gets a queue."""
    queues = {r.name: r.inputs for r in of_type(plan, "sqs/queue:Queue")}
    assert sorted(queues) == [
        "serving-summarizer-queues-dlq",
        QUEUE,
        "serving-transcriber-queues-dlq",
        "serving-transcriber-queues-queue",
    ]
    queue = queues[QUEUE]
    assert "name" not in queue
    assert queue["namePrefix"] == "async-test_summarizer-"
    assert queues["serving-summarizer-queues-dlq"]["namePrefix"] == "async-test_summarizer_dlq-"
    assert all(q["sqsManagedSseEnabled"] for q in queues.values())
    redrive = json.loads(queue["redrivePolicy"])
    assert redrive["maxReceiveCount"] == 3
    assert ":async-test_summarizer_dlq-" in redrive["deadLetterTargetArn"]


def test_one_kms_encrypted_private_bucket_expires_requests_after_seven_days(
    plan: PlanGraph,
) -> None:
    """SSE-KMS with the stack's async key, every public access blocked, TLS only, and a
    lifecycle rule expiring `apis/` after Cortex's 7 days."""
    bucket = named(plan, "s3/bucket:Bucket", "serving-async-bucket").inputs
    assert bucket["bucketPrefix"] == "async-test-async-"
    assert "bucket" not in bucket
    encryption = named(
        plan,
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "serving-async-encryption",
    ).inputs["rules"][0]
    assert encryption["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert encryption["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"].startswith(
        "arn:aws:kms:"
    )
    block = named(
        plan, "bucketPublicAccessBlock:BucketPublicAccessBlock", "serving-async-public-access"
    ).inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))
    assert block["restrictPublicBuckets"]
    [rule] = named(plan, "BucketLifecycleConfiguration", "serving-async-lifecycle").inputs["rules"]
    assert rule["filter"] == {"prefix": "apis/"}
    assert rule["expiration"] == {"days": 7}
    assert rule["status"] == "Enabled"
    tls = policy(named(plan, "bucketPolicy:BucketPolicy", "serving-async-tls-only"))
    assert tls["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert named(plan, "kms/key:Key", "serving-async-key").inputs["enableKeyRotation"]


def test_the_router_sends_the_endpoint_to_the_gateway_on_system_nodes(plan: PlanGraph) -> None:
    """The route goes to `gateway-<name>` (headless), two replicas on the system group,
    labelled apart from the workers (no pod under two PodDisruptionBudgets)."""
    data = named(plan, "core/v1:ConfigMap", "serving-router-routes").inputs["data"]
    table = json.loads(data["routes.json"])["resources"][0]["virtual_hosts"][0]["routes"]
    route = next(r for r in table if r["name"] == "api-summarizer")
    assert route["route"]["cluster"] == "gateway-summarizer"
    gateway = named(plan, "apps/v1:Deployment", "serving-summarizer-gateway-deployment")
    spec = gateway.inputs["spec"]
    assert spec["replicas"] == 2
    assert spec["selector"] == {"matchLabels": {"cortex.dev/gateway": "summarizer"}}
    assert spec["template"]["spec"]["nodeSelector"] == {"cortex.dev/node-group": "system"}
    container = _containers(gateway)["gateway"]
    assert container["command"] == ["cortex-runtime", "async-gateway"]
    env = _env(container)
    assert env["CORTEX_ASYNC_QUEUE_URL"].startswith(
        "https://sqs.us-west-2.amazonaws.com/123456789012/async-test_summarizer-"
    )
    assert env["CORTEX_ASYNC_PREFIX"] == "apis/summarizer/"
    assert env["CORTEX_ENDPOINT"] == "/summarize"
    service = named(plan, "core/v1:Service", "serving-summarizer-gateway-service").inputs
    assert service["spec"]["clusterIP"] == "None"
    routes = named(plan, "core/v1:ConfigMap", "serving-router-routes")
    assert _urn(plan, "serving-summarizer-gateway-deployment") in routes.dependencies


def test_workers_run_the_serving_container_and_the_dequeuer_without_services(
    plan: PlanGraph,
) -> None:
    """Predictor form: `api` + `dequeuer` (ready on /healthz); container form: the user's
    container + `dequeuer`, no proxy; no Service routes to workers."""
    summarizer = _containers(named(plan, "apps/v1:Deployment", "serving-summarizer-deployment"))
    assert sorted(summarizer) == ["api", "dequeuer"]
    dequeuer = summarizer["dequeuer"]
    assert dequeuer["command"] == ["cortex-runtime", "async-worker"]
    env = _env(dequeuer)
    assert env["CORTEX_ASYNC_WORKERS"] == "2"
    assert env["CORTEX_ASYNC_READY_PATH"] == "/healthz"
    assert env["CORTEX_PORT"] == "8080"
    # The worker posts on localhost: a prediction may run an hour, no load balancer cuts it.
    assert _env(summarizer["api"])["CORTEX_REQUEST_TIMEOUT_SECONDS"] == "3600"
    assert dequeuer["resources"]["requests"] == {"cpu": "100m", "memory": "100Mi"}
    # The queue and bucket by a named ConfigMap: the Deployment reads neither resource.
    assert dequeuer["envFrom"] == [{"configMapRef": {"name": "api-summarizer-async"}}]
    storage = named(plan, "core/v1:ConfigMap", "serving-summarizer-async").inputs["data"]
    assert storage["CORTEX_ASYNC_QUEUE_URL"].startswith("https://sqs.us-west-2.amazonaws.com/")
    assert storage["CORTEX_ASYNC_PREFIX"] == "apis/summarizer/"
    deployment = named(plan, "apps/v1:Deployment", "serving-summarizer-deployment")
    assert "spec" not in deployment.property_dependencies or not any(
        "sqs/queue" in u or "AsyncBucket" in u for u in deployment.property_dependencies["spec"]
    )
    transcriber = _containers(named(plan, "apps/v1:Deployment", "serving-transcriber-deployment"))
    assert sorted(transcriber) == ["dequeuer", "whisper"]
    env = _env(transcriber["dequeuer"])
    assert env["CORTEX_PORT"] == "9000"
    assert "CORTEX_ASYNC_READY_PATH" not in env
    services = {r.inputs["metadata"]["name"] for r in of_type(plan, "core/v1:Service")}
    # The warm RealtimeAPI beside them keeps only its headless Service (no interceptor).
    assert {"pods-ranker", "gateway-summarizer"} <= services
    assert not services & {"api-ranker", "api-summarizer", "pods-summarizer", "api-transcriber"}


def test_workers_scale_on_queue_depth_with_keda_operator_identity(plan: PlanGraph) -> None:
    """aws-sqs-queue on queued + in-flight messages, target floored to an integer, to zero
    with min_replicas 0; the TriggerAuthentication uses the operator's role; no HTTP add-on."""
    scaled = named(plan, "ScaledObject", "serving-summarizer-autoscaler-scaled-object")
    spec = scaled.inputs["spec"]
    assert spec["minReplicaCount"] == 0
    [trigger] = spec["triggers"]
    assert trigger["type"] == "aws-sqs-queue"
    assert trigger["authenticationRef"] == {"name": "api-summarizer"}
    assert trigger["metadata"]["queueLength"] == "2"
    assert trigger["metadata"]["scaleOnInFlight"] == "true"
    assert trigger["metadata"]["awsRegion"] == "us-west-2"
    assert "async-test_summarizer-" in trigger["metadata"]["queueURL"]
    auth = named(plan, "TriggerAuthentication", "serving-summarizer-autoscaler-trigger-auth")
    assert auth.inputs["spec"] == {"podIdentity": {"provider": "aws"}}
    releases = {r.inputs["name"]: r.inputs for r in of_type(plan, "helm.sh/v3:Release")}
    assert "keda-add-ons-http" not in releases
    irsa = releases["keda"]["values"]["podIdentity"]["aws"]["irsa"]
    assert irsa["enabled"] is True
    assert irsa["roleArn"].endswith(":role/async-test-keda-operator")


def _statements(plan: PlanGraph, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = policy(named(plan, "iam/rolePolicy:RolePolicy", name))[
        "Statement"
    ]
    return found


def test_gateway_workers_and_keda_are_least_privilege(plan: PlanGraph) -> None:
    """Gateway: send to its queue, its prefix; workers: receive/delete/visibility on their
    queue, their prefix; KEDA: GetQueueAttributes on the async queues; nothing wildcarded
    beyond the API's own prefix."""
    gateway = _statements(plan, "serving-summarizer-gateway-role-policy")
    by_sid = {s["Sid"]: s for s in gateway}
    assert by_sid["SendToOwnQueue"]["Action"] == "sqs:SendMessage"
    assert "async-test_summarizer-" in by_sid["SendToOwnQueue"]["Resource"]
    assert by_sid["OwnRequests"]["Resource"].endswith("/apis/summarizer/*")
    assert by_sid["ListOwnPrefix"]["Condition"] == {
        "StringLike": {"s3:prefix": "apis/summarizer/*"}
    }
    worker = {s["Sid"]: s for s in _statements(plan, "serving-summarizer-role-policy")}
    assert worker["WorkOwnQueue"]["Action"] == [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
    ]
    assert "ReadOwnBundle" in worker
    assert worker["AsyncKeyThroughS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}
    }
    [keda] = _statements(plan, "serving-keda-queues-role-policy")
    assert keda["Action"] == "sqs:GetQueueAttributes"
    assert len(keda["Resource"]) == 2
    assert all("_dlq-" not in arn for arn in keda["Resource"])
    transcriber = {s["Sid"] for s in _statements(plan, "serving-transcriber-role-policy")}
    assert transcriber == {"WorkOwnQueue", "OwnRequests", "ListOwnPrefix", "AsyncKeyThroughS3"}
    for name in (
        "serving-summarizer-gateway-role-policy",
        "serving-summarizer-role-policy",
        "serving-keda-queues-role-policy",
    ):
        for statement in _statements(plan, name):
            resources = statement["Resource"]
            for resource in resources if isinstance(resources, list) else [resources]:
                assert resource != "*"
                assert not resource.endswith(":*")
