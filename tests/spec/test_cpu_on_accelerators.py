"""Placement of CPU APIs as Cortex v0.42.1 placed them (pkg/workloads/k8s.go:
`GenerateResourceTolerations`, line 433, tolerated the GPU and Neuron taints on every API):
a cluster of accelerator nodes only still runs CPU APIs, with a warning."""

from __future__ import annotations

from pathlib import Path

from cortex_spec import Spec, load_spec
from cortex_spec.rules.compute_fit import placements

SPEC = """
cluster:
  name: demo
  region: us-west-2
  node_groups:
GROUPS
apis:
  - name: cpu-api
    kind: RealtimeAPI
    pod:
      containers:
        - {name: s, image: "ghcr.io/x/y:1", compute: {cpu: 1, mem: 1Gi}}
"""
GPU = "    - {name: gpu, instance_type: g5.xlarge}\n"
NEURON = "    - {name: neuron, instance_type: inf2.xlarge}\n"
CPU = "    - {name: cpu, instance_type: m5.large}\n"


def _load(tmp_path: Path, groups: str) -> Spec:
    (tmp_path / "cortex.yaml").write_text(SPEC.replace("GROUPS\n", groups))
    return load_spec(tmp_path / "cortex.yaml")


def _warnings(spec: Spec) -> list[str]:
    return [w.message for w in spec.warnings if "this CPU API may run on accelerator" in w.message]


def test_a_cpu_api_runs_on_accelerator_groups_when_there_is_no_cpu_group(tmp_path: Path) -> None:
    """GPU and Neuron groups only: accepted (Cortex ran it there), placed on both, warned."""
    spec = _load(tmp_path, GPU + NEURON)
    api = spec.api("cpu-api")
    assert sorted(p.name for p in placements(api, spec.profiles)) == ["gpu", "neuron"]
    [warning] = _warnings(spec)
    assert "(gpu, neuron)" in warning


def test_a_cpu_group_keeps_cpu_apis_off_accelerator_nodes(tmp_path: Path) -> None:
    """With a CPU group, CPU APIs stay on it (no accelerator capacity taken, no warning)."""
    spec = _load(tmp_path, GPU + CPU)
    api = spec.api("cpu-api")
    assert [p.name for p in placements(api, spec.profiles)] == ["cpu"]
    assert _warnings(spec) == []
