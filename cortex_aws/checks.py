"""Check results and the rule that turns an AWS error into a line instead of a crash.

A check that ran and found a problem fails; a check that could not run (throttled, denied,
API missing in the region) warns and says why, so the user knows what was not verified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from cortex_aws.failures import AWS_ERRORS, AwsFailure, explain

Status = Literal["pass", "warn", "fail"]
T = TypeVar("T")


@dataclass(frozen=True)
class CheckResult:
    check: str
    subject: str
    status: Status
    reason: str
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "subject": self.subject,
            "status": self.status,
            "reason": self.reason,
            "hint": self.hint,
        }


def passed(check: str, subject: str, reason: str) -> CheckResult:
    return CheckResult(check, subject, "pass", reason)


def warned(check: str, subject: str, reason: str, hint: str | None = None) -> CheckResult:
    return CheckResult(check, subject, "warn", reason, hint)


def failed(check: str, subject: str, reason: str, hint: str | None = None) -> CheckResult:
    return CheckResult(check, subject, "fail", reason, hint)


def skipped(check: str, subject: str, failure: AwsFailure) -> CheckResult:
    """A check that could not run: a warning that names the cause and its fix."""
    return warned(check, subject, f"skipped: {failure.message}", failure.hint)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a guarded AWS call returned, or why it failed."""

    value: T | None
    failure: AwsFailure | None


def attempt(call: Callable[[], T], doing: str, attempts: int) -> Outcome[T]:
    """Run `call`; AWS errors (after botocore's retries) become an explained failure."""
    try:
        return Outcome(call(), None)
    except AWS_ERRORS as error:
        return Outcome(None, explain(error, doing, attempts=attempts))
