"""AWS errors become lines, never crashes: throttling (retried, then reported), access
denied, and the certificate check's outcomes."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.retries import standard
from botocore.stub import Stubber
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cortex_aws import account_checks, preflight
from cortex_aws.session import AwsSession
from tests.aws import stubs
from tests.conftest import MotoServer

STS_THROTTLED = (
    b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender'
    b"</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
    b"<RequestId>1</RequestId></ErrorResponse>"
)
EC2_THROTTLED = (
    b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
    b"exceeded.</Message></Error></Errors><RequestID>1</RequestID></Response>"
)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class Throttle:
    """A before-send hook: answers the first `times` requests with a throttling error."""

    def __init__(self, times: int, body: bytes) -> None:
        self.times, self.body, self.calls = times, body, 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.calls += 1
        if self.calls > self.times:
            return None  # let the request through to moto
        headers = HTTPHeaders()
        headers["Content-Type"] = "text/xml"
        return AWSResponse(request.url, 400, headers, _Body(self.body))

    def hook(self) -> Callable[..., None]:
        # botocore's before-send handlers may return a response (that is how this one
        # answers instead of moto); the type stubs declare handlers as returning None.
        return cast("Callable[..., None]", self)


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries keep botocore's logic; only the sleep between them is removed."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


def test_throttled_call_is_retried_and_passes(aws: MotoServer) -> None:
    """One Throttling answer is retried by botocore's standard mode; the check passes."""
    session = AwsSession("us-west-2")
    throttle = Throttle(1, STS_THROTTLED)
    session.sts().meta.events.register("before-send.sts.GetCallerIdentity", throttle.hook())
    [result] = account_checks.identity(session)
    assert result.status == "pass"
    assert throttle.calls == 2


def test_throttling_beyond_retries_becomes_a_warning(aws: MotoServer, tmp_path: Path) -> None:
    """Throttled on every attempt: the check is skipped with the reason and a fix, no crash."""
    spec = stubs.spec_from(tmp_path)
    session = AwsSession(spec.cluster.region, max_attempts=2)
    stubs.stub_quotas(session, stubs.AMPLE)
    throttle = Throttle(99, EC2_THROTTLED)
    event = "before-send.ec2.DescribeInstanceTypeOfferings"
    session.ec2().meta.events.register(event, throttle.hook())
    report = preflight.run(spec, session)
    [offerings] = [r for r in report.results if r.check == "offerings"]
    assert offerings.status == "warn"
    assert "AWS throttled the request after 2 attempts" in offerings.reason
    assert offerings.hint is not None
    assert "AWS_MAX_ATTEMPTS" in offerings.hint
    assert throttle.calls == 2


def _with_certificate(tmp_path: Path, arn: str) -> Any:
    return stubs.spec_from(tmp_path, ssl_certificate_arn=arn)


def test_access_denied_is_a_warning_with_a_fix(aws: MotoServer, tmp_path: Path) -> None:
    """AccessDenied on one call skips that check with an IAM hint; the others still run."""
    arn = "arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000"
    spec = _with_certificate(tmp_path, arn)
    session = AwsSession("us-west-2")
    acm = boto3.client("acm", region_name="us-west-2")
    stubber = Stubber(acm)
    stubber.add_client_error(
        "describe_certificate",
        service_error_code="AccessDeniedException",
        service_message="User is not authorized to perform: acm:DescribeCertificate",
        http_status_code=400,
        expected_params={"CertificateArn": arn},
    )
    stubber.activate()
    session.install("acm", acm)
    [result] = account_checks.certificate(session, spec)
    assert result.status == "warn"
    assert "access denied" in result.reason
    assert result.hint is not None
    assert "IAM" in result.hint


def _self_signed() -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.example.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def test_issued_certificate_passes(aws: MotoServer, tmp_path: Path) -> None:
    """An ISSUED certificate in the cluster's region passes."""
    certificate, key = _self_signed()
    acm = boto3.client("acm", region_name="us-west-2")
    arn = acm.import_certificate(Certificate=certificate, PrivateKey=key)["CertificateArn"]
    [result] = account_checks.certificate(AwsSession("us-west-2"), _with_certificate(tmp_path, arn))
    assert result.status == "pass"
    assert "issued for api.example.com" in result.reason


def test_pending_certificate_fails(aws: MotoServer, tmp_path: Path) -> None:
    """A certificate still waiting for validation fails with its status."""
    acm = boto3.client("acm", region_name="us-west-2")
    arn = acm.request_certificate(DomainName="api.example.com")["CertificateArn"]
    [result] = account_checks.certificate(AwsSession("us-west-2"), _with_certificate(tmp_path, arn))
    assert result.status == "fail"
    assert "PENDING_VALIDATION, not ISSUED" in result.reason


def test_missing_certificate_fails(aws: MotoServer, tmp_path: Path) -> None:
    """An ARN that ACM does not know in the region fails, naming the region."""
    arn = "arn:aws:acm:us-west-2:123456789012:certificate/8b1c3f7e-2d4a-4f0e-9c61-5a7d2e9b0c14"
    [result] = account_checks.certificate(AwsSession("us-west-2"), _with_certificate(tmp_path, arn))
    assert result.status == "fail"
    assert result.reason == f"{arn} is not in ACM in us-west-2"
