"""A deterministic stand-in for AWS and Kubernetes under Pulumi's mock engine.

Resources echo their inputs and gain the computed outputs the program reads (ARNs, IDs,
endpoints, ASG names; per type in `mock_outputs.py`), derived from a hash of type and name
so every run agrees. Invokes
are answered from the embedded catalog. An invoke nobody taught us is an error: silently
returning `{}` would plan something `pulumi up` never would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from cortex_spec import catalog
from offline.mock_outputs import ACCOUNT_ID, COMPUTED, PARTITION, State, hex_id


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
        resource_id = f"{args.name}-{hex_id(args.typ, args.name, length=8)}"
        computed = COMPUTED.get(args.typ)
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
        zone_id = "Z" + hex_id("zone", name, length=20).upper()
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
            "vpcId": f"vpc-{hex_id('existing-vpc', self.region)}",
            "availabilityZone": args.get("availabilityZone", f"{self.region}a"),
            "cidrBlock": "10.0.0.0/20",
        }
