"""`cluster.node_groups[]` and `cluster.system_node_group`: what nodes run (Cortex v0.42 names)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from cortex_spec import catalog, limits
from cortex_spec.models.base import StrictModel, fail, shown
from cortex_spec.models.cortex_edges import null_as

_NODE_GROUP_NAME = re.compile(r"[a-zA-Z0-9-]*[a-zA-Z0-9]", re.ASCII)
_SIZE_TOO_SMALL = ("nano", "micro")
# EKS NodegroupScalingConfig sizes are 32-bit integers (EKS API reference).
_INT32 = f"at most {limits.INT32_MAX:,}: EKS stores it as a 32-bit integer"


# NVIDIA generations EC2 still lists but EKS's accelerated AMIs no longer drive: the AL2023
# and Bottlerocket NVIDIA variants list p3/p3dn and newer, not g3 (M60) or p2 (K80)
# (https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html). Cortex
# v0.42.1 accepted both (its price table lists them).
_RETIRED_GPU_FAMILIES = ("g3", "g3s", "p2")
EKS_GPU_AMIS_DOC = "https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html"


def check_instance_type(value: str) -> str:
    """Known to the catalog, and of a kind EKS nodes can serve from."""
    info = catalog.instance_type(value)
    family = value.split(".", 1)[0]
    if family in _RETIRED_GPU_FAMILIES:
        fail(
            f"{family} instances (including {value}) are not supported on EKS's "
            f"current accelerated AMIs (AL2023 and Bottlerocket NVIDIA: {EKS_GPU_AMIS_DOC}); "
            "Cortex v0.42 ran them on its older Amazon Linux 2 GPU AMI",
            "use a current NVIDIA type: g4dn or g5 for one GPU per node (g4dn.xlarge, "
            "g5.xlarge), p3 for V100s",
        )
    if info is None:
        close = catalog.suggest(value, catalog.instance_type_names())
        fail(
            f'unknown instance type "{shown(value)}"',
            f"did you mean '{close[0]}'?" if close else "use an EC2 type such as m5.large",
        )
    if info.size in _SIZE_TOO_SMALL:
        fail(
            f"nano and micro instances (including {value}) are not supported",
            "nodes need room for the kubelet and system pods; use a larger size such as "
            f"{info.family}.large",
        )
    if info.accelerator == "amd":
        fail(
            f"AMD GPU instances (including {value}) are not supported",
            "serving GPUs are NVIDIA (g4dn, g5, g6, g6e, p4d, p5); pick one of those",
        )
    if info.arch == "mac" or info.fpga or info.media_accelerator or info.series in ("dl",):
        fail(
            f"{value} instances are not supported",
            "use a CPU, NVIDIA GPU or AWS Neuron (inf, trn) instance type",
        )
    return value


class SpotConfig(StrictModel):
    """How a spot node group mixes spot and on-demand capacity (Cortex semantics)."""

    instance_distribution: Annotated[
        list[Annotated[str, Field(description="An EC2 instance type.")]] | None,
        Field(
            default=None,
            description="Instance types the group may launch; the primary `instance_type` is "
            "always first. Each must have at least the primary's CPU, memory and accelerators.",
        ),
    ]
    # cluster_config.go (v0.42.1) lines 833-845 (AllowExplicitNull) and 1512-1518: null is 0.
    on_demand_base_capacity: Annotated[
        int,
        BeforeValidator(null_as(0), json_schema_input_type=int | None),
        Field(
            default=0,
            ge=0,
            le=limits.INT32_MAX,
            description="Instances that are always on-demand, before any spot. They run in a "
            f"companion on-demand node group ({_INT32}).",
        ),
    ]
    on_demand_percentage_above_base_capacity: Annotated[
        int,
        BeforeValidator(null_as(0), json_schema_input_type=int | None),
        Field(
            default=0,
            ge=0,
            le=100,
            description="Percentage of the capacity above the base that is on-demand (0-100). "
            "Cortex's code default is 0.",
        ),
    ]
    max_price: Annotated[
        float | None,
        Field(
            default=None,
            gt=0,
            allow_inf_nan=False,
            description="Cortex's maximum spot price per hour. EKS managed node groups cannot cap "
            "it (spot is never charged above on-demand); accepted with a warning.",
        ),
    ]
    instance_pools: Annotated[
        int | None,
        Field(
            default=None,
            ge=1,
            le=20,
            description="Cortex's spot pool count. EKS managed node groups choose pools "
            "themselves (price-capacity-optimized); accepted with a warning.",
        ),
    ]

    @field_validator("instance_distribution")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            check_instance_type(item)
        return value


class NodeGroup(StrictModel):
    """One EKS managed node group (plus an on-demand companion when spot asks for one)."""

    name: Annotated[
        str,
        Field(description="Unique name: letters, digits and dashes, at most 26 characters."),
    ]
    instance_type: Annotated[
        str, Field(description="EC2 instance type; its accelerator picks the AMI and taints.")
    ]
    min_instances: Annotated[
        int,
        Field(
            default=1,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Minimum nodes; 0 lets the group scale to zero ({_INT32}).",
        ),
    ]
    max_instances: Annotated[
        int,
        Field(
            default=5,
            ge=0,
            le=limits.INT32_MAX,
            description=f"Maximum nodes the autoscaler may run, at least 1 ({_INT32}).",
        ),
    ]
    priority: Annotated[
        int,
        Field(
            default=1,
            ge=1,
            le=100,
            description="Autoscaler preference, 1-100: higher is tried first when several "
            "groups fit a pending pod.",
        ),
    ]
    instance_volume_size: Annotated[
        int, Field(default=50, ge=20, le=16384, description="Root volume size in GB.")
    ]
    instance_volume_type: Annotated[
        Literal["gp2", "gp3", "io1", "st1", "sc1"],
        Field(default="gp3", description="Root volume type (encrypted)."),
    ]
    instance_volume_iops: Annotated[
        int | None,
        Field(
            default=None,
            description="Provisioned IOPS: io1 (100-64000, at most 50 x size) or gp3 "
            "(3000-16000, at most 500 x size). Defaults: gp3 3000; io1 min(50 x size, 3000).",
        ),
    ]
    instance_volume_throughput: Annotated[
        int | None,
        Field(default=None, description="gp3 throughput in MB/s (125-1000); default 125."),
    ]
    spot: Annotated[bool, Field(default=False, description="Run on spot capacity.")]
    spot_config: Annotated[
        SpotConfig | None,
        Field(default=None, description="Spot mix; only with `spot: true`."),
    ]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > 26:
            fail(
                f'"{shown(value)}" must be no more than 26 characters',
                "shorten the node group name",
            )
        if not _NODE_GROUP_NAME.fullmatch(value):
            fail(
                f'"{shown(value)}" is not a valid node group name',
                "use letters, digits and dashes, not ending with a dash",
            )
        return value

    @field_validator("instance_type")
    @classmethod
    def _instance_type(cls, value: str) -> str:
        return check_instance_type(value)

    @field_validator("max_instances")
    @classmethod
    def _max_instances(cls, value: int) -> int:
        if value == 0:
            # cluster_config.go (v0.42.1) lines 766-769 accept 0 in the schema, but lines
            # 1183-1187 refuse it at `cluster up`; Cortex allowed it only when `cluster
            # configure` scaled an existing group. An EKS managed node group's maxSize is at
            # least 1 (CreateNodegroup and UpdateNodegroupConfig), on creation and after.
            fail(
                "max_instances 0 cannot be a node group: Cortex refused it when creating a "
                "cluster too ('nodegroups cannot be created with max_instances set to 0'), and "
                "EKS managed node groups need a maximum of at least 1",
                "set min_instances: 0 and max_instances: 1 (the autoscaler keeps the group at "
                "zero nodes while no pod needs it), or remove the node group",
            )
        return value


class SystemNodeGroup(StrictModel):
    """The on-demand group that runs cluster add-ons (Cortex's operator group)."""

    instance_type: Annotated[
        str, Field(default="t3.medium", description="CPU instance type for add-on pods.")
    ]
    min_instances: Annotated[
        int, Field(default=2, ge=1, le=limits.INT32_MAX, description=f"Minimum nodes ({_INT32}).")
    ]
    max_instances: Annotated[
        int, Field(default=5, ge=1, le=limits.INT32_MAX, description=f"Maximum nodes ({_INT32}).")
    ]

    @field_validator("instance_type")
    @classmethod
    def _instance_type(cls, value: str) -> str:
        check_instance_type(value)
        info = catalog.instance_type(value)
        if info is not None and info.accelerator != "none":
            fail(f"{value} has accelerators", "use a CPU type such as t3.medium or m5.large")
        return value
