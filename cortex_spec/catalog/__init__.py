"""The embedded EC2 catalog: instance facts, regions, and offerings per availability zone.

Facts come from cited sources (see `SOURCES.md` beside this file and
`scripts/build_catalog.py`); nothing here is typed by hand.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Arch = Literal["x86_64", "arm64", "mac"]
Accelerator = Literal["none", "nvidia", "amd", "neuron"]

_NAME = re.compile(
    r"(?P<family>[a-z]+)(?P<generation>[0-9]+)(?P<caps>[a-z-]*)\.(?P<size>[a-z0-9-]+)"
)


@dataclass(frozen=True)
class Gpu:
    vendor: str
    name: str
    count: int
    memory_mib: int | None


@dataclass(frozen=True)
class Neuron:
    name: str
    devices: int
    cores_per_device: int

    @property
    def cores(self) -> int:
        return self.devices * self.cores_per_device


@dataclass(frozen=True)
class InstanceType:
    name: str
    vcpu: int
    memory_mib: int
    arch: Arch
    gpu: Gpu | None = None
    neuron: Neuron | None = None
    fpga: bool = False
    media_accelerator: bool = False
    # Types known from Cortex's price table only (p3): the regions listing them; their
    # offerings per availability zone are not in the catalog.
    listed_regions: tuple[str, ...] | None = None

    @property
    def family(self) -> str:
        """The part before the dot, e.g. `g5g` or `c7i-flex`."""
        return self.name.split(".", 1)[0]

    @property
    def series(self) -> str:
        """The leading letters of the family, e.g. `g` for g5g, `inf` for inf2."""
        match = _NAME.fullmatch(self.name)
        return match["family"] if match else self.family

    @property
    def size(self) -> str:
        return self.name.split(".", 1)[1]

    @property
    def accelerator(self) -> Accelerator:
        if self.neuron is not None:
            return "neuron"
        if self.gpu is not None and self.gpu.vendor.upper() == "NVIDIA":
            return "nvidia"
        if self.gpu is not None and self.gpu.vendor.upper() == "AMD":
            return "amd"
        return "none"

    @property
    def gpus(self) -> int:
        return self.gpu.count if self.accelerator == "nvidia" and self.gpu else 0

    @property
    def neuron_devices(self) -> int:
        return self.neuron.devices if self.neuron else 0

    @property
    def neuron_cores(self) -> int:
        return self.neuron.cores if self.neuron else 0


@dataclass(frozen=True)
class Region:
    name: str
    partition: str
    eks: bool
    zones: tuple[str, ...] | None


def _load(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _types() -> dict[str, InstanceType]:
    out: dict[str, InstanceType] = {}
    for name, row in _load("instances.json")["types"].items():
        gpu = row.get("gpu")
        neuron = row.get("neuron")
        out[name] = InstanceType(
            name=name,
            vcpu=row["vcpu"],
            memory_mib=row["memory_mib"],
            arch=row["arch"],
            gpu=Gpu(gpu["vendor"], gpu["name"], gpu["count"], gpu["memory_mib"]) if gpu else None,
            neuron=Neuron(neuron["name"], neuron["devices"], neuron["cores_per_device"])
            if neuron
            else None,
            fpga=row.get("fpga", False),
            media_accelerator=row.get("media_accelerator", False),
            listed_regions=tuple(row["listed_regions"]) if "listed_regions" in row else None,
        )
    return out


@cache
def _regions() -> dict[str, Region]:
    return {
        name: Region(
            name, row["partition"], row["eks"], tuple(row["zones"]) if row["zones"] else None
        )
        for name, row in _load("regions.json")["regions"].items()
    }


@cache
def _offerings() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = _load("offerings.json")["offerings"]
    return data


def instance_type(name: str) -> InstanceType | None:
    return _types().get(name)


def instance_type_names() -> tuple[str, ...]:
    return tuple(_types())


def region(name: str) -> Region | None:
    return _regions().get(name)


def region_names() -> tuple[str, ...]:
    return tuple(_regions())


def suggest(word: str, choices: tuple[str, ...] | list[str], n: int = 1) -> list[str]:
    """Closest spellings, for "did you mean" hints."""
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def offered_zones(region_name: str, type_name: str) -> tuple[str, ...] | None:
    """AZs of `region_name` that offer `type_name`; None when the catalog has no data for it."""
    per_type = _offerings().get(region_name)
    if per_type is None:
        return None
    info = instance_type(type_name)
    if type_name not in per_type and info is not None and info.listed_regions is not None:
        # Offered per AZ unknown: every AZ of a region whose price table lists the type is
        # assumed (node_group_rules warns; `preflight` asks DescribeInstanceTypeOfferings).
        known = region(region_name)
        if region_name in info.listed_regions and known is not None:
            return known.zones
        return ()
    letters = per_type.get(type_name, "")
    return tuple(f"{region_name}{letter}" for letter in letters)


def zones_offering_all(region_name: str, type_names: list[str]) -> tuple[str, ...] | None:
    """AZs that offer every type in `type_names`, sorted; None without catalog data."""
    zones: set[str] | None = None
    for name in type_names:
        offered = offered_zones(region_name, name)
        if offered is None:
            return None
        zones = set(offered) if zones is None else zones & set(offered)
    info = region(region_name)
    if zones is None:
        return info.zones if info else None
    return tuple(sorted(zones))
