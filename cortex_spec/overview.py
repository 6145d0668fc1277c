"""A resolved summary of a spec: what each node group and API becomes (JSON-ready)."""

from __future__ import annotations

from typing import Any

from cortex_spec.component_usage import uses
from cortex_spec.kubernetes_versions import calendar
from cortex_spec.loader import Spec
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.traffic_splitter import TrafficSplitter
from cortex_spec.node_profiles import NodeProfile
from cortex_spec.quantities import cpu_text, memory_text
from cortex_spec.rules.compute_fit import eligible, placements
from cortex_spec.version_matrix import matrix


def _node_group(p: NodeProfile) -> dict[str, Any]:
    return {
        "name": p.name,
        "instance_types": list(p.instance_types),
        "accelerator": p.accelerator,
        "gpu_model": p.gpu_model,
        "ami_type": p.ami_type,
        "priority": p.priority,
        "taints": [f"{t.key}={t.value}:{t.kubernetes_effect}" for t in p.taints],
        "allocatable": {
            "cpu": cpu_text(p.allocatable.cpu_millis),
            "memory": memory_text(p.allocatable.memory_mib * 2**20),
            "gpu": p.allocatable.gpu,
            "neuron_devices": p.allocatable.neuron_devices,
            "neuron_cores": p.allocatable.neuron_cores,
        },
        "managed_groups": [
            {
                "name": g.name,
                "capacity_type": g.capacity_type,
                "min": g.min_size,
                "max": g.max_size,
                "expander_priority": g.expander_priority,
            }
            for g in p.groups
        ],
        "system": p.system,
    }


def _workload(api: WorkloadAPI, profiles: list[NodeProfile]) -> dict[str, Any]:
    request = api.request
    return {
        "name": api.name,
        "kind": api.kind,
        "form": api.form,
        "endpoint": api.endpoint,
        "accelerator": api.accelerator,
        "request": {
            "cpu": cpu_text(request.cpu_millis),
            "memory": memory_text(request.memory_bytes),
            "gpu": request.gpu,
            "inf": request.inf,
        },
        "replicas": {
            "min": api.autoscaling.min_replicas,
            "init": api.init_replicas,
            "max": api.autoscaling.max_replicas,
        },
        "eligible_node_groups": [p.name for p in eligible(api, profiles)],
        "runs_on": [p.name for p in placements(api, profiles)],
    }


def _splitter(splitter: TrafficSplitter) -> dict[str, Any]:
    return {
        "name": splitter.name,
        "kind": splitter.kind,
        "endpoint": splitter.endpoint,
        "targets": [
            {"name": t.name, "weight": t.weight, "shadow": t.shadow} for t in splitter.apis
        ],
    }


def overview(spec: Spec) -> dict[str, Any]:
    profiles = spec.profiles
    apis = [
        _workload(api, profiles) if isinstance(api, WorkloadAPI) else _splitter(api)
        for api in spec.entries
        if isinstance(api, WorkloadAPI | TrafficSplitter)
    ]
    cluster = spec.cluster
    return {
        "cluster": {
            "name": cluster.name,
            "region": cluster.region,
            "kubernetes_version": cluster.kubernetes_version,
            "upgrade_policy": cluster.upgrade_policy,
            "availability_zones": cluster.availability_zones,
            "subnet_visibility": cluster.subnet_visibility,
            "nat_gateway": cluster.resolved_nat_gateway,
            "existing_vpc": cluster.subnets is not None,
            "load_balancer_scheme": cluster.api_load_balancer_scheme,
            "https": cluster.serves_https,
            "domain": cluster.domain,
        },
        "environment": spec.environment,
        "versions": versions(spec),
        "node_groups": [_node_group(spec.system_profile)] + [_node_group(p) for p in profiles],
        "apis": apis,
        "warnings": [w.as_dict() for w in spec.warnings],
    }


def versions(spec: Spec) -> dict[str, Any]:
    """The dates the calendar and the matrix were read, and the cited version of every
    component the spec uses on its minor (a valid spec has no gap in them)."""
    table = matrix()
    used = uses(spec.cluster, spec.apis)
    minor = spec.cluster.kubernetes_version
    return {
        "eks_calendar_read_on": calendar().read_on,
        "version_matrix_read_on": table.read_on,
        "components": {
            name: table.version(minor, name)
            for name, component in table.components.items()
            if component.used in used
        },
    }
