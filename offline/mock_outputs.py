"""The outputs AWS computes for a resource, per type token, as the mock engine answers them:
IDs, ARNs, endpoints and names derived from a hash of the type and logical name, so every
run agrees.

Separate from `mock_cloud.py`, which answers the engine's calls (resources and invokes):
this table is the one place to teach the offline plan a new resource type's outputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from offline.mock_cloud import MockCloud

ACCOUNT_ID: Final = "123456789012"
PARTITION: Final = "aws"

State = dict[str, Any]


def hex_id(*parts: str, length: int = 17) -> str:
    """A stable hexadecimal ID of `parts` (sha256, truncated)."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


# Computed outputs per resource type: (cloud, logical name, echoed inputs) -> (id, extra state).
Computed = Callable[["MockCloud", str, State], tuple[str, State]]


def _prefixed(prefix: str) -> Computed:
    def compute(_: MockCloud, name: str, state: State) -> tuple[str, State]:
        return f"{prefix}-{hex_id(prefix, name)}", {}

    return compute


def _launch_template(_: MockCloud, name: str, state: State) -> tuple[str, State]:
    # A new template's first version is 1 (EC2 numbers versions from 1).
    return f"lt-{hex_id('lt', name)}", {"latestVersion": 1, "defaultVersion": 1}


def _eks_cluster(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    cluster = str(state.get("name", name))
    oidc = hex_id("oidc", cluster, length=32).upper()
    return cluster, {
        "name": cluster,
        "endpoint": f"https://{oidc}.gr7.{cloud.region}.eks.amazonaws.com",
        "certificateAuthority": {"data": "TUlJQ0V4YW1wbGVPZmZsaW5lQ0E="},
        "identities": [
            {"oidcs": [{"issuer": f"https://oidc.eks.{cloud.region}.amazonaws.com/id/{oidc}"}]}
        ],
        "vpcConfig": {
            **state.get("vpcConfig", {}),
            "clusterSecurityGroupId": f"sg-{hex_id('cluster-sg', cluster)}",
            "vpcId": f"vpc-{hex_id('vpc', cluster)}",
        },
        "platformVersion": "eks.1",
        "status": "ACTIVE",
    }


def _eks_node_group(_: MockCloud, name: str, state: State) -> tuple[str, State]:
    # Named as the provider names it from a prefix (cortex_spec/naming.py: 18 timestamp
    # digits and 8 hex), its ASG as EKS does (`eks-<group>-<uuid>`, infra/cluster_autoscaler.py);
    # digits from a hash, so every run agrees.
    prefix = state.get("nodeGroupNamePrefix")
    if prefix is not None:
        digits = str(int(hex_id("stamp", name, length=15), 16)).zfill(18)[-18:]
        group = f"{prefix}{digits}{hex_id('counter', name, length=8)}"
    else:
        group = str(state.get("nodeGroupName", name))
    uuid = hex_id("asg", group, length=32)
    asg = f"eks-{group}-{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}"
    return f"{state.get('clusterName', 'cluster')}:{group}", {
        "nodeGroupName": group,
        "resources": [{"autoscalingGroups": [{"name": asg}], "remoteAccessSecurityGroupId": ""}],
        "status": "ACTIVE",
    }


def _elb_arn(cloud: MockCloud, resource: str) -> str:
    return f"arn:{PARTITION}:elasticloadbalancing:{cloud.region}:{ACCOUNT_ID}:{resource}"


def _load_balancer(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    lb = str(state.get("name", name))
    internal = bool(state.get("internal"))
    prefix = "internal-" if internal else ""
    dns = f"{prefix}{lb}-{hex_id('lb', lb, length=10)}.{cloud.region}.elb.amazonaws.com"
    arn = _elb_arn(cloud, f"loadbalancer/app/{lb}/{hex_id('lbid', lb, length=16)}")
    return arn, {
        "arn": arn,
        "dnsName": dns,
        "zoneId": "Z1H1FL5HABSF5",
        "arnSuffix": arn.rsplit(":", maxsplit=1)[-1],
    }


def _target_group(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    tg = str(state.get("name", name))
    arn = _elb_arn(cloud, f"targetgroup/{tg}/{hex_id('tg', tg, length=16)}")
    return arn, {"arn": arn, "arnSuffix": arn.rsplit(":", maxsplit=1)[-1]}


def _certificate(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    """An ACM certificate waiting for its DNS validation record (one per domain name)."""
    domain = str(state.get("domainName", name))
    certificate = hex_id("acm", domain, length=32)
    arn = f"arn:{PARTITION}:acm:{cloud.region}:{ACCOUNT_ID}:certificate/{certificate}"
    token = hex_id("acm-validation", domain, length=32)
    return arn, {
        "arn": arn,
        "status": "PENDING_VALIDATION",
        "domainValidationOptions": [
            {
                "domainName": domain,
                "resourceRecordName": f"_{token}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{token[::-1]}.acm-validations.aws.",
            }
        ],
    }


def _record(_: MockCloud, name: str, state: State) -> tuple[str, State]:
    record = str(state.get("name", name)).rstrip(".")
    return f"{state.get('zoneId', 'Z')}_{record}_{state.get('type', 'A')}", {"fqdn": record}


def _certificate_validation(_: MockCloud, name: str, state: State) -> tuple[str, State]:
    return str(state.get("certificateArn", name)), {}


def _unique_suffix(name: str) -> str:
    """Terraform's PrefixedUniqueId suffix (cortex_spec/naming.py), from a hash of the
    logical name so every run agrees: 18 digits and 8 hex."""
    digits = str(int(hex_id("stamp", name, length=15), 16)).zfill(18)[-18:]
    return f"{digits}{hex_id('counter', name, length=8)}"


def _sqs_queue(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    prefix = state.get("namePrefix")
    queue = (
        f"{prefix}{_unique_suffix(name)}" if prefix is not None else str(state.get("name", name))
    )
    url = f"https://sqs.{cloud.region}.amazonaws.com/{ACCOUNT_ID}/{queue}"
    return url, {
        "name": queue,
        "url": url,
        "arn": f"arn:{PARTITION}:sqs:{cloud.region}:{ACCOUNT_ID}:{queue}",
    }


def _bucket(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    prefix = state.get("bucketPrefix")
    fallback = f"{prefix}{_unique_suffix(name)}" if prefix is not None else name
    bucket = str(state.get("bucket", fallback))
    return bucket, {
        "bucket": bucket,
        "arn": f"arn:{PARTITION}:s3:::{bucket}",
        "bucketRegionalDomainName": f"{bucket}.s3.{cloud.region}.amazonaws.com",
    }


def _ecr_repository(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    repo = str(state.get("name", name))
    return repo, {
        "repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.{cloud.region}.amazonaws.com/{repo}",
        "registryId": ACCOUNT_ID,
    }


def _docker_image(_: MockCloud, name: str, state: State) -> tuple[str, State]:
    # The digest a registry would report, derived from what the build reads (registry
    # credentials aside), so the same inputs always give the same digest.
    built = {k: v for k, v in state.items() if k != "registries"}
    payload = json.dumps(built, sort_keys=True, default=str).encode()
    digest = f"sha256:{hashlib.sha256(payload).hexdigest()}"
    tags = state.get("tags") or []
    ref = f"{tags[0]}@{digest}" if tags else digest
    context = json.dumps([state.get("context"), state.get("dockerfile")], sort_keys=True)
    return digest, {
        "digest": digest,
        "ref": ref,
        "contextHash": hashlib.sha256(context.encode()).hexdigest(),
    }


def _kms_key(cloud: MockCloud, name: str, _: State) -> tuple[str, State]:
    key_id = "-".join(hex_id("kms", name, length=32)[i : i + 8] for i in range(0, 32, 8))
    return key_id, {
        "keyId": key_id,
        "arn": f"arn:{PARTITION}:kms:{cloud.region}:{ACCOUNT_ID}:key/{key_id}",
    }


def _iam_named(kind: str) -> Computed:
    def compute(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
        named = str(state.get("name", name))
        return named, {"name": named, "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:{kind}/{named}"}

    return compute


def _oidc_provider(_: MockCloud, name: str, state: State) -> tuple[str, State]:
    host = str(state.get("url", name)).removeprefix("https://")
    arn = f"arn:{PARTITION}:iam::{ACCOUNT_ID}:oidc-provider/{host}"
    return arn, {"arn": arn}


COMPUTED: dict[str, Computed] = {
    "aws:ec2/vpc:Vpc": _prefixed("vpc"),
    "aws:ec2/subnet:Subnet": _prefixed("subnet"),
    "aws:ec2/internetGateway:InternetGateway": _prefixed("igw"),
    "aws:ec2/natGateway:NatGateway": _prefixed("nat"),
    "aws:ec2/eip:Eip": _prefixed("eipalloc"),
    "aws:ec2/routeTable:RouteTable": _prefixed("rtb"),
    "aws:ec2/securityGroup:SecurityGroup": _prefixed("sg"),
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": _eks_node_group,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:acm/certificate:Certificate": _certificate,
    "aws:acm/certificateValidation:CertificateValidation": _certificate_validation,
    "aws:route53/record:Record": _record,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:sqs/queue:Queue": _sqs_queue,
    "aws:ecr/repository:Repository": _ecr_repository,
    "docker-build:index:Image": _docker_image,
    "aws:kms/key:Key": _kms_key,
    "aws:iam/role:Role": _iam_named("role"),
    "aws:iam/policy:Policy": _iam_named("policy"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _oidc_provider,
}
