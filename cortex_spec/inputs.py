"""The files a spec comes from: one `cortex.yaml`, or a Cortex v0.42 pair, as one tree.

A Cortex pair (an API list plus `cluster.yaml`) becomes the same located tree as a
`cortex.yaml` mapping, with each node still pointing into the file it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cortex_spec import catalog
from cortex_spec.diagnostics import Finding
from cortex_spec.errors import Location, Problem, SpecError
from cortex_spec.models.base import shown
from cortex_spec.reading import read_spec_text
from cortex_spec.source import Entry, MapNode, Node, ScalarNode, SeqNode, SourceText, parse_yaml

TOP_LEVEL = ("cluster", "apis", "environments")


def read(path: str | Path, sources: dict[str, SourceText]) -> Node | None:
    name = str(path)
    text = read_spec_text(path)
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


def combined(node: Node | None, name: str, source: SourceText | None = None) -> MapNode:
    """The spec itself when it is a `cortex.yaml` mapping; anything else is refused."""
    loc = node.loc if node else Location(name, 1, 1)
    excerpt = source.excerpt(loc) if source else None
    if isinstance(node, SeqNode):
        raise SpecError(
            [
                Problem(
                    loc,
                    "",
                    "this is a Cortex v0.42 API list, which needs its cluster configuration",
                    "pass --cluster-config cluster.yaml (Pulumi: cortex:clusterConfig)",
                    excerpt,
                )
            ]
        )
    if not isinstance(node, MapNode):
        raise SpecError(
            [
                Problem(
                    loc,
                    "",
                    "the spec must be a mapping with cluster: and apis:",
                    "see examples/cpu/cortex.yaml for the layout",
                    excerpt,
                )
            ]
        )
    return node


def pair(
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


def top_level(root: MapNode) -> list[Finding]:
    findings = []
    for key in root.entries:
        if key not in TOP_LEVEL:
            close = catalog.suggest(key, list(TOP_LEVEL))
            findings.append(
                Finding(
                    (key,),
                    f"unknown field '{shown(key)}'"
                    + (f"; did you mean '{close[0]}'?" if close else ""),
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


def undefined_environment(
    root: MapNode, name: str, known: list[str], sources: Mapping[str, SourceText], spec: str
) -> Problem:
    """`--env` names an environment the spec does not define."""
    entry = root.entries.get("environments")
    where = entry.key_loc if entry is not None else Location(spec, 1, 1)
    source = sources.get(where.file)
    listed = ", ".join(known) if known else "none are defined"
    return Problem(
        where,
        "environments",
        f'environment "{shown(name)}" is not defined (defined: {listed})',
        "add it under environments:, or pick a defined one",
        source.excerpt(where) if source else None,
    )
