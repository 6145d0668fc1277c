"""Where a Cortex v0.42 pair (`cortex.yaml` + `cluster.yaml`) would behave differently here.

A Cortex file loads unchanged, but a field it leaves unset may default differently, and some
of what Cortex did to containers is done differently: each difference gets a warning that
names the field, both behaviours and the line that keeps Cortex's. Sources are files of
github.com/cortexlabs/cortex at v0.42.1 unless another tag is named.
"""

from __future__ import annotations

from collections.abc import Iterator

from cortex_spec.diagnostics import Finding
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.cluster import ClusterConfig

# The neuron-rtd sidecar of Cortex's v0.38-v0.42 Inferentia test API
# (test/apis/realtime/image-classifier-resnet50/cortex_inf_rtd.yaml).
NEURON_RTD_IMAGE = "neuron-rtd"


def cortex_pair_differences(
    cluster: ClusterConfig, apis: list[tuple[int, WorkloadAPI]]
) -> Iterator[Finding]:
    """Warnings for a Cortex pair: defaults that differ, and container behaviour that does.
    `apis` are the APIs that run pods, with their index in `apis:`. `iam_policy_arns`, set
    or not, is warned of by `rules/iam_rules.py`, with the other rules on who gets it."""
    yield from _cluster_defaults(cluster)
    for index, api in apis:
        yield from _containers(api, ("apis", index))


def _cluster_defaults(cluster: ClusterConfig) -> Iterator[Finding]:
    if "subnet_visibility" not in cluster.model_fields_set and not cluster.subnets:
        # cluster_config.go: `SubnetVisibility` defaults to public; with it, nat_gateway none.
        yield Finding(
            ("cluster",),
            "subnet_visibility is not set: Cortex's default was public (nodes with public "
            "IPs, no NAT gateway); cortex-infra's is private (nodes behind a "
            f"{cluster.resolved_nat_gateway} NAT gateway, billed hourly)",
            "add `subnet_visibility: public` (or `nat_gateway: none`) to keep Cortex's "
            "behaviour, or `subnet_visibility: private` to keep this one and silence this",
            severity="warning",
        )


def _containers(api: WorkloadAPI, path: tuple[str | int, ...]) -> Iterator[Finding]:
    if api.predictor is not None and api.compute is not None and api.compute.mem is not None:
        # pkg/operator/operator/k8s.go (v0.20.0) lines 118-184: the predictor's container
        # requested mem, and only GPUs were limits (so through v0.42.1, pkg/workloads/k8s.go).
        yield Finding(
            (*path, "compute", "mem"),
            f"Cortex requested mem ({api.compute.mem}) without a limit; cortex-infra also "
            "sets it as the memory limit, so the predictor is OOM-killed above it instead of "
            "using a node's spare memory",
            "raise mem to the predictor's peak use (all its processes)",
            severity="warning",
        )
    containers = api.pod.containers if api.pod and api.pod.containers else []
    for index, container in enumerate(containers):
        where = (*path, "pod", "containers", index)
        if container.compute.mem is not None:
            # pkg/workloads/k8s.go (v0.42.1): memory was a request only, never a limit.
            yield Finding(
                (*where, "compute", "mem"),
                f"Cortex requested mem ({container.compute.mem}) without a limit; "
                "cortex-infra also sets it as the memory limit, so the container is "
                "OOM-killed above it instead of using a node's spare memory",
                "raise mem to the container's peak use",
                severity="warning",
            )
        if NEURON_RTD_IMAGE in container.image.rsplit("/", 1)[-1]:
            yield Finding(
                (*where, "image"),
                "a neuron-rtd sidecar (Neuron 1.x runtime daemon) does not run here: the "
                "Neuron 2.x driver on EKS's Neuron AMI replaces it, and pods get no "
                "hugepages, IPC_LOCK/SYS_ADMIN or shared /mnt for a daemon",
                "drop the neuron-rtd container and build the serving image on the Neuron 2.x "
                "runtime (libnrt, aws-neuronx-runtime-lib), which talks to the driver directly",
            )
