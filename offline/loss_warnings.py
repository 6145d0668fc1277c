"""The warning said above a replace or delete of what is expensive to lose: an EKS cluster,
a node group, a VPC, a subnet, a bucket; what the loss costs and in which order Pulumi
does it. Also which managed node group a node group change is about, which the warning
and the summary lines both name.

Separate from `diff_report.py`, which summarises every change: these few types, and what
losing each costs, are a judgement of their own, kept in one place.
"""

from __future__ import annotations

from typing import Final

from cortex_spec import naming
from offline.diff import ResourceChange

NODE_GROUP: Final = "aws:eks/nodeGroup:NodeGroup"
# Min and max of a node group after creation (infra/node_scaling.py).
NODE_GROUP_SCALING: Final = "pulumi-python:dynamic/cortex:NodeGroupScaling"

# What a replace or delete of these costs, said above the change.
_AT_RISK: Final = {
    "aws:eks/cluster:Cluster": "every node, workload and the Kubernetes API endpoint go with it",
    NODE_GROUP: "its nodes are drained and terminated, and their pods rescheduled",
    "aws:ec2/vpc:Vpc": "its subnets, the cluster and the load balancer must be recreated too",
    "aws:ec2/subnet:Subnet": (
        "nodes and load balancer interfaces in it must be recreated, and a new CIDR that "
        "overlaps the old one cannot exist beside it"
    ),
    "aws:s3/bucket:Bucket": "its objects are lost unless copied first",
    "aws:s3/bucketV2:BucketV2": "its objects are lost unless copied first",
}
_NAME_KEYS: Final = ("name", "nodeGroupName", "bucket")
_KIND_WORDS: Final = {
    "aws:eks/cluster:Cluster": "EKS cluster",
    NODE_GROUP: "node group",
    "aws:ec2/vpc:Vpc": "VPC",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
}


def managed_group(change: ResourceChange) -> str | None:
    """The managed node group a node group change is about (`gpu-spot-on-demand`)."""
    inputs = change.resource.inputs
    if change.type == NODE_GROUP:
        prefix, name = inputs.get("nodeGroupNamePrefix"), inputs.get("nodeGroupName")
        if isinstance(prefix, str):
            return prefix.removesuffix("-")
        return name if isinstance(name, str) else None
    if change.type == NODE_GROUP_SCALING:
        physical = inputs.get("nodegroupName")
        return naming.managed_group_of(physical) if isinstance(physical, str) else None
    return None


def loss_warning(change: ResourceChange) -> str | None:
    cost = _AT_RISK.get(change.type)
    if cost is None or change.op not in ("replace", "delete"):
        return None
    what = _KIND_WORDS[change.type]
    inputs = change.resource.inputs
    name = next((inputs[k] for k in _NAME_KEYS if isinstance(inputs.get(k), str)), None)
    label = f"{what} {name or managed_group(change) or change.name}"
    if change.op == "delete":
        return f"{label} will be deleted: {cost}."
    because = ", ".join(f.path for f in change.fields if f.replaces)
    if change.delete_before_replace:
        order = "the old one is deleted before the new one exists (downtime)"
    elif name and not any(f.path in _NAME_KEYS for f in change.fields):
        # Pulumi creates the replacement first; AWS refuses a second one of the same name.
        order = (
            f"its name stays {name}, so creating the replacement first fails unless the "
            "program sets deleteBeforeReplace (downtime) or the name changes"
        )
    else:
        order = "Pulumi creates the new one before deleting the old"
    return f"{label} will be replaced (because of {because}): {cost}; {order}."
