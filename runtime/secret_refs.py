"""The `secret:` reference syntax, in one place (docs/runtime-contract.md, "Secrets").

A value of `predictor.env`, `pod.containers[].env` or `predictor.config` (at any depth)
that begins with `secret:` names a secret instead of holding it:

    secret:aws:secretsmanager:<secret name or complete secret ARN>[#<json key>]
    secret:aws:ssm:<parameter name or parameter ARN>

The pod resolves it when it starts, with its own IAM role; the plan, the spec ConfigMap and
the diff only ever show the reference. Standard library only: the spec validator (which
checks the syntax and derives the IAM grants) and the serving image (which resolves) both
import this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

PREFIX: Final = "secret:"
SECRETS_MANAGER: Final = "secretsmanager"
SSM: Final = "ssm"
Service = Literal["secretsmanager", "ssm"]

_SCHEMES: Final = {f"{PREFIX}aws:{SECRETS_MANAGER}:": SECRETS_MANAGER, f"{PREFIX}aws:{SSM}:": SSM}
# Secrets Manager names: 1-512 of "ASCII letters, numbers, and /_+=.@-" (CreateSecret, Name).
_SECRET_NAME: Final = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
# A complete ARN ends with the hyphen and six random characters Secrets Manager appends;
# partial ARNs are refused (they may match another secret, Secrets Manager user guide,
# "Finding a secret from a partial ARN").
_SECRET_ARN: Final = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):secretsmanager:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":secret:(?P<name>[A-Za-z0-9/_+=.@-]{1,512})-[A-Za-z0-9]{6}$"
)
# Parameter names: letters, digits and `_.-/`; a hierarchy starts with `/` (PutParameter).
_PARAMETER_NAME: Final = re.compile(r"^(/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$")
_PARAMETER_ARN: Final = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):ssm:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":parameter(?P<name>/[A-Za-z0-9_./-]+)$"
)
# "The maximum length for a parameter name, including the full length of the parameter
# ARN, is 1011 characters" (Systems Manager API reference, PutParameter).
_PARAMETER_MAX: Final = 1011
_JSON_KEY: Final = re.compile(r"^[A-Za-z0-9_.@/+=-]{1,256}$")

SYNTAX_HINT: Final = (
    "write secret:aws:secretsmanager:<name or ARN>[#<json key>] or "
    "secret:aws:ssm:<parameter name or ARN>, e.g. secret:aws:ssm:/prod/db/password"
)


class SecretRefError(ValueError):
    """A `secret:` value that is not a valid reference; `hint` says how to write one."""

    def __init__(self, message: str, hint: str = SYNTAX_HINT) -> None:
        self.hint = hint
        super().__init__(message)


@dataclass(frozen=True)
class SecretRef:
    """One parsed reference. `identifier` is the name or ARN as written."""

    text: str
    service: Service
    identifier: str
    json_key: str | None = None

    @property
    def arn(self) -> re.Match[str] | None:
        pattern = _SECRET_ARN if self.service == SECRETS_MANAGER else _PARAMETER_ARN
        return pattern.match(self.identifier)

    def region(self, default: str) -> str:
        """Where to ask: the ARN's region, else the cluster's."""
        match = self.arn
        return match["region"] if match else default

    def resource(self, partition: str, region: str, account: str) -> str:
        """The IAM resource that grants reading exactly this secret or parameter.

        A secret named without its ARN gets `<name>-??????`: `?` matches one character, so
        this is the secret with that name and Secrets Manager's six random characters, and
        not `<name>-<anything>` as `*` would (Secrets Manager user guide, "Limiting access
        to specific secrets").
        """
        if self.arn is not None:
            return self.identifier
        if self.service == SECRETS_MANAGER:
            return (
                f"arn:{partition}:secretsmanager:{region}:{account}:secret:{self.identifier}-??????"
            )
        name = self.identifier if self.identifier.startswith("/") else f"/{self.identifier}"
        return f"arn:{partition}:ssm:{region}:{account}:parameter{name}"


def is_reference(value: object) -> bool:
    """Whether a value is meant as a reference: any string that begins with `secret:`."""
    return isinstance(value, str) and value.startswith(PREFIX)


def parse(text: str) -> SecretRef:
    """The reference `text`, or SecretRefError saying what is wrong with it."""
    for scheme, service in _SCHEMES.items():
        if text.startswith(scheme):
            rest = text[len(scheme) :]
            return _secret(text, rest) if service == SECRETS_MANAGER else _parameter(text, rest)
    raise SecretRefError(
        f'"{text}" begins with secret: but names no known secret store',
        SYNTAX_HINT + "; a value that begins with secret: is always read as a reference",
    )


def _secret(text: str, rest: str) -> SecretRef:
    identifier, _, key = rest.partition("#")
    if "#" in rest and not _JSON_KEY.match(key):
        raise SecretRefError(
            f'"{text}": the JSON key after # must be 1-256 letters, digits or _.@/+=-',
            "write the top-level key of the secret's JSON object, e.g. #password",
        )
    if identifier.startswith("arn:"):
        if not _SECRET_ARN.match(identifier):
            raise SecretRefError(
                f'"{text}" is not a complete Secrets Manager secret ARN',
                "copy the whole ARN, ending with the hyphen and six characters Secrets "
                "Manager adds (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf), "
                "or write the secret's name instead",
            )
    elif not _SECRET_NAME.match(identifier):
        raise SecretRefError(
            f'"{text}": a secret name is 1-512 letters, digits or /_+=.@-',
            "write the name as Secrets Manager shows it, e.g. secret:aws:secretsmanager:prod/db",
        )
    return SecretRef(text, SECRETS_MANAGER, identifier, key if "#" in rest else None)


def _parameter(text: str, rest: str) -> SecretRef:
    if "#" in rest:
        raise SecretRefError(
            f'"{text}": #<json key> applies to Secrets Manager secrets only',
            "store the value itself in the parameter, or use a secretsmanager reference",
        )
    if rest.startswith("arn:"):
        if not _PARAMETER_ARN.match(rest) or len(rest) > _PARAMETER_MAX:
            raise SecretRefError(
                f'"{text}" is not a Systems Manager parameter ARN',
                "write it like arn:aws:ssm:us-west-2:123456789012:parameter/prod/db/password",
            )
    elif not _PARAMETER_NAME.match(rest) or len(rest) > _PARAMETER_MAX:
        raise SecretRefError(
            f'"{text}": a parameter name is letters, digits and _.-, a path starts with /',
            "write it like secret:aws:ssm:/prod/db/password",
        )
    return SecretRef(text, SSM, rest)
