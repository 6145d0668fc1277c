"""The dated fallback: AWS list prices as Cortex v0.42.1 embedded them (captured 2022-04-24).

Source and caveats: `data/README.md` beside this module (a copy of shared/data/README.md).
The table has no Application Load Balancer price (only NLB and classic ELB), no EKS
extended-support rate, and none of inf2, trn1, g6, g6e, p5 or 7th-generation types; those
come back as a reason, and the estimate shows them as "unknown".
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Final

FILE: Final = "aws-prices-cortex-v0.42.1.json"
CAPTURED: Final = "2022-04-24"
LABEL: Final = f"AWS list price as of {CAPTURED}, from Cortex v0.42.1"
# Cortex's generator divided AWS's per-GiB/s-month gp3 throughput price by 1000 instead of
# 1024 (data/README.md, "generator quirk"); this converts its figure to USD per MiB/s-month.
_THROUGHPUT_FIX: Final = 1000 / 1024


@cache
def _table() -> dict[str, Any]:
    text = resources.files("cortex_aws").joinpath("data", FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    if data.get("captured") != CAPTURED:
        raise ValueError(f"{FILE} says captured {data.get('captured')}, expected {CAPTURED}")
    return data


def lookup(region: str, kind: str, name: str = "") -> float | str:
    """The table's USD figure, or why there is none."""
    regions: dict[str, Any] = _table()["regions"]
    if region not in regions:
        return f"{region} is not in the {CAPTURED} table"
    row = regions[region]
    if kind == "instance":
        instance = row["instances"].get(name)
        if instance is None:
            return f"{name} is not in the {CAPTURED} table for {region}"
        return float(instance["price_per_hour"])
    if kind == "eks":
        return float(row["eks_cluster_per_hour"])
    if kind == "eks-extended":
        return f"the {CAPTURED} table has only the EKS standard-support rate"
    if kind == "nat":
        return float(row["nat_gateway_per_hour"])
    if kind == "alb":
        return f"the {CAPTURED} table has no Application Load Balancer price (NLB and ELB only)"
    ebs: dict[str, float | None] = row["ebs"]
    field = {
        "ebs-gb": f"{name}_per_gb_month",
        "ebs-iops": f"{name}_per_iops_month",
        "ebs-throughput": f"{name}_per_mbps_month",
    }.get(kind)
    value = ebs.get(field) if field else None
    if value is None:
        return f"no {kind} price for {name or 'this item'} in the {CAPTURED} table for {region}"
    return float(value) * (_THROUGHPUT_FIX if kind == "ebs-throughput" else 1.0)
