"""node_profiles: the AMI type, taints, labels, allocatable capacity and spot split of a group."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cortex_spec import catalog
from cortex_spec.models import NodeGroup
from cortex_spec.node_profiles import (
    ACCELERATOR_LABEL,
    COMPANION_SUFFIX,
    GPU_TAINT,
    NEURON_TAINT,
    NODE_GROUP_LABEL,
    ami_type,
    managed_groups,
    on_demand_split,
    profile,
)


def _group(**fields: Any) -> NodeGroup:
    return NodeGroup.model_validate({"name": "ng", "instance_type": "m5.large", **fields})


@pytest.mark.parametrize(
    ("instance_type", "expected"),
    [
        *[
            (t, "AL2023_x86_64_STANDARD")
            for t in ("m5.large", "c6a.large", "r7i.large", "t3.medium")
        ],
        *[
            (t, "AL2023_ARM_64_STANDARD")
            for t in ("m7g.large", "c6g.large", "t4g.medium", "a1.large")
        ],
        *[
            (t, "AL2023_x86_64_NVIDIA")
            for t in ("g4dn.xlarge", "g5.xlarge", "g6.xlarge", "g6e.xlarge")
        ],
        *[(t, "AL2023_x86_64_NVIDIA") for t in ("p4d.24xlarge", "p5.48xlarge")],
        ("g5g.xlarge", "AL2023_ARM_64_NVIDIA"),
        *[(t, "AL2023_x86_64_NEURON") for t in ("inf2.xlarge", "inf2.48xlarge", "trn1.2xlarge")],
    ],
)
def test_ami_type_follows_architecture_and_accelerator(instance_type: str, expected: str) -> None:
    """x86 and Graviton get STANDARD, NVIDIA (g5g on ARM too) NVIDIA, inf2/trn1 NEURON."""
    info = catalog.instance_type(instance_type)
    assert info is not None
    assert ami_type(info) == expected
    assert profile(_group(instance_type=instance_type)).ami_type == expected


def test_gpu_group_is_tainted_labelled_and_advertises_gpus() -> None:
    """An NVIDIA group carries the nvidia.com/gpu taint, the CA accelerator label and its GPUs."""
    p = profile(_group(instance_type="g5.12xlarge"))
    assert p.accelerator == "nvidia"
    assert p.gpu_model == "A10G"
    assert p.taints == (GPU_TAINT,)
    assert (GPU_TAINT.key, GPU_TAINT.value, GPU_TAINT.effect) == (
        "nvidia.com/gpu",
        "true",
        "NO_SCHEDULE",
    )
    assert GPU_TAINT.kubernetes_effect == "NoSchedule"
    assert p.labels == {
        NODE_GROUP_LABEL: "ng",
        ACCELERATOR_LABEL: "nvidia",
        "k8s.amazonaws.com/accelerator": "nvidia-a10g",
    }
    assert p.extended_resources == {"nvidia.com/gpu": 4}


def test_neuron_group_is_tainted_and_advertises_devices_and_cores() -> None:
    """A Neuron group carries the aws.amazon.com/neuron taint and its devices and cores."""
    p = profile(_group(instance_type="inf2.24xlarge"))
    assert p.accelerator == "neuron"
    assert p.gpu_model is None
    assert p.taints == (NEURON_TAINT,)
    assert NEURON_TAINT.key == "aws.amazon.com/neuron"
    assert p.extended_resources == {"aws.amazon.com/neuron": 6, "aws.amazon.com/neuroncore": 12}
    assert p.labels == {NODE_GROUP_LABEL: "ng", ACCELERATOR_LABEL: "neuron"}


def test_cpu_group_has_no_taint() -> None:
    """CPU groups are untainted, so add-ons and CPU APIs may land on them."""
    p = profile(_group(instance_type="m6i.large"))
    assert (p.accelerator, p.taints, p.extended_resources) == ("none", (), {})
    assert p.labels == {NODE_GROUP_LABEL: "ng"}


@pytest.mark.parametrize(
    ("instance_type", "cpu_millis", "memory_mib"),
    [
        # vCPU x 1000 - 560m; memory - 1150Mi (cortex-spec.md §8); GPU -150m/150Mi more,
        # Neuron -100m/100Mi more.
        ("m5.large", 2000 - 560, 8192 - 1150),
        ("g5.xlarge", 4000 - 560 - 150, 16384 - 1150 - 150),
        ("inf2.xlarge", 4000 - 560 - 100, 16384 - 1150 - 100),
    ],
)
def test_allocatable_subtracts_cortex_reserves(
    instance_type: str, cpu_millis: int, memory_mib: int
) -> None:
    """Allocatable capacity is the instance's minus Cortex's kubelet, add-on and plugin reserves."""
    allocatable = profile(_group(instance_type=instance_type)).allocatable
    assert (allocatable.cpu_millis, allocatable.memory_mib) == (cpu_millis, memory_mib)


def test_on_demand_group_is_one_managed_group() -> None:
    """Without spot a group is one ON_DEMAND managed group with its own sizes."""
    (group,) = managed_groups(_group(min_instances=2, max_instances=7, priority=3))
    assert (group.name, group.capacity_type, group.min_size, group.max_size) == (
        "ng",
        "ON_DEMAND",
        2,
        7,
    )
    assert group.expander_priority == 7


def test_spot_with_base_adds_a_preferred_spot_group_and_an_on_demand_companion() -> None:
    """Spot with an on-demand base splits into SPOT and `<name>-on-demand`; spot ranks higher."""
    group = _group(
        instance_type="g5.2xlarge",
        min_instances=1,
        max_instances=6,
        spot=True,
        spot_config={"instance_distribution": ["g6.2xlarge"], "on_demand_base_capacity": 1},
    )
    spot, companion = managed_groups(group)
    assert (spot.name, spot.capacity_type, spot.min_size, spot.max_size) == ("ng", "SPOT", 0, 5)
    assert (companion.name, companion.capacity_type) == ("ng" + COMPANION_SUFFIX, "ON_DEMAND")
    assert (companion.min_size, companion.max_size, companion.companion) == (1, 1, True)
    assert spot.expander_priority > companion.expander_priority
    assert profile(group).instance_types == ("g5.2xlarge", "g6.2xlarge")


def test_all_spot_has_no_companion() -> None:
    """With no base and no percentage, the whole group is spot."""
    (only,) = managed_groups(_group(spot=True, min_instances=0, max_instances=4))
    assert (only.capacity_type, only.min_size, only.max_size) == ("SPOT", 0, 4)


@given(
    base=st.integers(0, 20),
    percent=st.integers(0, 100),
    low=st.integers(0, 30),
    extra=st.integers(0, 30),
)
def test_on_demand_split_follows_cortex_formula(
    base: int, percent: int, low: int, extra: int
) -> None:
    """On-demand max = B + ceil(P% x (M - B)); spot + on-demand always equals the group size."""
    high = max(low + extra, base, 1)
    group = _group(
        spot=True,
        min_instances=low,
        max_instances=high,
        spot_config={
            "on_demand_base_capacity": base,
            "on_demand_percentage_above_base_capacity": percent,
        },
    )
    od_min, od_max = on_demand_split(group)
    assert od_max == base + math.ceil(percent * (high - base) / 100)
    assert 0 <= od_min <= low
    assert od_min <= od_max <= high
    sizes = {g.capacity_type: (g.min_size, g.max_size) for g in managed_groups(group)}
    total_min = sum(s[0] for s in sizes.values())
    total_max = sum(s[1] for s in sizes.values())
    assert (total_min, total_max) == (low, high)
