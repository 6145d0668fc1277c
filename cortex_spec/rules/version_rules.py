"""`cluster.kubernetes_version` against the EKS calendar and the version matrix.

- Not in the calendar, or past the end of extended support on the calendar's read date: an
  error naming the date (EKS no longer creates clusters on it).
- Past the end of standard support: a warning naming the date, the cost and what the
  cluster's `upgrade_policy` makes EKS do.
- A gap in the version matrix row, in a component the spec uses: an error naming the gap.
  The program never substitutes another minor's component.

Every finding is at `cluster.kubernetes_version`. Dates are compared with the calendar's
`read_on`, never with a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cortex_spec.component_usage import uses
from cortex_spec.diagnostics import Finding
from cortex_spec.kubernetes_versions import DEFAULT_VERSION, calendar, minor
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.version_matrix import matrix

PATH = ("cluster", "kubernetes_version")


def check_versions(cluster: ClusterConfig, apis: Iterable[WorkloadAPI]) -> list[Finding]:
    support = list(_support(cluster))
    if any(f.severity == "error" for f in support):
        return support
    return support + list(_gaps(cluster, apis))


def _support(cluster: ClusterConfig) -> Iterator[Finding]:
    data = calendar()
    version, read_on = cluster.kubernetes_version, data.read_on
    row = data.versions.get(version)
    if row is None:
        newest, oldest = data.newest(), data.oldest()
        if minor(version) > minor(newest):
            message = (
                f"Kubernetes {version} is not in the EKS calendar read on {read_on} "
                f"(newest: {newest})"
            )
        else:
            ended = data.versions[oldest].extended_support_ends
            message = (
                f"Kubernetes {version} is older than {oldest}, whose EKS extended support "
                f"ended on {ended} (calendar read on {read_on})"
            )
        yield Finding(PATH, message, _fix(), detail=f"calendar: {data.source}")
    elif row.extended_support_ends <= read_on:
        yield Finding(
            PATH,
            f"Kubernetes {version} reached the end of EKS extended support on "
            f"{row.extended_support_ends} (calendar read on {read_on}): EKS creates no new "
            "cluster on it and upgrades existing control planes itself",
            _fix(),
            detail=f"calendar: {data.lifecycle_source}",
        )
    elif row.standard_support_ends <= read_on:
        pricing = data.extended_support_pricing
        if cluster.upgrade_policy == "extended":
            policy = "upgrade_policy: extended keeps it there until you upgrade"
            hint = f'upgrade one minor at a time, up to "{DEFAULT_VERSION}"'
        else:
            policy = (
                "with upgrade_policy: standard EKS upgrades the control plane itself, and "
                "refuses to switch a cluster already in extended support back to standard"
            )
            hint = (
                f"upgrade to {_next(version)} in this change (the version is updated before "
                "the policy), or set upgrade_policy: extended while you stay"
            )
        yield Finding(
            PATH,
            f"Kubernetes {version} left EKS standard support on {row.standard_support_ends} "
            f"(calendar read on {read_on}); extended support, until "
            f"{row.extended_support_ends}, costs {pricing.text}; {policy}",
            hint,
            severity="warning",
            detail=(
                f"pricing: {pricing.source} (as of {pricing.as_of}); "
                f"upgrade policy: {data.upgrade_policy_source}"
            ),
        )


def _gaps(cluster: ClusterConfig, apis: Iterable[WorkloadAPI]) -> Iterator[Finding]:
    version = cluster.kubernetes_version
    table = matrix()
    for gap in table.gaps(version, uses(cluster, apis)):
        yield Finding(
            PATH,
            f"Kubernetes {version} has no cited {gap.title}: {gap.reason}",
            f'use a Kubernetes version with a complete row, e.g. "{DEFAULT_VERSION}", or '
            "cite a release in cortex_spec/data/version_matrix.yaml",
            detail=f"version matrix read on {table.read_on}",
        )


def _next(version: str) -> str:
    return f"1.{minor(version) + 1}"


def _fix() -> str:
    return (
        f'use "{DEFAULT_VERSION}" for a new cluster; a deployed one was upgraded by EKS: set '
        "the version it runs (aws eks describe-cluster), then upgrade one minor at a time"
    )
