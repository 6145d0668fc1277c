"""Placement rules: node-group references, accelerators, and whether a replica fits a node.

An API without a `node_groups` selector may run on the groups whose accelerator matches
its own (GPU and Neuron groups are tainted, CPU groups are not). With a selector it may
run on exactly the groups it names, and tolerates their taints.

Cortex v0.42.1 tolerated the GPU and Neuron taints on every API and let it prefer every node
group (pkg/workloads/k8s.go, `GenerateResourceTolerations` line 433 and
`GenerateNodeAffinities` line 457), so a CPU API ran on a cluster of GPU nodes only. Here a
CPU API stays on CPU groups when there are some; when there are none it runs on the
accelerator groups, as on Cortex, with a warning (a selector naming them says it is meant).
"""

from __future__ import annotations

from collections.abc import Iterator

from cortex_spec.diagnostics import Finding
from cortex_spec.models.api import Request, WorkloadAPI
from cortex_spec.models.base import shown
from cortex_spec.node_profiles import NodeProfile
from cortex_spec.quantities import cpu_text, memory_display
from cortex_spec.source import Path

_NVIDIA_HINT = "add a node group with an NVIDIA type (g4dn, g5, g6, g6e, p4d, p5)"
_NEURON_HINT = "add a node group with a Neuron type (inf2, trn1)"


def eligible(api: WorkloadAPI, profiles: list[NodeProfile]) -> list[NodeProfile]:
    if api.node_groups is not None:
        return [p for p in profiles if p.name in api.node_groups]
    matching = [p for p in profiles if p.accelerator == api.accelerator]
    if matching or api.accelerator != "none":
        return matching
    return list(profiles)  # no CPU group: a CPU API tolerates the accelerator taints


def fits(request: Request, profile: NodeProfile) -> list[str]:
    """The resources `profile` lacks for one replica; empty when it fits."""
    node = profile.allocatable
    lacking = []
    if request.cpu_millis > node.cpu_millis:
        lacking.append("cpu")
    if request.memory_bytes > node.memory_mib * 2**20:
        lacking.append("mem")
    if request.gpu > node.gpu:
        lacking.append("gpu")
    if request.inf > node.neuron_devices:
        lacking.append("inf")
    return lacking


def placements(api: WorkloadAPI, profiles: list[NodeProfile]) -> list[NodeProfile]:
    """The node groups a replica of `api` can be scheduled on."""
    return [p for p in eligible(api, profiles) if not fits(api.request, p)]


def check_placement(api: WorkloadAPI, path: Path, profiles: list[NodeProfile]) -> Iterator[Finding]:
    names = [p.name for p in profiles]
    for index, name in enumerate(api.node_groups or []):
        if name not in names:
            choices = " or ".join(names) if names else "none are defined"
            yield Finding(
                (*path, "node_groups", index),
                f'node group "{shown(name)}" doesn\'t exist',
                "remove the node group selector to let cortex-infra place the API, or "
                f"specify a valid node group name ({choices})",
            )
    if api.node_groups is not None and not set(api.node_groups) <= set(names):
        return
    if not profiles:
        yield Finding(
            path,
            "the cluster has no node groups to run this API",
            "add a node group under cluster.node_groups",
        )
        return
    request = api.request
    if request.gpu and request.inf:
        return  # reported by the API rules: one pod cannot use both
    candidates = eligible(api, profiles)
    if request.gpu and not any(p.accelerator == "nvidia" for p in candidates):
        yield Finding(
            _compute_path(api, path, "gpu"),
            f"gpu: {request.gpu} needs an NVIDIA GPU node group, and none is eligible",
            _NVIDIA_HINT + (", or list one in node_groups" if api.node_groups else ""),
        )
        return
    if request.inf:
        neuron = [p for p in candidates if p.accelerator == "neuron"]
        if not neuron:
            yield Finding(
                _compute_path(api, path, "inf"),
                f"inf: {request.inf} needs a Neuron node group, and none is eligible",
                _NEURON_HINT + (", or list one in node_groups" if api.node_groups else ""),
            )
            return
        most = max(p.allocatable.neuron_devices for p in neuron)
        if request.inf > most:
            sizes = ", ".join(
                f"{p.instance_type} has {p.allocatable.neuron_devices}" for p in neuron
            )
            yield Finding(
                _compute_path(api, path, "inf"),
                f"inf: {request.inf} exceeds the Neuron devices of every eligible node "
                f"group ({sizes})",
                f"request at most {most}, or use a larger type",
            )
            return
    if not candidates:
        yield Finding(
            path,
            "no CPU node group can run this API (GPU and Neuron node groups are "
            "tainted for accelerated APIs)",
            "add a CPU node group, or list the node groups to use in node_groups",
        )
        return
    if not any(not fits(request, p) for p in candidates):
        yield Finding(
            (*path, "compute") if api.predictor is not None and api.compute else path,
            "no node group is large enough for one replica of this API",
            "lower the requests, or add a node group with a larger instance type",
            detail=_fit_table(request, candidates),
        )
        return
    accelerated = sorted(p.name for p in placements(api, profiles) if p.accelerator != "none")
    if api.accelerator == "none" and api.node_groups is None and accelerated:
        yield Finding(
            path,
            f"this CPU API may run on accelerator node groups ({', '.join(accelerated)}), "
            "tolerating their taints as Cortex did: its pods take room there from GPU or "
            "Neuron APIs and can keep those costlier nodes running",
            "add a CPU node group (CPU APIs then stay on it), or keep this placement and "
            "list node_groups explicitly to say it is intended",
            severity="warning",
        )
    yield from _processes(api, path, candidates)


def _compute_path(api: WorkloadAPI, path: Path, key: str) -> Path:
    if api.predictor is not None:
        return (*path, "compute", key)
    containers = api.pod.containers if api.pod and api.pod.containers else []
    for index, container in enumerate(containers):
        if getattr(container.compute, key):
            return (*path, "pod", "containers", index, "compute", key)
    return path


def _processes(api: WorkloadAPI, path: Path, candidates: list[NodeProfile]) -> Iterator[Finding]:
    predictor = api.predictor
    if predictor is None or not api.request.inf:
        return
    per_device = next(
        (
            p.allocatable.neuron_cores // max(p.allocatable.neuron_devices, 1)
            for p in candidates
            if p.accelerator == "neuron"
        ),
        0,
    )
    cores = api.request.inf * per_device
    processes = predictor.processes_per_replica
    if cores and cores % processes:
        good = ", ".join(str(n) for n in range(1, cores + 1) if cores % n == 0)
        yield Finding(
            (*path, "predictor", "processes_per_replica"),
            f"cannot evenly distribute {api.request.inf} Inferentia "
            f"device{'s' if api.request.inf != 1 else ''} ({cores} NeuronCores total) over "
            f"{processes} processes",
            f"acceptable numbers of processes are {good}",
        )


def _fit_table(request: Request, candidates: list[NodeProfile]) -> str:
    header = ("node group", "instance", "cpu", "mem", "gpu", "inf", "fits")
    rows = [
        (
            "request",
            "",
            cpu_text(request.cpu_millis),
            memory_display(request.memory_bytes),
            str(request.gpu),
            str(request.inf),
            "",
        )
    ]
    for p in candidates:
        lacking = fits(request, p)
        a = p.allocatable
        rows.append(
            (
                p.name,
                p.instance_type,
                cpu_text(a.cpu_millis),
                memory_display(a.memory_mib * 2**20),
                str(a.gpu),
                str(a.neuron_devices),
                "yes" if not lacking else "no: " + ", ".join(lacking),
            )
        )
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip()
        for r in (header, *rows)
    ]
    return "allocatable per node (capacity minus kubelet and add-on reserves):\n" + "\n".join(lines)
