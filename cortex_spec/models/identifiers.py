"""The formats of the AWS and DNS identifiers `cluster:` names: the cluster's name, its
region and Kubernetes version, an ACM certificate ARN, a domain and a Route 53 zone ID.

Separate from `cluster.py`, which composes the section: each check here reads one string
alone, raising the same located error wherever the value is written.
"""

from __future__ import annotations

import re

from cortex_spec import catalog
from cortex_spec.models.base import fail, matching, shown

__all__ = [
    "check_certificate_arn",
    "check_cluster_name",
    "check_domain",
    "check_hosted_zone_id",
    "check_kubernetes_version",
    "check_region",
]

# Matched whole and ASCII-only (see models/base.py).
_CLUSTER_NAME = re.compile(r"([a-z0-9])+(-[a-z0-9]+)*", re.ASCII)
_CERT_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+")
_K8S_VERSION = re.compile(r"1\.[0-9]{1,3}")
# A DNS host name: labels of letters, digits and inner dashes, at least two, the last not
# numeric (RFC 1123 section 2.1, RFC 3696 section 2); lowercase, as Route 53 stores it.
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"(?=.{{1,253}}\Z)({_LABEL}\.)+[a-z]([a-z0-9-]{{0,61}}[a-z0-9])?", re.ASCII)
# Route 53 hosted zone IDs: "Z" and upper-case letters and digits, at most 32 characters.
_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}", re.ASCII)


def check_cluster_name(value: str) -> str:
    """3-54 lowercase letters, digits and single inner dashes."""
    if not 3 <= len(value) <= 54:
        fail(f'"{shown(value)}" must be 3 to 54 characters', "pick a shorter or longer name")
    return matching(
        _CLUSTER_NAME,
        value,
        "a valid cluster name",
        "only lowercase alphanumeric characters and dashes are allowed, with no "
        "consecutive dashes and no leading or trailing dashes",
    )


def check_region(value: str) -> str:
    """A region of the catalog where EKS is available."""
    info = catalog.region(value)
    if info is None or not info.eks:
        close = catalog.suggest(value, catalog.region_names())
        fail(
            f'"{shown(value)}" is not a valid AWS region, or is one where EKS is not available',
            f"did you mean '{close[0]}'?" if close else "use a region such as us-west-2",
        )
    return value


def check_kubernetes_version(value: str) -> str:
    """A Kubernetes minor version, written like 1.35."""
    return matching(
        _K8S_VERSION, value, "a Kubernetes minor version", 'write it like "1.35" (quoted)'
    )


def check_certificate_arn(value: str) -> str:
    """An ACM certificate's ARN, in any partition."""
    return matching(
        _CERT_ARN,
        value,
        "an ACM certificate ARN",
        "write it like arn:aws:acm:us-west-2:123456789012:certificate/<id>",
    )


def check_domain(value: str) -> str:
    """A lowercase host name without the final dot."""
    if value.endswith("."):
        fail(
            f'"{shown(value)}" ends with a dot',
            f"write it without the final dot: {shown(value[:-1])}",
        )
    if value != value.lower() and _DOMAIN.fullmatch(value.lower()):
        fail(
            f'"{shown(value)}" has upper-case letters',
            f"write it in lower case: {shown(value.lower())}",
        )
    return matching(
        _DOMAIN,
        value,
        "a domain name",
        "write a host name like api.example.com: labels of letters, digits and "
        "inner dashes (at most 63 characters each), separated by dots",
    )


def check_hosted_zone_id(value: str) -> str:
    """A Route 53 hosted zone's ID, without the /hostedzone/ prefix."""
    return matching(
        _ZONE_ID,
        value,
        "a Route 53 hosted zone ID",
        "write the zone's ID like Z0123456789ABCDEFGHIJ (without /hostedzone/)",
    )
