"""Environment variables of the serving containers: Kubernetes' names, no reserved prefix,
no NUL in a value. Checked per key, so that an error points at the offending variable's line.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from cortex_spec.models.base import fail, shown
from runtime import contract

# Kubernetes' environment variable names (apimachinery validation `IsEnvVarName`, the rule
# on every Kubernetes version this release supports).
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*", re.ASCII)


def check_env(env: dict[str, str]) -> dict[str, str]:
    for key in env:
        check_env_name(key)
    return env


def check_env_name(key: str) -> str:
    if key.upper().startswith(contract.RESERVED_ENV_PREFIXES):
        fail(
            f'environment variable "{shown(key)}" is reserved',
            "environment variables starting with CORTEX_ or KUBEXIT_ are reserved; rename it",
        )
    if not _ENV_NAME.fullmatch(key):
        fail(
            f'"{shown(key)}" is not a valid environment variable name',
            "use letters, digits, _ - and ., not starting with a digit (Kubernetes' rule)",
        )
    return key


def check_env_value(value: str) -> str:
    if "\x00" in value:
        fail(
            "environment variable values cannot hold a NUL character",
            "remove the \\0 escape; processes receive their environment as C strings",
        )
    return value


EnvName = Annotated[str, AfterValidator(check_env_name)]
EnvValue = Annotated[str, AfterValidator(check_env_value)]
