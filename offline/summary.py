"""What a reviewer reads first in a plan: the resource tree, counts, node groups, plugins.

Pure functions of a `PlanGraph`; `cortex-infra plan` prints them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cortex_spec.node_profiles import ACCELERATOR_LABEL
from offline.async_summary import async_apis
from offline.graph import PlanGraph, PlannedResource

NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE_TYPE = "aws:ec2/launchTemplate:LaunchTemplate"
HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release"
CONFIG_MAP_TYPE = "kubernetes:core/v1:ConfigMap"
# The router's route table (infra/serving/router.py, router_config.py).
ROUTES_FILE = "routes.json"


@dataclass(frozen=True)
class TreeLine:
    depth: int
    name: str
    type: str


def tree(graph: PlanGraph) -> list[TreeLine]:
    """Depth-first, children sorted by name: components above what they contain."""
    children: dict[str, list[PlannedResource]] = {}
    for resource in graph.resources:
        children.setdefault(resource.parent, []).append(resource)
    lines: list[TreeLine] = []

    def walk(parent: str, depth: int) -> None:
        for resource in sorted(children.get(parent, []), key=lambda r: (r.name, r.type)):
            lines.append(TreeLine(depth, resource.name, resource.type))
            walk(resource.urn, depth + 1)

    walk("", 0)
    return lines


def node_groups(graph: PlanGraph) -> list[dict[str, Any]]:
    """Each managed node group with its size range, types, AMI, capacity and taints."""
    groups = []
    for resource in graph.by_type(NODE_GROUP_TYPE):
        inputs = resource.inputs
        scaling = inputs.get("scalingConfig") or {}
        labels = inputs.get("labels") or {}
        # Named by prefix (`gpu-spot-`): the managed group's name is the prefix, undashed.
        prefix = inputs.get("nodeGroupNamePrefix")
        name = prefix.removesuffix("-") if isinstance(prefix, str) else None
        groups.append(
            {
                "name": name or inputs.get("nodeGroupName", resource.name),
                "min": scaling.get("minSize"),
                "max": scaling.get("maxSize"),
                "instance_types": list(
                    inputs.get("instanceTypes") or _template_types(graph, resource)
                ),
                "capacity_type": inputs.get("capacityType"),
                "ami_type": inputs.get("amiType"),
                "accelerator": labels.get(ACCELERATOR_LABEL, "none"),
                "taints": [
                    f"{t.get('key')}={t.get('value')}:{t.get('effect')}"
                    for t in inputs.get("taints") or []
                ],
            }
        )
    return sorted(groups, key=lambda g: str(g["name"]))


def _template_types(graph: PlanGraph, node_group: PlannedResource) -> list[str]:
    """An on-demand group's type lives in its launch template, a sibling in its component."""
    return [
        str(t.inputs["instanceType"])
        for t in graph.by_type(LAUNCH_TEMPLATE_TYPE)
        if t.parent == node_group.parent and t.inputs.get("instanceType")
    ]


def helm_releases(graph: PlanGraph) -> list[dict[str, Any]]:
    return sorted(
        (
            {
                "name": r.inputs.get("name", r.name),
                "chart": r.inputs.get("chart"),
                "version": r.inputs.get("version"),
            }
            for r in graph.by_type(HELM_RELEASE_TYPE)
        ),
        key=lambda release: str(release["name"]),
    )


def routes(graph: PlanGraph) -> list[dict[str, Any]]:
    """The router's table as a reviewer reads it: each endpoint, where it forwards (with
    weights when split) and what it mirrors, in Envoy's order (first match wins)."""
    found: list[dict[str, Any]] = []
    for resource in graph.by_type(CONFIG_MAP_TYPE):
        text = (resource.inputs.get("data") or {}).get(ROUTES_FILE)
        if not isinstance(text, str):
            continue
        for config in json.loads(text)["resources"]:
            for host in config["virtual_hosts"]:
                found += [_route(r) for r in host["routes"] if "route" in r]
    return found


def _route(route: dict[str, Any]) -> dict[str, Any]:
    action = route["route"]
    match = route["match"]
    clusters = action.get("weighted_clusters", {}).get("clusters")
    if clusters is None:
        backends = [{"upstream": action["cluster"], "weight": 100}]
    else:
        total = sum(c["weight"] for c in clusters) or 1
        backends = [
            {"upstream": c["name"], "weight": round(100 * c["weight"] / total)} for c in clusters
        ]
    mirrors = [
        {
            "upstream": m["cluster"],
            "percent": m.get("runtime_fraction", {}).get("default_value", {}).get("numerator", 100),
        }
        for m in action.get("request_mirror_policies", [])
    ]
    return {
        "name": route["name"],
        "endpoint": match.get("path_separated_prefix", match.get("prefix")),
        "backends": backends,
        "mirrors": mirrors,
        "timeout": action.get("timeout"),
    }


def summary(graph: PlanGraph) -> dict[str, Any]:
    """Resource counts per type, the Helm releases, the routes and the program's warnings."""
    return {
        "stack": graph.stack,
        "resources": len(graph.resources),
        "counts": dict(sorted(Counter(r.type for r in graph.resources).items())),
        "helm_releases": helm_releases(graph),
        "routes": routes(graph),
        "async_apis": async_apis(graph),
        "warnings": list(graph.warnings),
    }
