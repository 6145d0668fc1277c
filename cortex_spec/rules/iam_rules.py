"""`cluster.iam_policy_arns` reaches every API only when the spec says so.

Cortex attached `iam_policy_arns` to its nodes, so every pod had them. Here each API has its
own role, and the policies an API needs go in `apis[*].iam_policy_arns`. The cluster-wide
list applies to every API with `iam_policy_arns_scope: all_apis` (a plan risk), or in a
Cortex v0.42 cluster.yaml, which keeps Cortex's behaviour with a warning; a cortex-infra
spec that sets it without the scope is refused, naming both ways out. A Cortex cluster.yaml
that leaves it unset is warned that Cortex's default (S3 full access) does not apply here:
one warning either way, never both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cortex_spec.cortex_differences import iam_policy_arns_scope, iam_policy_arns_unset
from cortex_spec.diagnostics import Finding
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.cluster import ClusterConfig


def check_policy_scope(
    cluster: ClusterConfig, apis: Sequence[WorkloadAPI], *, cortex_file: bool
) -> Iterator[Finding]:
    path = ("cluster", "iam_policy_arns")
    if cortex_file and "iam_policy_arns" not in cluster.model_fields_set:
        unset = iam_policy_arns_unset()
        yield Finding(("cluster",), unset.message, unset.hint, severity="warning")
    if cluster.iam_policy_arns and cluster.iam_policy_arns_scope is None:
        difference = iam_policy_arns_scope(
            cluster.iam_policy_arns, [api.name for api in apis], cortex_file=cortex_file
        )
        yield Finding(
            path,
            difference.message,
            difference.hint,
            severity="warning" if cortex_file else "error",
        )
    if cluster.iam_policy_arns_scope is not None and not cluster.iam_policy_arns:
        yield Finding(
            ("cluster", "iam_policy_arns_scope"),
            "has no effect: cluster.iam_policy_arns is empty",
            "remove iam_policy_arns_scope",
            severity="warning",
        )
