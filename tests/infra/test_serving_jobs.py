"""BatchAPI and TaskAPI in the plan: a gateway behind the router with a Role limited to
Jobs, IRSA scoped to the API's queues and S3 prefix, and a Job template that is a valid
batch/v1 Job with the serving pods' security defaults."""

from __future__ import annotations

import json
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest

from offline.graph import PlanGraph
from runtime import job_contract
from tests.infra.serving_fixtures.plans import is_plain_kubernetes, jobs_plan, named, of_type
from tests.infra.test_pod_security import restricted_violations
from tests.infra.test_serving_iam import _parliament

pytestmark = pytest.mark.slow

JOB_APIS = ("scorer", "sum", "trainer", "iris-trainer")
ACCOUNT = "123456789012"
BUCKET_ARN = f"arn:aws:s3:::jobs-test-bundles-{ACCOUNT}-us-west-2"


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return jobs_plan()


def template(plan: PlanGraph, api: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        named(plan, "core/v1:ConfigMap", f"serving-{api}-job-template").inputs["data"]["job.json"]
    )
    return found


def policy(plan: PlanGraph, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        named(plan, "aws:iam/rolePolicy:RolePolicy", name).inputs["policy"]
    )
    return found


def test_objects_and_job_templates_are_valid_kubernetes(plan: PlanGraph) -> None:
    """Every object, and every Job template (as the gateway will send it), validates
    strictly as Kubernetes 1.35's schema."""
    documents = [r.inputs for r in plan.resources if is_plain_kubernetes(r)]
    documents += [template(plan, api) for api in JOB_APIS]
    for document in documents:
        kubernetes_validate.validate(document, "1.35.0", strict=True)


def test_no_deployment_runs_workers_between_jobs(plan: PlanGraph) -> None:
    """A job API's only Deployment is its gateway; workers exist per job."""
    names = {d.inputs["metadata"]["name"] for d in of_type(plan, "apps/v1:Deployment")}
    for api in JOB_APIS:
        assert f"jobs-{api}" in names
        assert f"api-{api}" not in names


def test_the_gateway_may_only_create_read_and_delete_jobs_and_list_pods(plan: PlanGraph) -> None:
    """Its Role: Jobs create/get/delete and pods list, in its namespace; bound to its own
    ServiceAccount only."""
    role = named(plan, "rbac.authorization.k8s.io/v1:Role", "serving-scorer-gateway-rbac-role")
    assert role.inputs["metadata"]["namespace"] == "cortex"
    assert role.inputs["rules"] == [
        {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create", "get", "delete"]},
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
    ]
    binding = named(
        plan, "rbac.authorization.k8s.io/v1:RoleBinding", "serving-scorer-gateway-rbac-binding"
    )
    assert binding.inputs["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "jobs-scorer",
    }
    assert binding.inputs["subjects"] == [
        {"kind": "ServiceAccount", "name": "jobs-scorer", "namespace": "cortex"}
    ]
    pod = named(plan, "apps/v1:Deployment", "serving-scorer-gateway").inputs["spec"]["template"]
    assert pod["spec"]["serviceAccountName"] == "jobs-scorer"


def test_iam_reaches_only_the_apis_queues_and_prefix(plan: PlanGraph) -> None:
    """Gateway and workers: queues `cx_<hash>_<api>_*` (an API name has no `_`, so no
    other API's), records under `jobs/<api>/`; the worker also reads its bundle."""
    queues = f"arn:aws:sqs:us-west-2:{ACCOUNT}:cx_{job_contract.cluster_hash('jobs-test')}_scorer_*"
    gateway = policy(plan, "serving-scorer-gateway-role-policy")["Statement"]
    assert {s["Sid"]: s["Resource"] for s in gateway} == {
        "OwnJobQueues": queues,
        "OwnJobRecords": f"{BUCKET_ARN}/jobs/scorer/*",
        "ListOwnJobRecords": BUCKET_ARN,
    }
    assert gateway[2]["Condition"] == {"StringLike": {"s3:prefix": "jobs/scorer/*"}}
    worker = policy(plan, "serving-scorer-worker-role-policy")["Statement"]
    assert {s["Sid"]: s["Resource"] for s in worker} == {
        "OwnJobQueues": queues,
        "RecordJobProgress": f"{BUCKET_ARN}/jobs/scorer/*",
        "ReadOwnBundle": f"{BUCKET_ARN}/apis/scorer/*",
    }
    # Container form: no bundle to read.
    sids = {s["Sid"] for s in policy(plan, "serving-sum-worker-role-policy")["Statement"]}
    assert sids == {"OwnJobQueues", "RecordJobProgress"}


def test_job_iam_policies_pass_parliament(plan: PlanGraph) -> None:
    """parliament finds nothing in any gateway or worker policy."""
    parliament = _parliament()
    for api in JOB_APIS:
        for purpose in ("gateway", "worker"):
            document = policy(plan, f"serving-{api}-{purpose}-role-policy")
            assert parliament.analyze_policy_string(json.dumps(document)).findings == []


def test_the_router_sends_the_endpoint_to_the_gateway(plan: PlanGraph) -> None:
    """The API's endpoint is one route to its gateway's headless Service on 8080."""
    data = named(plan, "core/v1:ConfigMap", "serving-router-routes").inputs["data"]
    routes = json.loads(data["routes.json"])["resources"][0]["virtual_hosts"][0]["routes"]
    [route] = [r for r in routes if r.get("name") == "jobs-scorer"]
    assert route["match"] == {"path_separated_prefix": "/batch/scorer"}
    assert route["route"]["cluster"] == "jobs-scorer"
    clusters = named(plan, "core/v1:ConfigMap", "serving-router-clusters").inputs["data"]
    assert "jobs-scorer.cortex.svc.cluster.local" in clusters["clusters.yaml"]
    service = named(plan, "core/v1:Service", "serving-scorer-gateway-service").inputs["spec"]
    assert service["clusterIP"] == "None"
    assert service["selector"] == {
        "cortex.dev/api": "scorer",
        "cortex.dev/component": "job-gateway",
    }


def test_predictor_workers_run_the_runtime_once_and_never_restart(plan: PlanGraph) -> None:
    """Predictor form: one runtime container in batch-worker (or task) mode, no port or
    probes, restartPolicy Never, Indexed, no retries, the job spec projected beside api.json;
    never evicted by a cluster-autoscaler scale-down while it runs."""
    for api, mode in (("scorer", "batch-worker"), ("trainer", "task")):
        job = template(plan, api)
        annotations = job["spec"]["template"]["metadata"]["annotations"]
        assert annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] == "false"
        assert not any(key.startswith("prometheus.io/") for key in annotations)
        assert job["spec"]["completionMode"] == "Indexed"
        assert job["spec"]["backoffLimit"] == 0
        pod = job["spec"]["template"]["spec"]
        assert pod["restartPolicy"] == "Never"
        assert pod["serviceAccountName"] == f"workers-{api}"
        [container] = pod["containers"]
        assert container["command"] == ["cortex-runtime", mode]
        assert not {"ports", "readinessProbe", "livenessProbe"} & set(container)
        [spec_volume] = [v for v in pod["volumes"] if v["name"] == "spec"]
        sources = spec_volume["projected"]["sources"]
        assert sources[1]["downwardAPI"]["items"][0]["path"] == "job.json"


def test_container_batch_workers_make_the_users_containers_sidecars(plan: PlanGraph) -> None:
    """Container form BatchAPI: the dequeuer is the one main container, the user's server a
    native sidecar (restartPolicy Always), so the pod ends when the queue is drained."""
    pod = template(plan, "sum")["spec"]["template"]["spec"]
    [dequeuer] = pod["containers"]
    assert dequeuer["name"] == "dequeuer"
    assert dequeuer["command"] == ["cortex-runtime", "batch-worker"]
    env = {e["name"]: e.get("value") for e in dequeuer["env"]}
    assert env["CORTEX_UPSTREAM_PORT"] == "8080"
    assert env[job_contract.ENV_STATE_PREFIX] == "jobs/sum/"
    [server] = pod["initContainers"]
    assert server["name"] == "api"
    assert server["restartPolicy"] == "Always"
    task = template(plan, "iris-trainer")["spec"]["template"]["spec"]
    assert [c["name"] for c in task["containers"]] == ["trainer"]
    assert "readinessProbe" not in task["containers"][0]


def test_gateway_and_runtime_workers_meet_restricted(plan: PlanGraph) -> None:
    """No privileged pod: the gateway and the runtime's workers meet the restricted
    standard (read-only root, non-root, no capabilities, RuntimeDefault seccomp)."""
    for api in JOB_APIS:
        gateway = named(plan, "apps/v1:Deployment", f"serving-{api}-gateway")
        assert restricted_violations(gateway.inputs["spec"]["template"]["spec"]) == []
    for api in ("scorer", "trainer"):
        pod = template(plan, api)["spec"]["template"]["spec"]
        assert restricted_violations(pod) == []
        assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
    dequeuer = template(plan, "sum")["spec"]["template"]["spec"]["containers"]
    assert (
        restricted_violations(
            {
                "containers": dequeuer,
                "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            }
        )
        == []
    )
