"""What `scripts/capture_prices.py` captures and how, apart from the AWS calls: the keys (every
catalog size of the families the 2022 table lacks, the fixed items, the volume prices) and
the loop that keeps only what the Price List answered. Kept in the package so it is tested.
"""

from __future__ import annotations

from collections.abc import Callable

from cortex_aws.prices import PriceKey
from cortex_spec import catalog

FAMILIES = ("inf2", "trn1", "g6", "g6e", "p5")
FIXED = [PriceKey("eks"), PriceKey("eks-extended"), PriceKey("nat"), PriceKey("alb")]
VOLUMES = [
    PriceKey("ebs-gb", "gp3"),
    PriceKey("ebs-gb", "gp2"),
    PriceKey("ebs-gb", "io1"),
    PriceKey("ebs-iops", "io1"),
    PriceKey("ebs-iops", "gp3"),
    PriceKey("ebs-throughput", "gp3"),
]
Fetch = Callable[[str, PriceKey], float | None]


def keys_for(families: list[str]) -> list[PriceKey]:
    """Every catalog size of `families`, the fixed items and the volume prices."""
    types = sorted(t for t in catalog.instance_type_names() if t.split(".")[0] in families)
    return [*(PriceKey("instance", t) for t in types), *FIXED, *VOLUMES]


def capture(
    regions: list[str], keys: list[PriceKey], fetch: Fetch
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Every price the API has, per region and key id; and what it had not."""
    prices: dict[str, dict[str, float]] = {}
    missing = []
    for region in regions:
        for key in keys:
            usd = fetch(region, key)
            if usd is None:
                missing.append(f"{region} {key.id}")
            else:
                prices.setdefault(region, {})[key.id] = usd
    return prices, missing
