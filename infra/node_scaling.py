"""Min and max of an EKS managed node group after its creation: a Pulumi dynamic resource.

The node group takes min, max and desired size when it is created and ignores
`scalingConfig` afterwards (infra/node_groups.py). A later change of min or max updates this
resource instead, which

1. reads the live desired size: the Auto Scaling group's DesiredCapacity, which the
   cluster-autoscaler sets (EKS's own `desiredSize` "can be out-of-date for short periods",
   botocore EKS model, NodegroupScalingConfig), else the node group's `desiredSize`;
2. clamps it into [new min, new max]: UpdateNodegroupConfig requires min <= desired <= max,
   and a desired size already inside the range is kept, so nodes the autoscaler added stay;
3. sends min, max and that desired size together, then waits for EKS to finish the update.

`ignore_changes` on `desiredSize` alone is not enough: Pulumi then sends the desired size
recorded at creation with every min/max change, which fails when min rises above it and
otherwise scales live nodes away (shared/reference/update-lifecycle.md).

The provider runs in Pulumi's dynamic provider process, with boto3's standard credential
chain and the region from the spec. It holds no state, so it is pickled by reference and that
process imports this module; boto3 is imported there, never when the program is evaluated.
Deleting the resource changes nothing: the node group keeps its sizes, or goes itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pulumi
from pulumi import dynamic

from cortex_spec.errors import ProvisionError

if TYPE_CHECKING:
    from mypy_boto3_autoscaling import AutoScalingClient
    from mypy_boto3_eks import EKSClient

TYPE: Final = "pulumi-python:dynamic/cortex:NodeGroupScaling"
# Which node group: a change of any of these is a different group, hence a replacement.
IDENTITY: Final = ("region", "clusterName", "nodegroupName")
# What the resource owns: the only properties its diff compares.
BOUNDS: Final = ("minSize", "maxSize")
# A scaling-only config update takes seconds to a few minutes; past this something is wrong.
UPDATE_TIMEOUT_SECONDS: Final = 20 * 60
POLL_SECONDS: Final = 10.0


@dataclass(frozen=True)
class Target:
    """The group and the range the spec asks for."""

    region: str
    cluster: str
    nodegroup: str
    minimum: int
    maximum: int

    @classmethod
    def of(cls, props: dict[str, Any]) -> Target:
        return cls(
            region=str(props["region"]),
            cluster=str(props["clusterName"]),
            nodegroup=str(props["nodegroupName"]),
            minimum=int(props["minSize"]),
            maximum=int(props["maxSize"]),
        )


def clamp(desired: int, minimum: int, maximum: int) -> int:
    """The live desired size moved just enough to lie in [minimum, maximum]."""
    return max(minimum, min(desired, maximum))


def live_desired(eks_group: dict[str, Any], autoscaling: AutoScalingClient) -> int:
    """The Auto Scaling group's desired capacity, or EKS's copy when the ASG cannot be seen."""
    names = [g["name"] for g in (eks_group.get("resources") or {}).get("autoScalingGroups", [])]
    if names:
        found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=names)
        groups = found["AutoScalingGroups"]
        if groups:
            return sum(int(g["DesiredCapacity"]) for g in groups)
    return int(eks_group["scalingConfig"]["desiredSize"])


def apply(
    target: Target,
    eks: EKSClient,
    autoscaling: AutoScalingClient,
    *,
    poll_seconds: float = POLL_SECONDS,
) -> dict[str, int]:
    """Bring the group to the target range without moving a desired size already inside it;
    return the sizes now in force."""
    group = eks.describe_nodegroup(clusterName=target.cluster, nodegroupName=target.nodegroup)
    node_group: dict[str, Any] = dict(group["nodegroup"])
    current = node_group["scalingConfig"]
    desired = clamp(live_desired(node_group, autoscaling), target.minimum, target.maximum)
    wanted = {"minSize": target.minimum, "maxSize": target.maximum, "desiredSize": desired}
    if (int(current["minSize"]), int(current["maxSize"])) == (target.minimum, target.maximum):
        # Nothing to move: the autoscaler's desired size is already inside the range.
        return wanted
    response = eks.update_nodegroup_config(
        clusterName=target.cluster,
        nodegroupName=target.nodegroup,
        scalingConfig={
            "minSize": target.minimum,
            "maxSize": target.maximum,
            "desiredSize": desired,
        },
    )
    _wait(target, eks, dict(response["update"]), poll_seconds)
    return wanted


def _wait(target: Target, eks: EKSClient, update: dict[str, Any], poll_seconds: float) -> None:
    """Until EKS reports the update Successful; Failed or Cancelled raise with its errors."""
    deadline = time.monotonic() + UPDATE_TIMEOUT_SECONDS
    while update.get("status") == "InProgress":
        if time.monotonic() > deadline:
            raise ProvisionError(
                f"EKS update {update['id']} of node group {target.nodegroup} still in "
                f"progress after {UPDATE_TIMEOUT_SECONDS // 60} minutes",
                hint="check it with `aws eks describe-update`, then run `pulumi up` again",
            )
        time.sleep(poll_seconds)
        update = dict(
            eks.describe_update(
                name=target.cluster, nodegroupName=target.nodegroup, updateId=update["id"]
            )["update"]
        )
    if update.get("status") != "Successful":
        errors = "; ".join(
            f"{e.get('errorCode', '?')}: {e.get('errorMessage', '')}"
            for e in update.get("errors", [])
        )
        raise ProvisionError(
            f"EKS update {update.get('id')} of node group {target.nodegroup} ended "
            f"{update.get('status')}: {errors or 'no error given'}",
            hint="fix the cause, then run `pulumi up` again",
        )


def _clients(region: str) -> tuple[EKSClient, AutoScalingClient]:
    # Imported here: the program itself never loads boto3 (tests/infra/test_purity.py).
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    session = boto3.Session(region_name=region)
    config = Config(retries={"mode": "standard"})
    return session.client("eks", config=config), session.client("autoscaling", config=config)


class NodeGroupScalingProvider(dynamic.ResourceProvider):
    """create/update: `apply`; diff: min and max only; read: the live sizes; delete: nothing."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dynamic.CheckResult:
        failures = []
        low, high = news.get("minSize"), news.get("maxSize")
        # Unknown during a preview: the real values are checked when they are known.
        if (
            isinstance(low, int | float)
            and isinstance(high, int | float)
            and not (0 <= low <= high and high >= 1)
        ):
            reason = f"need 0 <= min ({low:g}) <= max ({high:g}) and max >= 1"
            failures.append(dynamic.CheckFailure("minSize", reason))
        return dynamic.CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        replaces = [key for key in IDENTITY if olds.get(key) != news.get(key)]
        changed = bool(replaces) or any(olds.get(key) != news.get(key) for key in BOUNDS)
        return dynamic.DiffResult(
            changes=changed, replaces=replaces, stables=[], delete_before_replace=False
        )

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        target = Target.of(props)
        sizes = apply(target, *_clients(target.region))
        return dynamic.CreateResult(f"{target.cluster}/{target.nodegroup}", _outs(target, sizes))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        target = Target.of(news)
        return dynamic.UpdateResult(_outs(target, apply(target, *_clients(target.region))))

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        target = Target.of(props)
        eks, _ = _clients(target.region)
        try:
            found = eks.describe_nodegroup(
                clusterName=target.cluster, nodegroupName=target.nodegroup
            )
        except eks.exceptions.ResourceNotFoundException:
            return dynamic.ReadResult("", {})
        live = found["nodegroup"]["scalingConfig"]
        sizes = {key: int(live[key]) for key in ("minSize", "maxSize", "desiredSize")}
        return dynamic.ReadResult(id_, _outs(target, sizes))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """The node group keeps its sizes; when it is being deleted, it goes by itself."""


def _outs(target: Target, sizes: dict[str, int]) -> dict[str, Any]:
    return {
        "region": target.region,
        "clusterName": target.cluster,
        "nodegroupName": target.nodegroup,
        **sizes,
    }


@dataclass(frozen=True)
class NodeGroupScalingArgs:
    region: str
    cluster_name: pulumi.Input[str]
    nodegroup_name: pulumi.Input[str]
    min_size: int
    max_size: int


class NodeGroupScaling(dynamic.Resource, module="cortex", name="NodeGroupScaling"):
    """Owns min and max of one managed node group (the plan shows it by its type, TYPE)."""

    def __init__(
        self, name: str, args: NodeGroupScalingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = {
            "region": args.region,
            "clusterName": args.cluster_name,
            "nodegroupName": args.nodegroup_name,
            "minSize": args.min_size,
            "maxSize": args.max_size,
        }
        super().__init__(NodeGroupScalingProvider(), name, props, opts)
