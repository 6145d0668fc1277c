"""NVIDIA generations Cortex accepted: p3 served (EKS's AL2023 NVIDIA AMI lists it), g3 and
p2 refused precisely (that AMI does not), never reported as unknown instance types."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_spec import Spec, SpecError, catalog, load_spec

SPEC = """
cluster:
  name: demo
  region: us-west-2
  node_groups:
    - {name: cpu, instance_type: m5.large}
    - {name: gpu, instance_type: TYPE, min_instances: 0}
apis:
  - name: model
    kind: RealtimeAPI
    pod:
      containers:
        - {name: s, image: ghcr.io/x/y:1, compute: {gpu: 1, cpu: 1, mem: 4Gi}}
"""


def _load(tmp_path: Path, instance_type: str) -> Spec:
    (tmp_path / "cortex.yaml").write_text(SPEC.replace("TYPE", instance_type))
    return load_spec(tmp_path / "cortex.yaml")


@pytest.mark.parametrize(
    ("name", "gpus"), [("p3.2xlarge", 1), ("p3.8xlarge", 4), ("p3.16xlarge", 8)]
)
def test_p3_is_in_the_catalog_from_cortex_price_table(name: str, gpus: int) -> None:
    """p3 (V100) rows come from Cortex v0.42.1's price table (moto's EC2 data lacks them)."""
    info = catalog.instance_type(name)
    assert info is not None
    assert info.gpu is not None
    assert (info.gpu.vendor, info.gpu.name, info.gpu.count) == ("NVIDIA", "V100", gpus)
    assert info.listed_regions is not None
    assert "us-west-2" in info.listed_regions


def test_a_p3_node_group_serves_gpu_apis_with_a_zone_warning(tmp_path: Path) -> None:
    """EKS's AL2023 x86_64 NVIDIA AMI lists p3 (docs.aws.amazon.com/eks/latest/userguide/
    ml-eks-optimized-ami.html): accepted; the catalog's unknown AZs are a warning."""
    spec = _load(tmp_path, "p3.2xlarge")
    [warning] = [w for w in spec.warnings if "p3.2xlarge's availability zones" in w.message]
    assert "preflight" in (warning.hint or "")
    region = catalog.region("us-west-2")
    assert region is not None
    assert catalog.offered_zones("us-west-2", "p3.2xlarge") == region.zones
    assert catalog.offered_zones("sa-east-1", "p3.2xlarge") == ()


@pytest.mark.parametrize("name", ["g3.4xlarge", "g3s.xlarge", "p2.xlarge", "p2.16xlarge"])
def test_g3_and_p2_are_refused_as_unsupported_by_eks_amis_not_unknown(
    tmp_path: Path, name: str
) -> None:
    """Cortex v0.42.1 accepted g3 and p2 (its price table lists them); EKS's current NVIDIA
    AMIs do not list them, so they get that reason and the doc, not "unknown"."""
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, name)
    [problem] = caught.value.problems
    assert "not supported on EKS's current accelerated AMIs" in problem.message
    assert "ml-eks-optimized-ami.html" in problem.message
    assert "unknown" not in problem.message
    assert problem.hint is not None
    assert "g4dn" in problem.hint
