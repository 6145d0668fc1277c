"""`load_spec`: the one way to read a spec, turning every mistake into a located SpecError.

Accepted inputs:
- one `cortex.yaml` mapping with `cluster:`, `apis:` and optional `environments:`;
- a Cortex v0.42 pair: `cortex.yaml` as a YAML list of APIs, plus `cluster.yaml`.

Structural errors of the cluster and of each API are collected independently, and the
cross-field rules run on every part that parsed, so one run reports every problem it can.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cortex_spec import catalog
from cortex_spec.diagnostics import Finding, findings_from_validation, to_problems
from cortex_spec.environments import apply_environment, check_overrides, environment_names
from cortex_spec.errors import Location, Problem, SpecError
from cortex_spec.models.api import CORTEX_KINDS, SUPPORTED_KINDS, RealtimeAPI
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.node_profiles import NodeProfile, profile, system_profile
from cortex_spec.rules.api_rules import check_api, check_unique
from cortex_spec.rules.cluster_rules import check_cluster
from cortex_spec.rules.compute_fit import check_placement
from cortex_spec.source import (
    Entry,
    MapNode,
    Node,
    ScalarNode,
    SeqNode,
    SourceText,
    parse_yaml,
    to_plain,
)

_TOP_LEVEL = ("cluster", "apis", "environments")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Spec:
    """A validated spec, resolved for one environment."""

    cluster: ClusterConfig
    apis: tuple[RealtimeAPI, ...]
    environment: str | None
    project_dir: Path
    files: tuple[str, ...]
    warnings: tuple[Problem, ...]

    @property
    def profiles(self) -> list[NodeProfile]:
        """The worker node groups, resolved (AMI, taints, allocatable, managed groups)."""
        return [profile(group) for group in self.cluster.worker_groups]

    @property
    def system_profile(self) -> NodeProfile:
        return system_profile(self.cluster.system_node_group)

    def api(self, name: str) -> RealtimeAPI:
        for api in self.apis:
            if api.name == name:
                return api
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
    api_node = _read(path, sources)
    if cluster_config is not None:
        root = _pair(api_node, _read(cluster_config, sources), str(path), str(cluster_config))
    else:
        root = _combined(api_node, str(path))
    _raise_if(check_overrides(root) + _top_level(root), root, sources)

    names = environment_names(root)
    if environment is not None and environment not in names and environment_required:
        known = ", ".join(names) if names else "none are defined"
        where = Location(str(path), 1, 1)
        raise SpecError(
            [
                Problem(
                    where,
                    "environments",
                    f'environment "{environment}" is not defined (known: {known})',
                    "add it under environments:, or pick a defined one",
                )
            ]
        )
    merged = apply_environment(root, environment or "")
    data = to_plain(merged)
    project_dir = Path(path).resolve().parent
    cluster, findings = _validate(ClusterConfig, data.get("cluster"), ("cluster",))
    apis, api_findings = _validate_apis(data.get("apis"), cluster, project_dir)
    findings += api_findings
    if cluster is not None:
        findings += check_cluster(cluster)
    errors = [f for f in findings if f.severity == "error"]
    _raise_if(errors, merged, sources, data)
    warnings = [f for f in findings if f.severity == "warning"]
    assert cluster is not None
    return Spec(
        cluster=cluster,
        apis=tuple(apis),
        environment=environment if environment in names else None,
        project_dir=project_dir,
        files=tuple(sources),
        warnings=tuple(to_problems(warnings, merged, data, sources)),
    )


def _read(path: str | Path, sources: dict[str, SourceText]) -> Node | None:
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(
            [
                Problem(
                    None,
                    "",
                    f"{name}: no such file",
                    "check the path; it is relative to the current directory",
                )
            ]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(
            [
                Problem(
                    None,
                    "",
                    f"{name}: cannot read the file ({exc})",
                    "make sure it is a readable UTF-8 text file",
                )
            ]
        ) from None
    node, source = parse_yaml(text, name)
    sources[name] = source
    if node is None or (isinstance(node, ScalarNode) and node.value is None):
        raise SpecError(
            [
                Problem(
                    Location(name, 1, 1),
                    "",
                    "the file is empty",
                    "add the cluster: and apis: sections (see examples/)",
                )
            ]
        )
    return node


def _combined(node: Node | None, name: str) -> MapNode:
    if isinstance(node, SeqNode):
        raise SpecError(
            [
                Problem(
                    Location(name, 1, 1),
                    "",
                    "this is a Cortex v0.42 API list, which needs its cluster configuration",
                    "pass --cluster-config cluster.yaml (Pulumi: cortex:clusterConfig)",
                    None,
                )
            ]
        )
    if not isinstance(node, MapNode):
        loc = node.loc if node else Location(name, 1, 1)
        raise SpecError(
            [
                Problem(
                    loc,
                    "",
                    "the spec must be a mapping with cluster: and apis:",
                    "see examples/cpu/cortex.yaml for the layout",
                )
            ]
        )
    return node


def _pair(
    api_node: Node | None, cluster_node: Node | None, api_name: str, cluster_name: str
) -> MapNode:
    if not isinstance(cluster_node, MapNode):
        loc = cluster_node.loc if cluster_node else Location(cluster_name, 1, 1)
        raise SpecError(
            [
                Problem(
                    loc,
                    "cluster",
                    "the cluster configuration must be a mapping",
                    "write cluster fields at the top level, e.g. region: us-west-2",
                )
            ]
        )
    cluster_entry = Entry(Location(cluster_name, 1, 1), cluster_node)
    if isinstance(api_node, MapNode):
        if "cluster" in api_node.entries:
            entry = api_node.entries["cluster"]
            raise SpecError(
                [
                    Problem(
                        entry.key_loc,
                        "cluster",
                        f"the cluster is configured both here and in {cluster_name}",
                        "drop --cluster-config, or remove this cluster: section",
                    )
                ]
            )
        return MapNode(api_node.loc, {"cluster": cluster_entry, **api_node.entries})
    if not isinstance(api_node, SeqNode):
        loc = api_node.loc if api_node else Location(api_name, 1, 1)
        raise SpecError(
            [
                Problem(
                    loc,
                    "",
                    "a Cortex API file must be a YAML list of APIs",
                    "start each API with `- name: ...`",
                )
            ]
        )
    return MapNode(api_node.loc, {"cluster": cluster_entry, "apis": Entry(api_node.loc, api_node)})


def _top_level(root: MapNode) -> list[Finding]:
    findings = []
    for key in root.entries:
        if key not in _TOP_LEVEL:
            close = catalog.suggest(key, list(_TOP_LEVEL))
            findings.append(
                Finding(
                    (key,),
                    f"unknown field '{key}'" + (f"; did you mean '{close[0]}'?" if close else ""),
                    "the top level holds cluster:, apis: and environments:",
                )
            )
    if "cluster" not in root.entries:
        findings.append(Finding((), "cluster is required", "add a cluster: section"))
    apis = root.get("apis")
    if (
        apis is not None
        and not isinstance(apis, SeqNode)
        and not (isinstance(apis, ScalarNode) and apis.value is None)
    ):
        findings.append(
            Finding(("apis",), "must be a list of APIs", "start each API with `- name:`")
        )
    return findings


def _raise_if(
    findings: list[Finding], root: Node, sources: dict[str, SourceText], data: Any = None
) -> None:
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        plain = to_plain(root) if data is None else data
        raise SpecError(to_problems(errors, root, plain, sources))


def _validate(
    model: type[M], data: Any, prefix: tuple[str | int, ...]
) -> tuple[M | None, list[Finding]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, findings_from_validation(exc, model, data, prefix)


def _validate_apis(
    raw: Any, cluster: ClusterConfig | None, project_dir: Path
) -> tuple[list[RealtimeAPI], list[Finding]]:
    findings: list[Finding] = []
    valid: list[tuple[int, RealtimeAPI]] = []
    profiles = [profile(g) for g in cluster.worker_groups] if cluster is not None else None
    for index, item in enumerate(raw or []):
        path = ("apis", index)
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind in CORTEX_KINDS and kind not in SUPPORTED_KINDS:
            findings.append(
                Finding(
                    (*path, "kind"),
                    f"kind {kind} is not supported yet",
                    "cortex-infra serves RealtimeAPI; keep this API on Cortex or "
                    "change it to a RealtimeAPI",
                )
            )
            continue
        api, problems = _validate(RealtimeAPI, item, path)
        findings += problems
        if api is None:
            continue
        valid.append((index, api))
        findings += check_api(api, path, project_dir)
        if profiles is not None:
            findings += check_placement(api, path, profiles)
    findings += check_unique(valid)
    return [api for _, api in valid], findings
