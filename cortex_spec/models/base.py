"""The strict base model and the shared field types of the spec."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, NoReturn

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from cortex_spec.quantities import (
    Duration,
    Quantity,
    QuantityError,
    parse_duration,
    parse_quantity,
)


class StrictModel(BaseModel):
    """Unknown keys are errors, values are never coerced, and parsed specs never change."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=False)


def fail(message: str, hint: str | None = None, code: str = "cortex") -> NoReturn:
    """Raise a validation error that carries its own fix; the loader renders both."""
    raise PydanticCustomError(code, message, {"hint": hint} if hint else {})


def _quantity(raw: object) -> Quantity:
    if isinstance(raw, Quantity):
        return raw
    try:
        return parse_quantity(raw)
    except QuantityError as exc:
        fail(str(exc), "write CPU like 500m or 2, and memory like 512Mi, 2Gi or 4G")


def _duration(raw: object) -> Duration:
    if isinstance(raw, Duration):
        return raw
    try:
        return parse_duration(raw)
    except QuantityError as exc:
        fail(str(exc), "write durations like 10s, 60s, 5m or 1h30m")


QUANTITY_SCHEMAS: list[dict[str, Any]] = [
    {
        "type": "string",
        "pattern": r"^[+]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$",
    },
    {"type": "number", "minimum": 0},
]
QuantityValue = Annotated[
    Quantity,
    BeforeValidator(_quantity),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"anyOf": QUANTITY_SCHEMAS}),
]

DurationValue = Annotated[
    Duration,
    BeforeValidator(_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+)$"}
    ),
]

# Every name and identifier pattern is matched whole (`fullmatch`) and ASCII-only: with
# `re.match(...$)`, "sentiment\n" passed, since `$` also matches before a final newline,
# and `\d` or `\w` accept any Unicode digit or letter.
_DNS1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?", re.ASCII)
_IMAGE = re.compile(
    r"(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*"
    r"(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?",
    re.ASCII,
)


def shown(value: str) -> str:
    """A value as quoted in a message: at most 60 characters, control characters escaped."""
    text = value if len(value) <= 60 else value[:57] + "..."
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


def matching(pattern: re.Pattern[str], value: str, what: str, fix: str) -> str:
    """`value` when `pattern` matches all of it; else the error '"<value>" is not <what>'."""
    if not pattern.fullmatch(value):
        fail(f'"{shown(value)}" is not {what}', fix)
    return value


def check_dns1035(value: str, what: str, max_len: int) -> str:
    if len(value) > max_len:
        fail(f'"{shown(value)}" must be no more than {max_len} characters', f"shorten the {what}")
    return matching(
        _DNS1035,
        value,
        f"a valid {what}",
        "use lowercase letters, digits and dashes, starting with a letter and not "
        "ending with a dash (DNS-1035)",
    )


def check_image(value: str) -> str:
    return matching(
        _IMAGE,
        value,
        "a valid container image reference",
        "write it like registry.example.com/team/image:tag or image@sha256:<digest>",
    )


def check_cidr(value: Any) -> str:
    if not isinstance(value, str):
        fail("must be a CIDR block such as 10.0.0.0/16 (a string)")
    try:
        # Host bits are cleared (10.1.2.3/16 -> 10.1.0.0/16) as Go's net.ParseCIDR, which
        # Cortex used, accepted them; ClusterConfig warns of each (models/cortex_edges.py).
        network = ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        reason = f" ({exc})" if len(value) <= 60 else ""
        fail(f'"{shown(value)}" is not a valid CIDR block{reason}', "write it like 10.0.0.0/16")
    return str(network)


CidrValue = Annotated[str, BeforeValidator(check_cidr)]

# Matched whole and ASCII-only, like every name check here.
_POLICY_ARN = re.compile(r"arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/[\w+=,.@/-]+", re.ASCII)
_KMS_KEY_ARN = re.compile(
    r"arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})", re.ASCII
)


def check_policy_arn(value: str) -> str:
    return matching(
        _POLICY_ARN,
        value,
        "an IAM policy ARN",
        "write it like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    )


def check_kms_key_arn(value: str) -> str:
    return matching(
        _KMS_KEY_ARN,
        value,
        "a KMS key ARN",
        "write the key's ARN (not an alias), e.g. "
        "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )


# Checked per item, so that an error points at the offending list entry's line.
PolicyArn = Annotated[str, AfterValidator(check_policy_arn)]
KmsKeyArn = Annotated[str, AfterValidator(check_kms_key_arn)]
