"""Can the deploying machine reach the cluster's Kubernetes API? A preflight warning if not.

`pulumi up` calls the Kubernetes API (the Kubernetes provider, Helm) from the machine that
runs it. Through the public endpoint that works only from an address inside
`endpoint_public_access_cidrs`; with the public endpoint off, only from where the private
endpoint answers (inside or connected to the VPC). This machine's public address comes from
AWS's checkip endpoint (`https://checkip.amazonaws.com` answers the caller's IPv4 address
as plain text), with a short timeout: offline or blocked, the check says "unknown" and
warns that it did not run, never fails. Warnings only: preflight may run elsewhere than the
deploy (docs/ci.md, "Deploying to a private endpoint").
"""

from __future__ import annotations

import ipaddress
import urllib.error
import urllib.request
from typing import Final

from cortex_aws.checks import CheckResult, passed, warned
from cortex_spec.loader import Spec

CHECKIP_URL: Final = "https://checkip.amazonaws.com"
TIMEOUT_SECONDS: Final = 3.0
CHECK: Final = "endpoint-access"
_DOCS: Final = 'docs/ci.md, "Deploying to a private endpoint"'


def public_address(url: str | None = None, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """This machine's public IP address as `url` (default CHECKIP_URL, read at call time)
    sees it, or None when it cannot tell."""
    url = url or CHECKIP_URL
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - fixed https URL (tests: loopback)
            text = response.read(64).decode("ascii", errors="replace").strip()
    except (urllib.error.URLError, OSError, ValueError):
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def check(spec: Spec, address: str | None) -> list[CheckResult]:
    cluster = spec.cluster
    subject = "kubernetes api"
    if not cluster.endpoint_public_access:
        return [
            warned(
                CHECK,
                subject,
                "the public endpoint is off: `pulumi up` must run where the private endpoint "
                "answers (inside the VPC, or a network connected to it)",
                f"deploy from a runner inside the VPC ({_DOCS})",
            )
        ]
    if address is None:
        return [
            warned(
                CHECK,
                subject,
                "unknown: this machine's public address could not be read (AWS checkip "
                "endpoint unreachable)",
                "check that the deploying machine's address is in endpoint_public_access_cidrs",
            )
        ]
    ip = ipaddress.ip_address(address)
    ranges = [
        ipaddress.ip_network(str(c), strict=False) for c in cluster.endpoint_public_access_cidrs
    ]
    matching = [str(r) for r in ranges if r.version == ip.version and ip in r]
    if matching:
        return [passed(CHECK, subject, f"this machine's address {address} is in {matching[0]}")]
    allowed = ", ".join(str(r) for r in ranges)
    return [
        warned(
            CHECK,
            subject,
            f"this machine's public address {address} is not in endpoint_public_access_cidrs "
            f"({allowed}): from here the Kubernetes provider and Helm cannot reach the API",
            f"deploy from an allowed network or a runner inside the VPC, or add {address}/"
            f"{ip.max_prefixlen} to endpoint_public_access_cidrs ({_DOCS})",
        )
    ]


def run(spec: Spec, url: str | None = None) -> list[CheckResult]:
    """The check, asking `url` only when the answer matters (public endpoint on)."""
    address = public_address(url) if spec.cluster.endpoint_public_access else None
    return check(spec, address)
