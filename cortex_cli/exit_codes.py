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


# Shown at the end of every --help; "\b" keeps click from re-wrapping the lines.
EXIT_CODES_HELP = (
    "\b\nExit codes: 0 ok, 1 bad input (nothing deployed), 2 usage, 3 cloud error,"
    "\n4 checks failed (preflight; diff: the simulated update breaks an invariant),"
    "\n5 deployed state missing or unreadable, 70 internal error (a bug)."
)
