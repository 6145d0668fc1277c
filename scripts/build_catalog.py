"""Regenerate the embedded instance catalog from cited sources.

    make catalog      (runs: python scripts/build_catalog.py)

Sources, all read from installed packages or the shared data folder, none typed by hand:
- EC2 instance facts: moto's `moto/ec2/resources/instance_types.json.gz`, which moto's
  maintainers capture from `ec2:DescribeInstanceTypes`.
- Offerings per availability zone: moto's
  `moto/ec2/resources/instance_type_offerings/availability-zone/<region>.json.gz`
  (captured from `ec2:DescribeInstanceTypeOfferings`).
- g4ad (absent from moto): vCPU, memory and GPU count from Cortex v0.42.1's price table
  (`../shared/data/aws-prices-cortex-v0.42.1.json`, us-east-1); its GPU vendor, AMD Radeon
  Pro V520, from `../shared/reference/eks-reference.md` §1.
- p3.2xlarge, p3.8xlarge, p3.16xlarge (absent from moto's types and offerings; EKS's
  AL2023 NVIDIA AMI supports p3, https://docs.aws.amazon.com/eks/latest/userguide/
  ml-eks-optimized-ami.html): vCPU, memory, GPU count and the regions that list them from
  the same Cortex price table; GPU NVIDIA V100 (https://aws.amazon.com/ec2/instance-types/p3/).
  Their offerings per availability zone are unknown (`listed_regions` only).
- Regions and partitions: botocore's `data/endpoints.json` (the `eks` service endpoints).

The output is reviewed like code: one instance type per line, sorted.
"""

from __future__ import annotations

import gzip
import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import botocore
import moto

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "cortex_spec" / "catalog"
SHARED_PRICES = ROOT.parent / "shared" / "data" / "aws-prices-cortex-v0.42.1.json"
MOTO_EC2 = Path(moto.__file__).parent / "ec2" / "resources"
ENDPOINTS = Path(botocore.__file__).parent / "data" / "endpoints.json"


def _arch(raw: dict[str, Any]) -> str:
    archs = raw.get("ProcessorInfo", {}).get("SupportedArchitectures", [])
    if any(a.endswith("_mac") for a in archs):
        return "mac"
    return "arm64" if "arm64" in archs else "x86_64"


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "vcpu": raw["VCpuInfo"]["DefaultVCpus"],
        "memory_mib": raw["MemoryInfo"]["SizeInMiB"],
        "arch": _arch(raw),
    }
    gpus = raw.get("GpuInfo", {}).get("Gpus", [])
    if gpus:
        entry["gpu"] = {
            "vendor": gpus[0]["Manufacturer"],
            "name": gpus[0]["Name"],
            "count": sum(g["Count"] for g in gpus),
            "memory_mib": gpus[0].get("MemoryInfo", {}).get("SizeInMiB"),
        }
    devices = raw.get("NeuronInfo", {}).get("NeuronDevices", [])
    if devices:
        entry["neuron"] = {
            "name": devices[0]["Name"],
            "devices": sum(d["Count"] for d in devices),
            "cores_per_device": devices[0]["CoreInfo"]["Count"],
        }
    if raw.get("FpgaInfo"):
        entry["fpga"] = True
    if raw.get("MediaAcceleratorInfo"):
        entry["media_accelerator"] = True
    return entry


def _g4ad() -> dict[str, dict[str, Any]]:
    prices = json.loads(SHARED_PRICES.read_text())["regions"]["us-east-1"]["instances"]
    return {
        name: {
            "vcpu": row["vcpu"],
            "memory_mib": row["memory_mib"],
            "arch": "x86_64",
            "gpu": {
                "vendor": "AMD",
                "name": "Radeon Pro V520",
                "count": row["gpu"],
                "memory_mib": None,
            },
        }
        for name, row in prices.items()
        if name.startswith("g4ad.")
    }


def _p3() -> dict[str, dict[str, Any]]:
    """p3 rows of Cortex's price table, with the regions whose table lists them."""
    regions = json.loads(SHARED_PRICES.read_text())["regions"]
    rows = regions["us-east-1"]["instances"]
    return {
        name: {
            "vcpu": row["vcpu"],
            "memory_mib": row["memory_mib"],
            "arch": "x86_64",
            "gpu": {"vendor": "NVIDIA", "name": "V100", "count": row["gpu"], "memory_mib": None},
            "listed_regions": sorted(r for r, v in regions.items() if name in v["instances"]),
        }
        for name, row in rows.items()
        if name.startswith("p3.")
    }


def _read_gz(path: Path) -> Any:
    with gzip.open(path) as handle:
        return json.loads(handle.read())


def _lines(mapping: dict[str, Any]) -> str:
    rows = [
        f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(mapping.items())
    ]
    return "{\n" + ",\n".join(rows) + "\n}"


def build() -> None:
    raw_types = _read_gz(MOTO_EC2 / "instance_types.json.gz")
    types = {name: _entry(raw) for name, raw in raw_types.items()}
    for name, entry in {**_g4ad(), **_p3()}.items():
        types.setdefault(name, entry)
    source = {
        "instances": f"moto {version('moto')} moto/ec2/resources/instance_types.json.gz",
        "g4ad": "Cortex v0.42.1 price table (shared/data, captured 2022-04-24); "
        "AMD per eks-reference.md",
        "p3": "Cortex v0.42.1 price table (shared/data, captured 2022-04-24), regions "
        "listing them; NVIDIA V100 per aws.amazon.com/ec2/instance-types/p3/",
    }
    (CATALOG / "instances.json").write_text(
        '{"source": ' + json.dumps(source, sort_keys=True) + ',\n"types": ' + _lines(types) + "}\n"
    )

    offerings: dict[str, dict[str, str]] = {}
    zones: dict[str, list[str]] = {}
    for path in sorted((MOTO_EC2 / "instance_type_offerings" / "availability-zone").glob("*.gz")):
        region = path.name.removesuffix(".json.gz")
        rows = _read_gz(path)
        per_type: dict[str, set[str]] = {}
        for row in rows:
            per_type.setdefault(row["InstanceType"], set()).add(row["Location"])
        zones[region] = sorted({row["Location"] for row in rows})
        offerings[region] = {
            t: "".join(sorted(z.removeprefix(region) for z in azs))
            for t, azs in sorted(per_type.items())
        }
    (CATALOG / "offerings.json").write_text(
        '{"source": '
        + json.dumps(f"moto {version('moto')} instance_type_offerings/availability-zone")
        + ',\n"offerings": {\n'
        + ",\n".join(
            f"  {json.dumps(r)}: {json.dumps(o, sort_keys=True, separators=(',', ':'))}"
            for r, o in sorted(offerings.items())
        )
        + "\n}}\n"
    )

    endpoints = json.loads(ENDPOINTS.read_text())
    regions: dict[str, Any] = {}
    for partition in endpoints["partitions"]:
        eks = partition["services"].get("eks", {}).get("endpoints", {})
        for region in sorted(partition["regions"]):
            regions[region] = {
                "partition": partition["partition"],
                "eks": region in eks,
                "zones": zones.get(region),
            }
    (CATALOG / "regions.json").write_text(
        '{"source": '
        + json.dumps(
            f"botocore {version('botocore')} data/endpoints.json; zones from moto {version('moto')}"
        )
        + ',\n"regions": '
        + _lines(regions)
        + "}\n"
    )


if __name__ == "__main__":
    build()
    sys.exit(0)
