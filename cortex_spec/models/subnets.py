"""Shared pieces of `cluster:`: an existing VPC's subnets, and how Cortex read empty keys."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator

from cortex_spec.models.base import StrictModel, fail, shown

# Matched whole and ASCII-only (see models/base.py).
_SUBNET_ID = re.compile(r"subnet-[0-9a-f]{8,17}", re.ASCII)


def null_as_empty(value: object) -> object:
    return {} if value is None else value


def null_as_open(value: object) -> object:
    # Cortex read an empty CIDR list key (null) as "no restriction".
    return ["0.0.0.0/0"] if value is None else value


def null_as_none(value: object) -> object:
    return [] if value is None else value


class ExistingSubnet(StrictModel):
    """A subnet of an existing VPC to place the cluster in."""

    availability_zone: Annotated[str, Field(description="AZ of the subnet, e.g. us-west-2a.")]
    subnet_id: Annotated[str, Field(description="ID of the subnet, e.g. subnet-0abc1234.")]

    @field_validator("subnet_id")
    @classmethod
    def _subnet_id(cls, value: str) -> str:
        if not _SUBNET_ID.fullmatch(value):
            fail(f'"{shown(value)}" is not a subnet ID', "write it like subnet-0123456789abcdef0")
        return value
