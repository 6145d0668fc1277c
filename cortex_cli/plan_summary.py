"""The "costs and risks" section `cortex-infra plan` shows above its tree.

Given the spec and its offline plan: every managed node group with its node-count range and
instance types, the accelerators that range buys, where the APIs will answer (the domain),
the spec's risks (`cortex_spec.risks`),
and the offline cost estimate when `cortex_aws.cost` is installed. Returns text and a
JSON-ready dict; the command prints them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from cortex_spec import Spec
from cortex_spec.node_profiles import GPU_RESOURCE, NEURON_RESOURCE, NodeProfile
from cortex_spec.risks import risks
from offline import summary
from offline.graph import PlanGraph

_UNITS = {"gpu": "GPUs", "neuron": "Neuron devices"}


@dataclass(frozen=True)
class PlanSummary:
    text: str
    data: dict[str, Any]


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


def _cost(spec: Spec) -> tuple[str, dict[str, Any]] | None:
    try:
        module = importlib.import_module("cortex_aws.cost")
    except ImportError:
        return None
    found = module.estimate(spec, live=False)
    return str(module.summary(found)), dict(found.to_dict())


def endpoints(spec: Spec) -> dict[str, Any]:
    """Where the APIs will answer: the domain when there is one (known before `pulumi up`),
    else the load balancer's DNS name (known only after)."""
    cluster = spec.cluster
    scheme = "https" if cluster.serves_https else "http"
    host = cluster.domain or "<load balancer DNS name>"
    return {"base": f"{scheme}://{host}", "domain": cluster.domain, "apis": len(spec.entries)}


def costs_and_risks(spec: Spec, graph: PlanGraph) -> PlanSummary:
    groups = node_groups(spec, graph)
    totals = accelerators(groups)
    found = risks(spec)
    lines = ["costs and risks", "  node groups:"]
    for g in groups:
        capacity = str(g["capacity_type"]).lower().replace("_", "-")
        accel = f"  {g['accelerator']} x{g['accelerators_per_node']}" if g["accelerator"] else ""
        taints = f"  taints {', '.join(g['taints'])}" if g["taints"] else ""
        lines.append(
            f"    {g['name']:<22} {', '.join(g['instance_types']):<26} {capacity:<10} "
            f"{g['min']}-{g['max']} nodes  {g['ami_type']}{accel}{taints}"
        )
    if totals:
        lines.append(
            "  accelerators: "
            + "; ".join(f"{t['model']}: {t['min']}-{t['max']} {t['unit']}" for t in totals)
        )
    served = endpoints(spec)
    lines.append(f"  endpoints: {served['base']}/<endpoint> ({served['apis']} APIs)")
    cost = _cost(spec)
    if cost is not None:
        lines.append("  cost (offline prices):")
        lines.extend(f"    {line}" for line in cost[0].splitlines())
    lines.append("  risks:" if found else "  risks: none found")
    for risk in found:
        lines.append(f"    ! {risk.path}: {risk.message}")
        lines.append(f"        why: {risk.reason}")
    data: dict[str, Any] = {
        "node_groups": groups,
        "accelerators": totals,
        "endpoints": served,
        "risks": [risk.as_dict() for risk in found],
    }
    if cost is not None:
        data["cost"] = cost[1]
    return PlanSummary("\n".join(lines) + "\n", data)
