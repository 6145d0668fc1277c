"""The embedded catalog covers the families cortex-infra serves from, with their cited facts."""

from __future__ import annotations

import pytest

from cortex_spec import catalog

# CPU families of generations 5-7, by processor: Intel (no letter), AMD (a), Graviton (g).
# Graviton starts at generation 6; the burstable t family runs t3 (Intel), t3a, t4g.
CPU_FAMILIES = [
    *("c5", "c5a", "c6i", "c6a", "c6g", "c7i", "c7a", "c7g"),
    *("m5", "m5a", "m6i", "m6a", "m6g", "m7i", "m7a", "m7g"),
    *("r5", "r5a", "r6i", "r6a", "r6g", "r7i", "r7a", "r7g"),
    *("t3", "t3a", "t4g"),
]
ACCELERATED_FAMILIES = {
    "g4dn": "nvidia",
    "g4ad": "amd",
    "g5": "nvidia",
    "g5g": "nvidia",
    "g6": "nvidia",
    "g6e": "nvidia",
    "p4d": "nvidia",
    "p5": "nvidia",
    "inf1": "neuron",
    "inf2": "neuron",
    "trn1": "neuron",
}


def _family(name: str) -> list[catalog.InstanceType]:
    return [
        info
        for type_name in catalog.instance_type_names()
        if (info := catalog.instance_type(type_name)) is not None and info.family == name
    ]


@pytest.mark.parametrize("family", CPU_FAMILIES)
def test_cpu_family_is_covered(family: str) -> None:
    """Each CPU family has sizes, on the architecture its name promises, with no accelerator."""
    types = _family(family)
    assert types, family
    expected_arch = "arm64" if family.endswith("g") else "x86_64"
    assert {t.arch for t in types} == {expected_arch}
    assert {t.accelerator for t in types} == {"none"}


@pytest.mark.parametrize(("family", "accelerator"), sorted(ACCELERATED_FAMILIES.items()))
def test_accelerated_family_is_covered(family: str, accelerator: str) -> None:
    """Each GPU and Neuron family is present with the accelerator vendor that decides its AMI."""
    types = _family(family)
    assert types, family
    assert {t.accelerator for t in types} == {accelerator}


# eks-reference.md §8 (Karpenter's instance-types reference):
# name -> (vCPU, memory GiB, NVIDIA GPUs, Neuron devices, NeuronCores).
REFERENCE_SIZES = {
    "g4dn.xlarge": (4, 16, 1, 0, 0),
    "g5.xlarge": (4, 16, 1, 0, 0),
    "g6e.xlarge": (4, 32, 1, 0, 0),
    "p4d.24xlarge": (96, 1152, 8, 0, 0),
    "p5.48xlarge": (192, 2048, 8, 0, 0),
    "inf1.6xlarge": (24, 48, 0, 4, 16),
    "inf2.xlarge": (4, 16, 0, 1, 2),
    "inf2.48xlarge": (192, 768, 0, 12, 24),
    "trn1.32xlarge": (128, 512, 0, 16, 32),
}


@pytest.mark.parametrize(("name", "sizes"), sorted(REFERENCE_SIZES.items()))
def test_accelerator_sizes_match_the_reference(
    name: str, sizes: tuple[int, int, int, int, int]
) -> None:
    """Catalog rows agree with the reference table of accelerator sizes."""
    info = catalog.instance_type(name)
    assert info is not None
    actual = (info.vcpu, info.memory_mib // 1024, info.gpus, info.neuron_devices, info.neuron_cores)
    assert actual == sizes


def test_g5g_is_arm_with_nvidia() -> None:
    """g5g pairs Graviton with NVIDIA T4g: ARM architecture and an NVIDIA accelerator."""
    info = catalog.instance_type("g5g.xlarge")
    assert info is not None
    assert (info.arch, info.accelerator, info.series) == ("arm64", "nvidia", "g")


def test_amd_gpus_count_no_nvidia_gpus() -> None:
    """An AMD GPU is not an nvidia.com/gpu: g4ad reports zero schedulable GPUs."""
    info = catalog.instance_type("g4ad.xlarge")
    assert info is not None
    assert info.gpu is not None
    assert (info.gpu.vendor, info.gpus) == ("AMD", 0)


def test_regions_and_zones() -> None:
    """Regions know their zones and offerings; unknown names give None and a suggestion."""
    region = catalog.region("us-west-2")
    assert region is not None
    assert region.eks
    assert region.partition == "aws"
    assert region.zones is not None
    assert "us-west-2a" in region.zones
    assert catalog.region("us-west-3") is None
    assert catalog.suggest("us-wset-2", catalog.region_names()) == ["us-west-2"]
    offered = catalog.offered_zones("us-west-2", "trn1.2xlarge")
    assert offered is not None
    assert set(offered) < set(region.zones)


def test_zones_offering_all_intersects() -> None:
    """Default zones are those offering every type asked for, sorted."""
    zones = catalog.zones_offering_all("us-west-2", ["m5.large", "trn1.2xlarge"])
    assert zones == catalog.offered_zones("us-west-2", "trn1.2xlarge")
    assert catalog.zones_offering_all("ap-east-2", ["m5.large"]) is None
