"""`load_spec`: the one way to read a spec, turning every mistake into a located SpecError.

Accepted inputs:
- one `cortex.yaml` mapping with `cluster:`, `apis:` and optional `environments:`;
- a Cortex v0.42 pair: `cortex.yaml` as a YAML list of APIs, plus `cluster.yaml`.

Structural errors of the cluster and of each API are collected independently, and the
cross-field rules run on every part that parsed, so one run reports every problem it can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cortex_spec import limits
from cortex_spec.diagnostics import Finding, findings_from_validation, to_problems
from cortex_spec.environments import apply_environment, check_overrides, environment_names
from cortex_spec.errors import Problem, SpecError, in_file_order
from cortex_spec.inputs import combined, pair, read, top_level, undefined_environment
from cortex_spec.models.api import ApiBase, WorkloadAPI
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.models.job_apis import JobAPI
from cortex_spec.models.kinds import NOT_DEPLOYABLE, model_for
from cortex_spec.models.node_group import NodeGroup
from cortex_spec.models.traffic_splitter import TrafficSplitter
from cortex_spec.node_profiles import NodeProfile, profile, system_profile
from cortex_spec.override_names import check_override_names
from cortex_spec.rules.api_rules import check_api, check_unique
from cortex_spec.rules.cluster_rules import check_cluster
from cortex_spec.rules.compute_fit import check_placement
from cortex_spec.rules.cortex_defaults import cortex_pair_differences
from cortex_spec.rules.file_rules import check_bundles
from cortex_spec.rules.iam_rules import check_policy_scope
from cortex_spec.rules.job_rules import check_job
from cortex_spec.rules.kind_rules import kind_finding, not_deployable
from cortex_spec.rules.splitter_rules import check_splitter
from cortex_spec.rules.version_rules import check_versions
from cortex_spec.source import MapNode, Node, SourceText, to_plain
from cortex_spec.source import Path as Path_

M = TypeVar("M", bound=BaseModel)


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
        return _inside(self.files, self.project_dir)

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
    cluster, findings = _validate(ClusterConfig, data.get("cluster"), ("cluster",))
    dirs = (project_dir, Path(path).parent)
    profiles = _profiles(cluster, data.get("cluster"))
    entries, api_findings = _validate_apis(data.get("apis"), profiles, dirs, tuple(sources))
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
        truncated = len(errors) > limits.MAX_PROBLEMS or errors[-1].message == _STOPPED
        raise SpecError(problems, truncated=truncated)


# The finding that marks where API checks stopped, at limits.MAX_PROBLEMS errors.
_STOPPED = "checking stopped here"


def _validate(
    model: type[M], data: Any, prefix: tuple[str | int, ...]
) -> tuple[M | None, list[Finding]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, findings_from_validation(exc, model, data, prefix)


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


# What an API's placement and compute fit depend on: a mistake elsewhere in the API (its
# autoscaling, say) does not change whether it fits, so it is checked without that part.
_PLACEMENT_FIELDS = frozenset({"name", "kind", "predictor", "pod", "compute", "node_groups"})


def _placement_probe(item: Any, problems: list[Finding], depth: int) -> WorkloadAPI | None:
    """The API without its broken fields, when none of them bears on where it runs."""
    if not isinstance(item, dict):
        return None
    model = model_for(item.get("kind"))
    if model is None or not issubclass(model, WorkloadAPI):
        return None
    broken = {f.path[depth] for f in problems if len(f.path) > depth}
    if not broken or broken & _PLACEMENT_FIELDS:
        return None
    if any(len(f.path) <= depth for f in problems):
        return None
    try:
        return model.model_validate({k: v for k, v in item.items() if k not in broken})
    except ValidationError:
        return None


def _validate_apis(
    raw: Any,
    profiles: list[NodeProfile] | None,
    dirs: tuple[Path, Path],
    files: tuple[str, ...],
) -> tuple[list[tuple[int, ApiBase]], list[Finding]]:
    """Each API alone (with its kind's model), then across APIs, then the project folder as
    the bundle the predictor form ships; `dirs` is the spec's folder, resolved and as given;
    `files`, the spec's."""
    findings: list[Finding] = []
    errors = 0
    valid: list[tuple[int, ApiBase]] = []
    for index, item in enumerate(raw or []):
        path = ("apis", index)
        if errors >= limits.MAX_PROBLEMS:
            # Past the bound nothing more is reported, so nothing more is checked.
            findings.append(Finding(path, _STOPPED, "fix the problems above first"))
            break
        api, found = _validate_api(item, path, profiles, dirs)
        findings += found
        errors += sum(f.severity == "error" for f in found)
        if api is not None:
            valid.append((index, api))
    findings += check_unique(valid)
    by_name = {api.name: api for _, api in valid}
    # APIs of the file that did not validate have their own errors: a splitter naming one
    # is not told it is undefined.
    named = [item.get("name") for item in raw or [] if isinstance(item, dict)]
    failed = {name for name in named if isinstance(name, str) and name not in by_name}
    for index, api in valid:
        if isinstance(api, TrafficSplitter):
            findings += check_splitter(api, ("apis", index), by_name, failed)
    workloads = [(index, api) for index, api in valid if isinstance(api, WorkloadAPI)]
    findings += check_bundles(workloads, dirs[0], _inside(files, dirs[0]))
    return valid, findings


def _inside(files: tuple[str, ...], project_dir: Path) -> tuple[str, ...]:
    """The spec's own files inside `project_dir`, as relative POSIX paths, sorted."""
    inside = []
    for name in files:
        path = Path(name).resolve()
        if path.is_relative_to(project_dir):
            inside.append(path.relative_to(project_dir).as_posix())
    return tuple(sorted(inside))


def _validate_api(
    item: Any, path: Path_, profiles: list[NodeProfile] | None, dirs: tuple[Path, Path]
) -> tuple[ApiBase | None, list[Finding]]:
    kind = item.get("kind") if isinstance(item, dict) else None
    model = model_for(kind)
    if model is None:
        return None, [kind_finding(path, kind, isinstance(item, dict))]
    api, findings = _validate(model, item, path)
    # Refused at its kind whether or not its fields are valid: fixing them would not deploy it.
    if kind in NOT_DEPLOYABLE:
        findings.append(not_deployable(path, kind))
    if api is None:
        probe = _placement_probe(item, findings, len(path))
        if probe is not None and profiles is not None:
            findings += check_placement(probe, path, profiles)
        return None, findings
    if isinstance(api, JobAPI):
        findings += check_job(api, path)
    if isinstance(api, WorkloadAPI):
        findings += check_api(api, path, dirs[0], dirs[1])
        if profiles is not None:
            findings += check_placement(api, path, profiles)
    return api, findings


def _read_root(
    path: str | Path, cluster_config: str | Path | None, sources: dict[str, SourceText]
) -> MapNode:
    """The spec's located tree: the cortex.yaml alone, or paired with a Cortex cluster.yaml;
    the files' text lands in `sources`."""
    api_node = read(path, sources)
    if cluster_config is not None:
        return pair(api_node, read(cluster_config, sources), str(path), str(cluster_config))
    return combined(api_node, str(path), sources.get(str(path)))
