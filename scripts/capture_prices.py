"""Capture offline prices from the AWS Price List Query API into a dated, packaged table.

    python scripts/capture_prices.py [--regions us-west-2,us-east-1] [--families inf2,g6,...]

Needs AWS credentials allowed `pricing:GetProducts` (the same queries and filters as
`cortex-infra cost` live, `cortex_aws/price_list.py`). Writes
`cortex_aws/data/aws-prices-captured-<today>.json` (`cortex_aws/captured_prices.py` reads
it, after the live API and its cache, before the 2022 table) and prints what it could not
price. Review the file like code, then commit it: every number in it came from AWS on that
day, and `plan`, `cost --offline` and `diff` label it so.

Default families are the ones the 2022 table lacks and this project supports (inf2, trn1,
g6, g6e, p5), every catalog size of each; the fixed items (EKS, extended support, NAT, the
application load balancer) and gp3/gp2/io1 volumes are always captured.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from cortex_aws import captured_prices, price_list
from cortex_aws.price_capture import FAMILIES, capture, keys_for
from cortex_aws.prices import PriceKey
from cortex_aws.session import AwsSession

DATA = Path(__file__).resolve().parents[1] / "cortex_aws" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", default="us-east-1,us-east-2,us-west-2,eu-west-1")
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    regions = [r for r in args.regions.split(",") if r]
    session = AwsSession("us-east-1")
    session.require_credentials()
    pricing = session.pricing()

    def fetch(region: str, key: PriceKey) -> float | None:
        outcome = price_list.fetch(pricing, region, key.kind, key.name, session.max_attempts)
        if outcome.failure is not None:
            raise SystemExit(f"{region} {key.id}: {outcome.failure.message}")
        return outcome.value

    prices, missing = capture(regions, keys_for(args.families.split(",")), fetch)
    today = date.today().isoformat()
    detail = f"regions {', '.join(regions)}; scripts/capture_prices.py"
    path = DATA / f"aws-prices-captured-{today}.json"
    path.write_text(json.dumps(captured_prices.document(today, prices, detail), indent=1) + "\n")
    print(f"wrote {path} ({sum(len(p) for p in prices.values())} prices)")
    for item in missing:
        print(f"not in the Price List: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
