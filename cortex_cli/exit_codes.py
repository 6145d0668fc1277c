"""Every exit code `cortex-infra` can return."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INVALID_INPUT = 1  # SpecError and other bad input the user fixes: nothing was deployed
    USAGE = 2  # wrong command-line usage (reported by the option parser)
    CLOUD_ERROR = 3  # ProvisionError: an AWS call failed
    CHECKS_FAILED = 4  # preflight: a check failed; diff: the simulated update breaks an invariant
    STATE_ERROR = 5  # StateError: deployed state missing or unreadable
    INTERNAL_ERROR = 70  # a bug in cortex-infra (EX_SOFTWARE)
