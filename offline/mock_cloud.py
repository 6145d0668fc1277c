"""A deterministic stand-in for AWS and Kubernetes under Pulumi's mock engine.

Resources echo their inputs and gain the computed outputs the program reads (ARNs, IDs,
endpoints, ASG names), derived from a hash of type and name so every run agrees. Invokes
are answered from the embedded catalog. An invoke nobody taught us is an error: silently
returning `{}` would plan something `pulumi up` never would.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, Final

import pulumi

from cortex_spec import catalog

ACCOUNT_ID: Final = "123456789012"
PARTITION: Final = "aws"

State = dict[str, Any]


def _hex(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


class UnmockedInvokeError(RuntimeError):
    """The program called an invoke the offline plan cannot answer."""


class MockCloud(pulumi.runtime.Mocks):
    """Answers `new_resource` and `call` for one region."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._invokes: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "aws:index/getAvailabilityZones:getAvailabilityZones": self._availability_zones,
            "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": self._offerings,
            "aws:index/getCallerIdentity:getCallerIdentity": self._caller_identity,
            "aws:index/getPartition:getPartition": self._partition,
            "aws:index/getRegion:getRegion": self._region,
            "aws:ec2/getSubnet:getSubnet": self._subnet,
            "aws:eks/getAddonVersion:getAddonVersion": self._addon_version,
            "aws:route53/getZone:getZone": self._zone,
            "aws:ecr/getAuthorizationToken:getAuthorizationToken": self._ecr_token,
        }

    # -- resources -------------------------------------------------------------------------

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, State]:
        state: State = dict(args.inputs)
        resource_id = f"{args.name}-{_hex(args.typ, args.name, length=8)}"
        computed = _COMPUTED.get(args.typ)
        if computed is not None:
            resource_id, extra = computed(self, args.name, state)
            state.update(extra)
        if args.typ.startswith("aws:") and "arn" not in state:
            state["arn"] = self.arn(args.typ, args.name)
        if args.typ.startswith("aws:"):
            state.setdefault("tagsAll", state.get("tags", {}))
        return resource_id, state

    def arn(self, typ: str, name: str) -> str:
        service = typ.split(":")[1].split("/", maxsplit=1)[0]
        kind = typ.rsplit(":", 1)[-1].lower()
        if service == "iam":
            return f"arn:{PARTITION}:iam::{ACCOUNT_ID}:{kind}/{name}"
        return f"arn:{PARTITION}:{service}:{self.region}:{ACCOUNT_ID}:{kind}/{name}"

    # -- invokes ---------------------------------------------------------------------------

    def call(  # type: ignore[override]  # a bare dict is documented and avoids empty failures
        self, args: pulumi.runtime.MockCallArgs
    ) -> dict[str, Any]:
        handler = self._invokes.get(args.token)
        if handler is None:
            raise UnmockedInvokeError(
                f"the offline plan cannot answer the invoke {args.token}; teach "
                "offline/mock_cloud.py how, from the catalog"
            )
        return handler(dict(args.args))

    def _availability_zones(self, _: dict[str, Any]) -> dict[str, Any]:
        info = catalog.region(self.region)
        names = list(info.zones) if info and info.zones else [f"{self.region}{c}" for c in "abc"]
        return {
            "names": names,
            "zoneIds": [
                f"{self.region[:3]}{self.region.split('-')[-1]}-az{i + 1}"
                for i in range(len(names))
            ],
            "id": self.region,
        }

    def _offerings(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted: list[str] = []
        for item in args.get("filters") or []:
            if item.get("name") == "instance-type":
                wanted.extend(item.get("values") or [])
        locations: list[str] = []
        types: list[str] = []
        for name in sorted(set(wanted)):
            for zone in catalog.offered_zones(self.region, name) or ():
                locations.append(zone)
                types.append(name)
        return {
            "id": self.region,
            "locations": locations,
            "instanceTypes": types,
            "locationTypes": ["availability-zone"] * len(types),
        }

    def _caller_identity(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "accountId": ACCOUNT_ID,
            "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:user/offline-plan",
            "userId": "AIDAOFFLINEPLAN",
            "id": ACCOUNT_ID,
        }

    def _partition(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"partition": PARTITION, "dnsSuffix": "amazonaws.com", "id": PARTITION}

    def _region(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"name": self.region, "region": self.region, "id": self.region}

    def _addon_version(self, args: dict[str, Any]) -> dict[str, Any]:
        # The real answer lives in EKS only; a visible placeholder, never a made-up version.
        name, kubernetes = str(args.get("addonName")), str(args.get("kubernetesVersion"))
        return {
            "id": name,
            "addonName": name,
            "kubernetesVersion": kubernetes,
            "mostRecent": bool(args.get("mostRecent")),
            "version": f"[EKS default for {kubernetes}]",
        }

    def _zone(self, args: dict[str, Any]) -> dict[str, Any]:
        # A public zone of that name, with an ID derived from the name (same every run).
        name = str(args.get("name", "example.com")).rstrip(".")
        zone_id = "Z" + _hex("zone", name, length=20).upper()
        return {
            "id": zone_id,
            "zoneId": zone_id,
            "name": name,
            "privateZone": bool(args.get("privateZone", False)),
            "nameServers": [f"ns-{i}.awsdns-{i}.org" for i in range(1, 5)],
            "resourceRecordSetCount": 2,
        }

    def _ecr_token(self, args: dict[str, Any]) -> dict[str, Any]:
        # A visible placeholder: the program marks the password secret, so plans mask it.
        registry = str(args.get("registryId") or ACCOUNT_ID)
        return {
            "id": self.region,
            "registryId": registry,
            "userName": "AWS",
            "password": "offline-placeholder",
            "authorizationToken": "QVdTOm9mZmxpbmUtcGxhY2Vob2xkZXI=",
            "proxyEndpoint": f"https://{registry}.dkr.ecr.{self.region}.amazonaws.com",
            "expiresAt": "1970-01-01T00:00:00Z",
        }

    def _subnet(self, args: dict[str, Any]) -> dict[str, Any]:
        subnet_id = str(args.get("id", "subnet-unknown"))
        return {
            "id": subnet_id,
            "vpcId": f"vpc-{_hex('existing-vpc', self.region)}",
            "availabilityZone": args.get("availabilityZone", f"{self.region}a"),
            "cidrBlock": "10.0.0.0/20",
        }


# Computed outputs per resource type: (cloud, logical name, echoed inputs) -> (id, extra state).
Computed = Callable[[MockCloud, str, State], tuple[str, State]]


def _prefixed(prefix: str) -> Computed:
    def compute(_: MockCloud, name: str, state: State) -> tuple[str, State]:
        return f"{prefix}-{_hex(prefix, name)}", {}

    return compute


def _launch_template(_: MockCloud, name: str, state: State) -> tuple[str, State]:
    # A new template's first version is 1 (EC2 numbers versions from 1).
    return f"lt-{_hex('lt', name)}", {"latestVersion": 1, "defaultVersion": 1}


def _eks_cluster(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    cluster = str(state.get("name", name))
    oidc = _hex("oidc", cluster, length=32).upper()
    return cluster, {
        "name": cluster,
        "endpoint": f"https://{oidc}.gr7.{cloud.region}.eks.amazonaws.com",
        "certificateAuthority": {"data": "TUlJQ0V4YW1wbGVPZmZsaW5lQ0E="},
        "identities": [
            {"oidcs": [{"issuer": f"https://oidc.eks.{cloud.region}.amazonaws.com/id/{oidc}"}]}
        ],
        "vpcConfig": {
            **state.get("vpcConfig", {}),
            "clusterSecurityGroupId": f"sg-{_hex('cluster-sg', cluster)}",
            "vpcId": f"vpc-{_hex('vpc', cluster)}",
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
        digits = str(int(_hex("stamp", name, length=15), 16)).zfill(18)[-18:]
        group = f"{prefix}{digits}{_hex('counter', name, length=8)}"
    else:
        group = str(state.get("nodeGroupName", name))
    uuid = _hex("asg", group, length=32)
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
    dns = f"{prefix}{lb}-{_hex('lb', lb, length=10)}.{cloud.region}.elb.amazonaws.com"
    arn = _elb_arn(cloud, f"loadbalancer/app/{lb}/{_hex('lbid', lb, length=16)}")
    return arn, {
        "arn": arn,
        "dnsName": dns,
        "zoneId": "Z1H1FL5HABSF5",
        "arnSuffix": arn.rsplit(":", maxsplit=1)[-1],
    }


def _target_group(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    tg = str(state.get("name", name))
    arn = _elb_arn(cloud, f"targetgroup/{tg}/{_hex('tg', tg, length=16)}")
    return arn, {"arn": arn, "arnSuffix": arn.rsplit(":", maxsplit=1)[-1]}


def _certificate(cloud: MockCloud, name: str, state: State) -> tuple[str, State]:
    """An ACM certificate waiting for its DNS validation record (one per domain name)."""
    domain = str(state.get("domainName", name))
    certificate = _hex("acm", domain, length=32)
    arn = f"arn:{PARTITION}:acm:{cloud.region}:{ACCOUNT_ID}:certificate/{certificate}"
    token = _hex("acm-validation", domain, length=32)
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
    digits = str(int(_hex("stamp", name, length=15), 16)).zfill(18)[-18:]
    return f"{digits}{_hex('counter', name, length=8)}"


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
    key_id = "-".join(_hex("kms", name, length=32)[i : i + 8] for i in range(0, 32, 8))
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


_COMPUTED: dict[str, Computed] = {
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
