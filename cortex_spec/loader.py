"""`load_spec`: the one way to read a spec, turning every mistake into a located SpecError.

Accepted inputs:
- one `cortex.yaml` mapping with `cluster:`, `apis:` and optional `environments:`;
- a Cortex v0.42 pair: `cortex.yaml` as a YAML list of APIs, plus `cluster.yaml`.

Structural errors of the cluster and of each API (`api_validation.py`) are collected
independently, and the cross-field rules run on every part that parsed, so one run reports
every problem it can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cortex_spec import limits
from cortex_spec.api_validation import STOPPED, files_inside, validate_apis, validate_part
from cortex_spec.diagnostics import Finding, to_problems
from cortex_spec.environments import apply_environment, check_overrides, environment_names
from cortex_spec.errors import Problem, SpecError, in_file_order
from cortex_spec.inputs import combined, pair, read, top_level, undefined_environment
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.api_base import ApiBase
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.models.job_apis import JobAPI
from cortex_spec.models.node_group import NodeGroup
from cortex_spec.models.traffic_splitter import TrafficSplitter
from cortex_spec.node_profiles import NodeProfile, profile, system_profile
from cortex_spec.override_names import check_override_names
from cortex_spec.rules.cluster_rules import check_cluster
from cortex_spec.rules.cortex_defaults import cortex_pair_differences
from cortex_spec.rules.iam_rules import check_policy_scope
from cortex_spec.rules.version_rules import check_versions
from cortex_spec.source import MapNode, Node, SourceText, to_plain
from cortex_spec.source import Path as Path_


@dataclass(frozen=True)
class Spec:
    """A validated spec, resolved for one environment.

    `apis` are the APIs that run replicas (RealtimeAPI, AsyncAPI), `splitters` the
    TrafficSplitters, `jobs` the BatchAPIs and TaskAPIs; `positions` maps every API's name
    to its index in the file's `apis:`.
    """

    cluster: ClusterConfig
    apis: tuple[WorkloadAPI, ...]
    environment: str | None
    project_dir: Path
    files: tuple[str, ...]
    warnings: tuple[Problem, ...]
    splitters: tuple[TrafficSplitter, ...] = ()
    # BatchAPIs and TaskAPIs: their gateway runs always, their pods only per job.
    jobs: tuple[JobAPI, ...] = ()
    positions: Mapping[str, int] = field(default_factory=dict)
    # The merged, located tree and the files' text: what `problem` locates paths in.
    tree: Node | None = field(default=None, repr=False, compare=False)
    sources: Mapping[str, SourceText] = field(default_factory=dict, repr=False, compare=False)
    # A Cortex v0.42 pair (cortex.yaml + cluster.yaml): Cortex's behaviours kept, with warnings.
    cortex_cluster_file: bool = False

    def problem(self, path: Path_, message: str, hint: str | None = None) -> Problem:
        """A problem found after loading (by the program, with AWS data) at `path`, located
        in the spec like every other: file:line:col, the field and its line."""
        found = [Finding(path, message, hint)]
        (problem,) = to_problems(found, self.tree, to_plain(self.tree), self.sources)
        return problem

    @property
    def policies_on_every_api(self) -> bool:
        """Whether cluster.iam_policy_arns are attached to every API's role."""
        cluster = self.cluster
        chosen = cluster.iam_policy_arns_scope == "all_apis" or self.cortex_cluster_file
        return bool(cluster.iam_policy_arns) and chosen

    @property
    def profiles(self) -> list[NodeProfile]:
        """The worker node groups, resolved (AMI, taints, allocatable, managed groups)."""
        return [profile(group) for group in self.cluster.worker_groups]

    @property
    def system_profile(self) -> NodeProfile:
        return system_profile(self.cluster.system_node_group)

    @property
    def entries(self) -> tuple[ApiBase, ...]:
        """Every API of every kind, in the file's order."""
        every: list[ApiBase] = [*self.apis, *self.splitters, *self.jobs]
        return tuple(sorted(every, key=lambda a: self.positions.get(a.name, len(every))))

    @property
    def spec_files_in_project(self) -> tuple[str, ...]:
        """The spec's own files inside `project_dir`, as relative POSIX paths.

        Bundles leave them out: pods get their API's spec from the contract's spec file, so
        editing one API's section must not change every other API's bundle.
        """
        return files_inside(self.files, self.project_dir)

    def api(self, name: str) -> WorkloadAPI:
        for api in self.apis:
            if api.name == name:
                return api
        raise KeyError(name)

    def job(self, name: str) -> JobAPI:
        for api in self.jobs:
            if api.name == name:
                return api
        raise KeyError(name)

    def splitter(self, name: str) -> TrafficSplitter:
        for splitter in self.splitters:
            if splitter.name == name:
                return splitter
        raise KeyError(name)


def load_spec(
    path: str | Path,
    *,
    cluster_config: str | Path | None = None,
    environment: str | None = None,
    environment_required: bool = True,
) -> Spec:
    """Read, merge and validate a spec; raise SpecError listing every problem."""
    sources: dict[str, SourceText] = {}
    root = _read_root(path, cluster_config, sources)
    _raise_if(check_overrides(root) + top_level(root), root, sources)
    # Located in the overrides (not in the merged tree), and reported with every other error.
    renamed = to_problems(check_override_names(root), root, to_plain(root), sources)

    names = environment_names(root)
    if environment is not None and environment not in names and environment_required:
        raise SpecError([undefined_environment(root, environment, names, sources, str(path))])
    merged = apply_environment(root, environment or "")
    data = to_plain(merged)
    project_dir = Path(path).resolve().parent
    cluster, findings = validate_part(ClusterConfig, data.get("cluster"), ("cluster",))
    dirs = (project_dir, Path(path).parent)
    profiles = _profiles(cluster, data.get("cluster"))
    entries, api_findings = validate_apis(data.get("apis"), profiles, dirs, tuple(sources))
    findings += api_findings
    if cluster is not None:
        workloads = [a for _, a in entries if isinstance(a, WorkloadAPI)]
        findings += check_cluster(cluster)
        findings += check_versions(cluster, workloads)
        findings += check_policy_scope(cluster, workloads, cortex_file=cluster_config is not None)
        if cluster_config is not None:
            indexed = [(i, a) for i, a in entries if isinstance(a, WorkloadAPI)]
            findings += cortex_pair_differences(cluster, indexed)
    errors = [f for f in findings if f.severity == "error"]
    if renamed:
        raise SpecError(in_file_order([*renamed, *to_problems(errors, merged, data, sources)]))
    _raise_if(errors, merged, sources, data)
    warnings = [f for f in findings if f.severity == "warning"]
    assert cluster is not None
    return Spec(
        cluster=cluster,
        apis=tuple(
            a for _, a in entries if isinstance(a, WorkloadAPI) and not isinstance(a, JobAPI)
        ),
        environment=environment if environment in names else None,
        project_dir=project_dir,
        files=tuple(sources),
        warnings=in_file_order(to_problems(warnings, merged, data, sources)),
        splitters=tuple(a for _, a in entries if isinstance(a, TrafficSplitter)),
        jobs=tuple(a for _, a in entries if isinstance(a, JobAPI)),
        positions={a.name: index for index, a in reversed(entries)},
        tree=merged,
        sources=sources,
        cortex_cluster_file=cluster_config is not None,
    )


def locate_problem(
    path: str | Path,
    field: tuple[str | int, ...],
    message: str,
    hint: str | None = None,
    *,
    cluster_config: str | Path | None = None,
    environment: str | None = None,
) -> Problem:
    """A problem found after loading (by a diff, say), located in the spec as the loader
    locates its own: the field's line in the file that sets it for `environment`, else the
    nearest parent's."""
    sources: dict[str, SourceText] = {}
    root = _read_root(path, cluster_config, sources)
    merged = apply_environment(root, environment or "")
    [problem] = to_problems([Finding(field, message, hint)], merged, to_plain(merged), sources)
    return problem


def _raise_if(
    findings: list[Finding], root: Node, sources: dict[str, SourceText], data: Any = None
) -> None:
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        plain = to_plain(root) if data is None else data
        problems = to_problems(errors[: limits.MAX_PROBLEMS], root, plain, sources)
        truncated = len(errors) > limits.MAX_PROBLEMS or errors[-1].message == STOPPED
        raise SpecError(problems, truncated=truncated)


def _profiles(cluster: ClusterConfig | None, raw: Any) -> list[NodeProfile] | None:
    """The worker node groups the APIs are fitted to. When the cluster has a mistake of its
    own elsewhere (a typo in `nat_gateway`, say), its node groups are read one by one, so
    that the compute fit is still reported in the same run; None (no fit checked) only when
    a node group itself is broken, since a fit against the rest would be misleading."""
    if cluster is not None:
        return [profile(g) for g in cluster.worker_groups]
    groups = raw.get("node_groups") if isinstance(raw, dict) else None
    if groups is None:
        return None if isinstance(raw, dict) and "node_groups" in raw else []
    if not isinstance(groups, list):
        return None
    try:
        return [profile(NodeGroup.model_validate(item)) for item in groups]
    except ValidationError:
        return None


def _read_root(
    path: str | Path, cluster_config: str | Path | None, sources: dict[str, SourceText]
) -> MapNode:
    """The spec's located tree: the cortex.yaml alone, or paired with a Cortex cluster.yaml;
    the files' text lands in `sources`."""
    api_node = read(path, sources)
    if cluster_config is not None:
        return pair(api_node, read(cluster_config, sources), str(path), str(cluster_config))
    return combined(api_node, str(path), sources.get(str(path)))
