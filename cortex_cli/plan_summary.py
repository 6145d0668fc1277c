"""The summary `cortex-infra plan` shows above its tree, and puts in `plan --json`.

Given the spec and its offline plan: what the plan creates, every managed node group with
its node-count range and instance types, the accelerators that range buys, where each API
will answer, the offline cost at minimum and maximum size (when `cortex_aws.cost` is
installed), and the risks (`cortex_spec.risks`) with the program's warnings. One JSON-ready
dict; `plan_view.py` renders it for a person.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from cortex_cli import plan_jobs
from cortex_spec import Spec
from cortex_spec.kubernetes_versions import calendar
from cortex_spec.node_profiles import GPU_RESOURCE, NEURON_RESOURCE, NodeProfile
from cortex_spec.risks import risks
from offline import summary
from offline.graph import PlanGraph

_UNITS = {"gpu": "GPUs", "neuron": "Neuron devices"}
# What "creates" names, in this order: the things a reviewer counts.
_HEADLINE_TYPES = (
    ("aws:eks/cluster:Cluster", "EKS cluster", "EKS clusters"),
    (summary.NODE_GROUP_TYPE, "node group", "node groups"),
    (summary.HELM_RELEASE_TYPE, "Helm release", "Helm releases"),
    ("aws:ec2/natGateway:NatGateway", "NAT gateway", "NAT gateways"),
    ("aws:lb/loadBalancer:LoadBalancer", "load balancer", "load balancers"),
)


def _per_node(profile: NodeProfile) -> tuple[str, str, int] | None:
    """(kind, model, count per node) of an accelerated profile."""
    if profile.accelerator == "nvidia":
        model = f"NVIDIA {profile.gpu_model}" if profile.gpu_model else "NVIDIA GPU"
        return "gpu", model, profile.extended_resources.get(GPU_RESOURCE, 0)
    if profile.accelerator == "neuron":
        return (
            "neuron",
            f"AWS Neuron ({profile.instance_type})",
            profile.extended_resources.get(NEURON_RESOURCE, 0),
        )
    return None


def node_groups(spec: Spec, graph: PlanGraph) -> list[dict[str, Any]]:
    """Managed node groups as planned (from the graph), each tied to its spec group."""
    owner = {g.name: p for p in [spec.system_profile, *spec.profiles] for g in p.groups}
    planned = {str(g["name"]): g for g in summary.node_groups(graph)}
    out = []
    for name, profile in owner.items():
        group = next(g for g in profile.groups if g.name == name)
        # The spec's sizes stand in for a group the graph does not have (or not yet).
        found = planned.get(name) or {
            "name": name,
            "min": group.min_size,
            "max": group.max_size,
            "instance_types": list(profile.instance_types),
            "capacity_type": group.capacity_type,
            "ami_type": profile.ami_type,
            "accelerator": profile.accelerator,
            "taints": [f"{t.key}={t.value}:{t.effect}" for t in profile.taints],
        }
        accel = _per_node(profile)
        out.append(
            {
                **found,
                "spec_group": profile.name,
                "capacity_type": found["capacity_type"] or "ON_DEMAND",
                "accelerator": accel[1] if accel else None,
                "accelerator_unit": _UNITS[accel[0]] if accel else None,
                "accelerators_per_node": accel[2] if accel else 0,
            }
        )
    return out


def accelerators(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Accelerator totals the node-count ranges allow, per model."""
    totals: dict[str, dict[str, Any]] = {}
    for group in groups:
        if not group["accelerator"]:
            continue
        each = group["accelerators_per_node"]
        total = totals.setdefault(
            group["accelerator"],
            {"model": group["accelerator"], "unit": group["accelerator_unit"], "min": 0, "max": 0},
        )
        total["min"] += (group["min"] or 0) * each
        total["max"] += (group["max"] or 0) * each
    return [totals[model] for model in sorted(totals)]


def offline_cost(spec: Spec) -> dict[str, Any] | None:
    """The offline estimate from the packaged, dated table only: no cache, no network and
    the EKS calendar's read date for "today", so a plan is the same on every machine."""
    try:
        cost = importlib.import_module("cortex_aws.cost")
        prices = importlib.import_module("cortex_aws.prices")
        caches = importlib.import_module("cortex_aws.price_cache")
    except ImportError:
        return None
    today = date.fromisoformat(calendar().read_on)
    book = prices.PriceBook(spec.cluster.region, live=False, cache=caches.NoCache(), today=today)
    found = cost.estimate(spec, live=False, book=book, today=today)
    return dict(found.to_dict())


def endpoints(spec: Spec) -> dict[str, Any]:
    """Where the APIs will answer: on the domain when there is one (known before `pulumi
    up`), else on the load balancer's DNS name (known only after)."""
    cluster = spec.cluster
    scheme = "https" if cluster.serves_https else "http"
    host = cluster.domain or "<load balancer DNS name>"
    base = f"{scheme}://{host}"
    return {
        "base": base,
        "domain": cluster.domain,
        "apis": [
            {"name": api.name, "url": f"{base}/{api.endpoint.lstrip('/')}"} for api in spec.entries
        ],
    }


def changes(spec: Spec, graph: PlanGraph) -> dict[str, Any]:
    """What `pulumi up` of this plan creates (a plan starts from nothing)."""
    counted = []
    for type_token, one, many in _HEADLINE_TYPES:
        count = len(graph.by_type(type_token))
        if count:
            counted.append({"what": one if count == 1 else many, "count": count})
    if spec.entries:
        count = len(spec.entries)
        counted.insert(2, {"what": "API" if count == 1 else "APIs", "count": count})
    return {"create": len(graph.resources), "items": counted}


def plan_summary(spec: Spec, graph: PlanGraph) -> dict[str, Any]:
    """Everything a reviewer reads before the tree, as data (`plan --json` carries it)."""
    groups = node_groups(spec, graph)
    data: dict[str, Any] = {
        "changes": changes(spec, graph),
        "endpoints": endpoints(spec),
        "risks": [risk.as_dict() for risk in risks(spec)],
        "warnings": list(graph.warnings),
        "node_groups": groups,
        "accelerators": accelerators(groups),
    }
    jobs = plan_jobs.job_apis(spec, graph)
    if jobs:
        data["job_apis"] = jobs
    cost = offline_cost(spec)
    if cost is not None:
        data["cost"] = cost
    return data
