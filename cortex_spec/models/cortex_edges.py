"""Edge values Cortex v0.42.1 accepted, read as Cortex read them.

Each mapping names the Cortex validation it follows (files of github.com/cortexlabs/cortex at
v0.42.1): an explicit `null` where Cortex's field allowed it (`AllowExplicitNull`) means the
default Cortex then applied; `0` where Cortex allowed it for a Kubernetes field means what
Kubernetes' API defaulting makes of 0; a quoted integer where Cortex cast strings.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from typing import Any

# Kubernetes' SetDefaults_Probe (pkg/apis/core/v1/defaults.go) turns a 0 timeout, period,
# success or failure threshold into 1, 10, 1 and 3; Cortex passed 0 through (validations.go
# lines 323-348: GreaterThanOrEqualTo 0), so 0 meant exactly these on Cortex.
PROBE_ZERO_DEFAULTS = {
    "timeout_seconds": 1,
    "period_seconds": 10,
    "success_threshold": 1,
    "failure_threshold": 3,
}
# The CIDR fields of cluster.yaml; Go's net.ParseCIDR (cluster_config.go lines 1536-1559,
# validateCIDR and validateVPCCIDR) accepts host bits, e.g. 10.1.2.3/16.
CIDR_FIELDS = ("vpc_cidr", "api_load_balancer_cidr_white_list", "endpoint_public_access_cidrs")


def null_as(default: object) -> Callable[[object], object]:
    """A BeforeValidator: an explicit null reads as `default`."""

    def read(value: object) -> object:
        return default if value is None else value

    return read


def probe_zeros(data: Any) -> Any:
    """A probe's timings and thresholds at 0 read as Kubernetes' defaults (see above)."""
    if not isinstance(data, dict):
        return data
    return {
        key: PROBE_ZERO_DEFAULTS[key]
        if key in PROBE_ZERO_DEFAULTS and type(value) is int and value == 0
        else value
        for key, value in data.items()
    }


def quoted_integer(value: object) -> object:
    """`"1"` reads as 1: Cortex cast max_surge/max_unavailable to strings (CastInt) and its
    surgeOrUnavailableValidator (pkg/types/spec/utils.go line 43) parsed a plain integer."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


def host_bits(data: Any) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(path, as written, normalised) for each CIDR of `cluster:` with host bits set."""
    if not isinstance(data, dict):
        return
    for field in CIDR_FIELDS:
        value = data.get(field)
        items: list[tuple[int | None, object]] = [(None, value)]
        if isinstance(value, list):
            items = list(enumerate(value))
        for index, raw in items:
            if not isinstance(raw, str):
                continue
            try:
                ipaddress.ip_network(raw, strict=True)
            except ValueError:
                try:
                    network = ipaddress.ip_network(raw, strict=False)
                except ValueError:
                    continue  # not a CIDR at all: the field's own check reports it
                path = (field,) if index is None else (field, index)
                yield path, raw, str(network)
