"""Hand-built resource graphs for the diff's unit tests (no Pulumi evaluation)."""

from __future__ import annotations

from typing import Any

from offline.graph import PlanGraph, PlannedResource

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
CLUSTER = "aws:eks/cluster:Cluster"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def urn(name: str, type_token: str, chain: str = "", stack: str = "dev") -> str:
    qualified = f"{chain}${type_token}" if chain else type_token
    return f"urn:pulumi:{stack}::cortex::{qualified}::{name}"


def resource(
    name: str,
    type_token: str,
    inputs: dict[str, Any] | None = None,
    *,
    parent: PlannedResource | None = None,
    options: dict[str, Any] | None = None,
    provider: str = "",
    dependencies: tuple[str, ...] = (),
    reads: dict[str, PlannedResource] | None = None,
) -> PlannedResource:
    """A resource; `reads` maps an input to the resource its value comes from."""
    chain = ""
    if parent is not None:
        chain = parent.urn.split("::")[2]
    return PlannedResource(
        urn=urn(name, type_token, chain),
        type=type_token,
        name=name,
        parent=parent.urn if parent is not None else "",
        provider=provider,
        dependencies=tuple(sorted({*dependencies, *(r.urn for r in (reads or {}).values())})),
        inputs=inputs or {},
        options=options or {},
        property_dependencies={k: (r.urn,) for k, r in (reads or {}).items()},
    )


def graph(*resources: PlannedResource, stack: str = "dev") -> PlanGraph:
    return PlanGraph(
        stack=stack,
        project="cortex",
        resources=tuple(sorted(resources, key=lambda r: r.urn)),
        outputs={},
        warnings=(),
    )


def node_group(name: str = "platform-gpu", **changes: Any) -> PlannedResource:
    inputs: dict[str, Any] = {
        "clusterName": "demo",
        "nodeGroupName": "gpu",
        "instanceTypes": ["g5.xlarge"],
        "amiType": "AL2023_x86_64_NVIDIA",
        "capacityType": "ON_DEMAND",
        "subnetIds": ["subnet-a", "subnet-b"],
        "scalingConfig": {"desiredSize": 1, "minSize": 1, "maxSize": 3},
        "labels": {"cortex.dev/node-group": "gpu"},
    }
    inputs.update(changes)
    return resource(
        name, NODE_GROUP, inputs, options={"ignoreChanges": ["scalingConfig.desiredSize"]}
    )


def autoscaler(api: str, max_replicas: int, min_replicas: int = 1) -> PlannedResource:
    return resource(
        f"serving-{api}-hpa",
        HPA,
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": f"api-{api}", "namespace": "cortex"},
            "spec": {"minReplicas": min_replicas, "maxReplicas": max_replicas},
        },
    )
