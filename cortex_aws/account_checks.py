"""Preflight checks about the account and region: who is calling, whether the region and EKS
answer, whether the certificate is usable, and whether the cluster name is taken.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from cortex_aws.checks import CheckResult, attempt, failed, passed, skipped, warned
from cortex_aws.failures import AWS_ERRORS, explain, is_not_found
from cortex_aws.session import AwsSession, home_region
from cortex_spec import naming
from cortex_spec.loader import Spec


def identity(session: AwsSession) -> list[CheckResult]:
    sts = session.sts()
    outcome = attempt(sts.get_caller_identity, "STS GetCallerIdentity", session.max_attempts)
    if outcome.failure is not None:
        return [failed("identity", "caller", outcome.failure.message, outcome.failure.hint)]
    who = outcome.value
    assert who is not None
    return [passed("identity", "caller", f"account {who.get('Account')} as {who.get('Arn')}")]


def region(session: AwsSession) -> list[CheckResult]:
    """Asked from the partition's home region, which can tell "unknown" from "not enabled"."""
    name = session.region
    ec2 = session.ec2(home_region(name))
    outcome = attempt(
        lambda: ec2.describe_regions(AllRegions=True)["Regions"],
        "EC2 DescribeRegions",
        session.max_attempts,
    )
    if outcome.failure is not None:
        return [skipped("region", name, outcome.failure)]
    found = {r.get("RegionName"): r for r in outcome.value or []}
    if name not in found:
        return [
            failed(
                "region",
                name,
                f"{name} is not an AWS region this account can see",
                "check `cluster.region` for typos",
            )
        ]
    status = found[name].get("OptInStatus", "")
    if status == "not-opted-in":
        return [
            failed(
                "region",
                name,
                f"{name} is an opt-in region that is not enabled for this account",
                "enable it in the AWS console (Account > AWS Regions), then rerun",
            )
        ]
    return [passed("region", name, f"{name} is enabled ({status or 'no opt-in needed'})")]


def eks_available(session: AwsSession) -> list[CheckResult]:
    outcome = attempt(
        lambda: session.eks().list_clusters(maxResults=1), "EKS ListClusters", session.max_attempts
    )
    if outcome.failure is None:
        return [passed("eks", session.region, f"EKS answers in {session.region}")]
    if outcome.failure.kind in ("unreachable", "unsupported"):
        return [
            failed(
                "eks",
                session.region,
                outcome.failure.message,
                "pick a region where Amazon EKS is offered",
            )
        ]
    return [skipped("eks", session.region, outcome.failure)]


def existing_cluster(session: AwsSession, spec: Spec) -> list[CheckResult]:
    """An EKS cluster of the same name is fine if cortex-infra made it (an update), else not."""
    name = spec.cluster.name
    try:
        cluster = session.eks().describe_cluster(name=name)["cluster"]
    except AWS_ERRORS as error:
        if isinstance(error, ClientError) and is_not_found(error):
            return [passed("existing-cluster", name, f"no EKS cluster named {name} yet")]
        failure = explain(error, "EKS DescribeCluster", attempts=session.max_attempts)
        return [skipped("existing-cluster", name, failure)]
    state = f"{cluster.get('status', '?')}, Kubernetes {cluster.get('version', '?')}"
    if cluster.get("tags", {}).get(naming.CLUSTER_TAG) == name:
        return [
            warned(
                "existing-cluster",
                name,
                f"EKS cluster {name} already exists ({state}); it was made by cortex-infra, "
                "so a deploy updates it",
            )
        ]
    return [
        failed(
            "existing-cluster",
            name,
            f"an EKS cluster named {name} already exists ({state}) without the "
            f"{naming.CLUSTER_TAG} tag, so cortex-infra did not create it",
            "choose another `cluster.name`, or delete that cluster",
        )
    ]


def certificate(session: AwsSession, spec: Spec) -> list[CheckResult]:
    arn = spec.cluster.ssl_certificate_arn
    if arn is None:
        return [passed("certificate", "ssl_certificate_arn", "not set: the API serves HTTP")]
    subject = "ssl_certificate_arn"
    region = arn.split(":")[3]
    if region != session.region:
        return [
            failed(
                "certificate",
                subject,
                f"{arn} is in {region}, the cluster in {session.region}",
                f"import or request the certificate in {session.region}",
            )
        ]
    try:
        found = session.acm().describe_certificate(CertificateArn=arn)["Certificate"]
    except AWS_ERRORS as error:
        if isinstance(error, ClientError) and is_not_found(error):
            return [
                failed(
                    "certificate",
                    subject,
                    f"{arn} is not in ACM in {session.region}",
                    "check the ARN, or import the certificate into ACM in this region",
                )
            ]
        failure = explain(error, "ACM DescribeCertificate", attempts=session.max_attempts)
        return [skipped("certificate", subject, failure)]
    status = found.get("Status", "?")
    domain = found.get("DomainName", "?")
    if status != "ISSUED":
        return [
            failed(
                "certificate",
                subject,
                f"{arn} (for {domain}) is {status}, not ISSUED",
                "finish DNS or email validation in ACM, or use an issued certificate",
            )
        ]
    return [passed("certificate", subject, f"{arn}: issued for {domain}")]
