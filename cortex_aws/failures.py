"""What an AWS error means to the user: a sentence, a fix, and whether to stop or carry on.

Every boto3 call in this package goes through `explain` (checks turn the result into a warn
or fail line) or `provision_error` (commands that cannot go on raise it). Nothing here
prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from cortex_aws.session import NO_CREDENTIALS_HINT
from cortex_spec.errors import ProvisionError

Kind = Literal[
    "credentials", "permission", "throttled", "unreachable", "not-found", "unsupported", "other"
]

AWS_ERRORS: Final = (BotoCoreError, ClientError)

_PERMISSION = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"}
)
_REJECTED = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "AuthFailure",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "IncompleteSignature",
    }
)
_EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)
_NOT_FOUND_SUFFIXES: Final = ("NotFound", "NotFoundException", "NoSuchResourceException")


@dataclass(frozen=True)
class AwsFailure:
    """One failed AWS call, explained."""

    kind: Kind
    message: str
    hint: str | None
    code: str | None

    def as_error(self) -> ProvisionError:
        return ProvisionError(self.message, hint=self.hint, code=self.code)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_not_found(error: ClientError) -> bool:
    code = error_code(error)
    return code.endswith(_NOT_FOUND_SUFFIXES) or code == "NoSuchEntity"


def explain(error: BaseException, doing: str, *, attempts: int | None = None) -> AwsFailure:
    """`doing` names the call in the user's terms, e.g. "listing EC2 quotas (ListServiceQuotas)"."""
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        message = f"{doing}: no AWS credentials found"
        return AwsFailure("credentials", message, NO_CREDENTIALS_HINT, None)
    if isinstance(error, NoRegionError):
        return AwsFailure("unreachable", f"{doing}: no region", "set the cluster region", None)
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return AwsFailure(
            "unreachable",
            f"{doing}: cannot reach the AWS endpoint ({error})",
            "check the region name, your network and any HTTPS proxy; some services are "
            "not offered in every region",
            None,
        )
    if isinstance(error, ClientError):
        return _client_error(error, doing, attempts)
    return AwsFailure("other", f"{doing}: {error}", None, type(error).__name__)


def _client_error(error: ClientError, doing: str, attempts: int | None) -> AwsFailure:
    code = error_code(error)
    text = str(error.response.get("Error", {}).get("Message", "")) or str(error)
    if code in _PERMISSION:
        return AwsFailure(
            "permission",
            f"{doing}: access denied ({text})",
            "grant the caller this action in IAM, or run with a role that has it",
            code,
        )
    if code in _REJECTED:
        return AwsFailure(
            "credentials",
            f"{doing}: AWS rejected the credentials ({text})",
            "check the access key, or the profile's SSO session; opt-in regions must also "
            "be enabled for the account",
            code,
        )
    if code in _EXPIRED:
        return AwsFailure(
            "credentials",
            f"{doing}: the credentials have expired",
            "refresh them (e.g. `aws sso login`) and rerun",
            code,
        )
    if code in _THROTTLED:
        tries = f" after {attempts} attempts" if attempts else ""
        return AwsFailure(
            "throttled",
            f"{doing}: AWS throttled the request{tries}",
            "rerun in a minute, or raise AWS_MAX_ATTEMPTS",
            code,
        )
    if code == "OptInRequired":
        return AwsFailure(
            "credentials",
            f"{doing}: the region is not enabled for this account",
            "enable the region in the AWS console (Account > AWS Regions)",
            code,
        )
    if is_not_found(error):
        return AwsFailure("not-found", f"{doing}: not found ({text})", None, code)
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code in ("", "500", "501", "InternalFailure", "ServiceUnavailable") or status == 501:
        return AwsFailure(
            "unsupported",
            f"{doing}: the service did not answer ({code or status})",
            "the API may not be offered in this region",
            code or None,
        )
    return AwsFailure("other", f"{doing}: {code}: {text}", None, code)


def provision_error(
    error: BaseException, doing: str, *, attempts: int | None = None
) -> ProvisionError:
    """For commands that cannot continue: the error the CLI boundary prints."""
    return explain(error, doing, attempts=attempts).as_error()
