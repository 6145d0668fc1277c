"""One AWS session per command: the caller's credentials, standard retries, shared clients.

The standard boto3 chain decides everything a user may already have configured:
credentials, profile, `AWS_ENDPOINT_URL` (how the tests reach moto) and `AWS_MAX_ATTEMPTS`.
Clients are created under a lock because a boto3 Session is not thread-safe, while the
clients it makes are; preflight calls them from a thread pool.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Final

from cortex_spec import catalog
from cortex_spec.errors import ProvisionError

if TYPE_CHECKING:
    from mypy_boto3_acm import ACMClient
    from mypy_boto3_autoscaling import AutoScalingClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_eks import EKSClient
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client
    from mypy_boto3_pricing import PricingClient
    from mypy_boto3_service_quotas import ServiceQuotasClient
    from mypy_boto3_sts import STSClient

# Throttling is common on Service Quotas and the Price List API; the standard mode backs off
# with jitter. A user's AWS_MAX_ATTEMPTS (or max_attempts in ~/.aws/config) wins.
DEFAULT_MAX_ATTEMPTS: Final = 5
# The Price List Query API has endpoints in a few regions only; us-east-1 is one of them and
# returns the prices of every commercial region.
PRICING_REGION: Final = "us-east-1"
# A region that is always enabled in each partition, to ask EC2 which regions exist.
_PARTITION_HOME: Final = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}

NO_CREDENTIALS_HINT: Final = (
    "configure AWS credentials the usual way: AWS_PROFILE (after `aws configure` or "
    "`aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)


def home_region(region: str) -> str:
    """The partition's always-enabled region, where DescribeRegions can judge `region`."""
    info = catalog.region(region)
    return _PARTITION_HOME.get(info.partition if info else "aws", "us-east-1")


class AwsSession:
    """Clients for one region, created once and shared between threads."""

    def __init__(self, region: str, *, max_attempts: int | None = None) -> None:
        # Imported here: the offline cost (`plan --json`) builds no session, and boto3 takes
        # a third of a second to import.
        import boto3  # noqa: PLC0415
        import botocore.session  # noqa: PLC0415
        from botocore.config import Config  # noqa: PLC0415
        from botocore.exceptions import BotoCoreError  # noqa: PLC0415

        self.region = region
        try:
            core = botocore.session.get_session()
            configured = core.get_config_variable("max_attempts")
            self._session = boto3.Session(botocore_session=core, region_name=region)
        except BotoCoreError as error:  # e.g. AWS_PROFILE names a profile that does not exist
            raise ProvisionError(
                f"the AWS configuration cannot be used: {error}", hint=NO_CREDENTIALS_HINT
            ) from None
        attempts = max_attempts or (int(configured) if configured else DEFAULT_MAX_ATTEMPTS)
        self.max_attempts = attempts
        # `total_max_attempts` counts the first try, as AWS_MAX_ATTEMPTS does; the retries
        # key `max_attempts` would count retries only and make one more call than reported.
        self._config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def require_credentials(self) -> None:
        """Fail early, with the fix, instead of once per check."""
        if not self.has_credentials():
            raise ProvisionError(
                "no AWS credentials found", hint=NO_CREDENTIALS_HINT, code="NoCredentials"
            )

    def has_credentials(self) -> bool:
        from botocore.exceptions import BotoCoreError  # noqa: PLC0415

        try:
            return self._session.get_credentials() is not None
        except BotoCoreError as error:  # a profile whose SSO or process source is broken
            raise ProvisionError(
                f"the AWS credential chain failed: {error}", hint=NO_CREDENTIALS_HINT
            ) from None

    def install(self, service: str, client: Any, *, region: str | None = None) -> None:
        """Use `client` for `service` (tests: a client wrapped in botocore's Stubber)."""
        with self._lock:
            self._clients[(service, region or self.region)] = client

    def _client(self, service: str, region: str | None) -> Any:
        key = (service, region or self.region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._session.client(
                    service,  # type: ignore[call-overload]
                    region_name=key[1],
                    config=self._config,
                )
            return self._clients[key]

    def sts(self) -> STSClient:
        client: STSClient = self._client("sts", None)
        return client

    def ec2(self, region: str | None = None) -> EC2Client:
        client: EC2Client = self._client("ec2", region)
        return client

    def sqs(self) -> Any:
        return self._client("sqs", None)

    def eks(self) -> EKSClient:
        client: EKSClient = self._client("eks", None)
        return client

    def acm(self) -> ACMClient:
        client: ACMClient = self._client("acm", None)
        return client

    def elbv2(self) -> ElasticLoadBalancingv2Client:
        client: ElasticLoadBalancingv2Client = self._client("elbv2", None)
        return client

    def iam(self) -> Any:
        """IAM (global; no type stubs are installed for it)."""
        return self._client("iam", None)

    def autoscaling(self) -> AutoScalingClient:
        client: AutoScalingClient = self._client("autoscaling", None)
        return client

    def service_quotas(self) -> ServiceQuotasClient:
        client: ServiceQuotasClient = self._client("service-quotas", None)
        return client

    def pricing(self) -> PricingClient:
        client: PricingClient = self._client("pricing", PRICING_REGION)
        return client
