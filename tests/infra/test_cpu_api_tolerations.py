"""A CPU API placed on accelerator groups tolerates their taints (Cortex v0.42.1 tolerated
`nvidia.com/gpu` and `aws.amazon.com/neuron` on every API: pkg/workloads/k8s.go line 433)."""

from __future__ import annotations

from pathlib import Path

from cortex_spec import load_spec
from infra.serving.placement import tolerations

SPEC = """
cluster:
  name: demo
  region: us-west-2
  node_groups:
    - {name: gpu, instance_type: g5.xlarge}
    - {name: neuron, instance_type: inf2.xlarge}
apis:
  - name: cpu-api
    kind: RealtimeAPI
    pod:
      containers:
        - {name: s, image: "ghcr.io/x/y:1", compute: {cpu: 1, mem: 1Gi}}
"""


def test_a_cpu_api_on_a_gpu_and_neuron_cluster_tolerates_both_taints(tmp_path: Path) -> None:
    """Its pods can be scheduled on the tainted nodes it is placed on, and only those."""
    (tmp_path / "cortex.yaml").write_text(SPEC)
    spec = load_spec(tmp_path / "cortex.yaml")
    keys = sorted(t["key"] for t in tolerations(spec.api("cpu-api"), spec.profiles))
    assert keys == ["aws.amazon.com/neuron", "nvidia.com/gpu"]
