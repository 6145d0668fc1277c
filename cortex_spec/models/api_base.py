"""What every kind of API has: a name, a kind, and an endpoint on the shared load balancer
(`networking:`, with Cortex's rules for the path).

Separate from `api.py`, which holds what the kinds that run pods add on top: a
TrafficSplitter runs no pods and builds on this alone.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator

from cortex_spec import naming
from cortex_spec.models.base import StrictModel, check_dns1035, fail, shown

__all__ = ["ApiBase", "Networking", "canonical_endpoint"]

# Cortex v0.42's endpoint characters (pkg/lib/urls/urls.go, `_endpointRegex`): no
# percent-escapes, no characters a client, the ALB or the router would encode, decode or
# treat as a wildcard (the ALB reads `*` and `?` in path patterns as wildcards).
_ENDPOINT = re.compile(r"[A-Za-z0-9_./-]*", re.ASCII)


def canonical_endpoint(value: str) -> str:
    """Cortex's `urls.CanonicalizeEndpoint`: one leading slash, no trailing slash."""
    return "/" + value.removeprefix("/").removesuffix("/")


class Networking(StrictModel):
    endpoint: Annotated[
        str | None,
        Field(
            default=None,
            description="URL path prefix the API is served under; default /<name>. Letters, "
            "digits and / - _ . as in Cortex, without `.` or `..` segments; a leading slash "
            "is added and a trailing one dropped.",
        ),
    ]
    api_gateway: Annotated[
        Literal["public", "none"] | None,
        Field(default=None, deprecated=True, description="Cortex v0.20 only; ignored."),
    ]
    local_port: Annotated[
        int | None,
        Field(default=None, deprecated=True, description="Cortex local mode only; ignored."),
    ]

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _ENDPOINT.fullmatch(value):
            fail(
                f'"{shown(value)}" is not a valid endpoint',
                "use letters, digits and / - _ . only (Cortex's rule): no spaces, "
                "%-escapes or other punctuation, which clients and routers encode differently",
            )
        if "//" in value:
            fail(f'"{shown(value)}" cannot contain adjacent slashes', "remove the extra /")
        endpoint = canonical_endpoint(value)
        if endpoint == "/":
            fail('"/" is not allowed (a path must be specified)', "write it like /text-embedder")
        dots = [part for part in endpoint.split("/") if part in (".", "..")]
        if dots:
            fail(
                f'"{shown(value)}" has a "{dots[0]}" segment',
                "clients, the load balancer and the router resolve dot segments differently "
                "(or not at all); name the path without them",
            )
        if len(endpoint) > naming.ENDPOINT_MAX:
            fail(
                f"must be at most {naming.ENDPOINT_MAX} characters (got {len(endpoint)})",
                "shorten the endpoint (the router's routes take endpoints of at most "
                f"{naming.ENDPOINT_MAX} characters)",
            )
        return endpoint


class ApiBase(StrictModel):
    """What every kind has: a name, a kind, and an endpoint on the shared load balancer."""

    name: Annotated[str, Field(description="API name (DNS-1035, at most 42 characters).")]
    kind: Annotated[str, Field(description="API kind.")]
    networking: Annotated[
        Networking, Field(default_factory=Networking, description="Endpoint path.")
    ]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_dns1035(value, "API name", 42)

    @property
    def endpoint(self) -> str:
        raw = self.networking.endpoint or self.name
        return raw if raw.startswith("/") else f"/{raw}"
