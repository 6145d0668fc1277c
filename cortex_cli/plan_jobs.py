"""The plan's summary of each BatchAPI and TaskAPI, read from the planned graph: its
gateway and the Role it runs with, the queues and S3 prefix its IAM roles reach, and the
Job template it instantiates (docs/serving.md, "Jobs")."""

from __future__ import annotations

import json
from typing import Any

from cortex_spec import Spec
from offline.graph import PlanGraph, PlannedResource
from runtime import job_contract

_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
_POLICY = "aws:iam/rolePolicy:RolePolicy"
_CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
_DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def _named(graph: PlanGraph, kind: str, name: str, prefix: bool = False) -> PlannedResource | None:
    """The Kubernetes object of `kind` named `name` (or, with `prefix`, whose name starts
    with it): object names, unlike resource names, never let API `b` match API `a-b`."""
    for resource in graph.resources:
        if resource.type != kind:
            continue
        found = resource.inputs.get("metadata", {}).get("name")
        if isinstance(found, str) and (found.startswith(name) if prefix else found == name):
            return resource
    return None


def _statement(graph: PlanGraph, queue_suffix: str) -> dict[str, str]:
    """The gateway policy's resources by Sid: the policy whose queues end with the API's
    `_<name>_*` (an API name has no `_`, so this is the API's and no other's)."""
    for resource in graph.resources:
        text = resource.inputs.get("policy") if resource.type == _POLICY else None
        if not isinstance(text, str) or "OwnJobRecords" not in text:
            continue
        statements = json.loads(text).get("Statement", [])
        by_sid = {str(s.get("Sid")): str(s.get("Resource")) for s in statements}
        if by_sid.get("OwnJobQueues", "").endswith(queue_suffix):
            return by_sid
    return {}


def job_apis(spec: Spec, graph: PlanGraph) -> list[dict[str, Any]]:
    out = []
    for job in spec.jobs:
        name = job_contract.gateway_name(job.name)
        gateway = _named(graph, _DEPLOYMENT, name)
        role = _named(graph, _ROLE, name)
        template = _named(graph, _CONFIG_MAP, f"{name}-template-", prefix=True)
        scope = _statement(graph, f"_{job.name}_*")
        rules = role.inputs.get("rules", []) if role is not None else []
        out.append(
            {
                "name": job.name,
                "kind": job.kind,
                "endpoint": job.endpoint,
                "gateway": gateway.inputs["metadata"]["name"] if gateway else None,
                "rbac": [
                    f"{'/'.join(g or 'core' for g in r['apiGroups'])} {','.join(r['resources'])}: "
                    f"{' '.join(r['verbs'])}"
                    for r in rules
                ],
                "queues": scope.get("OwnJobQueues", "unknown"),
                "records": scope.get("OwnJobRecords", "unknown"),
                "job_template": template.inputs["metadata"]["name"] if template else None,
            }
        )
    return out


HEADING = "job APIs (a gateway at the endpoint; workers only while a job runs)"


def lines(found: list[dict[str, Any]]) -> list[str]:
    """The rows under HEADING, indented as the plan's other sections."""
    text = []
    for job in found:
        text.append(f"  {job['name']} ({job['kind']}, {job['endpoint']}): gateway {job['gateway']}")
        text.append(f"    Role: {'; '.join(job['rbac'])}")
        text.append(f"    IAM, queues: {job['queues']}")
        text.append(f"    IAM, records: {job['records']}")
        text.append(f"    Job template: ConfigMap {job['job_template']}")
    return text
