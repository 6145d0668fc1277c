"""Which API or node group a changed resource belongs to, derived from the graph and specs.

A reviewer reads a diff per API and per node group. Nothing in a Pulumi graph says "this is
the sentiment API", so the group is inferred, most specific evidence first:

1. markers the program sets on purpose: Kubernetes `metadata.name` `api-<name>`
   (`naming.deployment_name`), `cortex.dev/api` / `cortex.dev/node-group` labels and tags,
   an EKS node group's `nodeGroupName`, an API's target group name;
2. the parent: a child belongs where its component belongs;
3. the logical name, when it contains an API or node-group name between dashes
   (`serving-sentiment-hpa`, `platform-gpu-spot-lt`);
4. otherwise the shared cluster resources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from cortex_spec import Spec, naming
from cortex_spec.node_profiles import NODE_GROUP_LABEL
from offline.graph import PlannedResource

Kind = Literal["api", "node group", "cluster"]


@dataclass(frozen=True)
class Group:
    kind: Kind
    name: str

    @property
    def title(self) -> str:
        if self.kind == "api":
            return self.name
        if self.kind == "node group":
            return f"node group {self.name}"
        return "cluster"

    @property
    def order(self) -> tuple[int, str]:
        return ({"api": 0, "node group": 1, "cluster": 2}[self.kind], self.name)


CLUSTER: Final = Group("cluster", "")
# Images carry `cortex.dev/api` in their image labels when they belong to one API; a base
# image serves every API of its variant, whatever its name says (`-base-cpu` is no node group).
IMAGE_TYPE: Final = "docker-build:index:Image"


@dataclass(frozen=True)
class Names:
    """API and node-group names of the specs on both sides of a diff."""

    apis: frozenset[str] = frozenset()
    # managed EKS node group name (`gpu-spot-on-demand`) → spec node group (`gpu-spot`)
    managed: Mapping[str, str] = field(default_factory=dict)
    target_groups: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_specs(cls, specs: Iterable[Spec | None]) -> Names:
        apis: set[str] = set()
        managed: dict[str, str] = {}
        target_groups: dict[str, str] = {}
        for spec in specs:
            if spec is None:
                continue
            for api in (*spec.apis, *spec.jobs):
                apis.add(api.name)
                target_groups[naming.target_group_name(spec.cluster.name, api.name)] = api.name
            for profile in [spec.system_profile, *spec.profiles]:
                managed[profile.name] = profile.name
                for group in profile.groups:
                    managed[group.name] = profile.name
        return cls(frozenset(apis), managed, target_groups)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _tokens(text: str) -> list[str]:
    return [t for t in text.replace("_", "-").split("-") if t]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


class Grouper:
    """Assigns groups; one instance per diff (it caches parents' groups)."""

    def __init__(self, names: Names, *graphs: Iterable[PlannedResource]) -> None:
        self.names = names
        self.by_urn: dict[str, PlannedResource] = {}
        for graph in graphs:
            for resource in graph:
                self.by_urn.setdefault(resource.urn, resource)
        self._cache: dict[str, Group] = {}

    def group(self, resource: PlannedResource) -> Group:
        cached = self._cache.get(resource.urn)
        if cached is not None:
            return cached
        found = self._marked(resource)
        if found is None and resource.type == IMAGE_TYPE:
            found = CLUSTER
        if found is None and resource.parent in self.by_urn:
            parent = self.group(self.by_urn[resource.parent])
            found = parent if parent != CLUSTER else None
        if found is None:
            found = self._by_name(resource.name) or CLUSTER
        self._cache[resource.urn] = found
        return found

    def _api(self, name: Any) -> Group | None:
        return Group("api", name) if isinstance(name, str) and name in self.names.apis else None

    def _node_group(self, name: Any) -> Group | None:
        spec_group = self.names.managed.get(name) if isinstance(name, str) else None
        return Group("node group", spec_group) if spec_group else None

    def _marked(self, resource: PlannedResource) -> Group | None:
        inputs = resource.inputs
        metadata = _mapping(inputs.get("metadata"))
        labels = _mapping(metadata.get("labels"))
        tags = _mapping(inputs.get("tags"))
        candidates: list[Group | None] = [
            self._api(labels.get(naming.API_TAG)),
            self._api(tags.get(naming.API_TAG)),
            self._node_group(labels.get(NODE_GROUP_LABEL)),
            self._node_group(tags.get(NODE_GROUP_LABEL)),
        ]
        if resource.type == IMAGE_TYPE:
            candidates.append(self._api(_mapping(inputs.get("labels")).get(naming.API_TAG)))
        name = metadata.get("name")
        if isinstance(name, str) and name.startswith("api-"):
            candidates.append(self._api(name.removeprefix("api-")))
        if resource.type == "aws:eks/nodeGroup:NodeGroup":
            candidates.append(self._node_group(inputs.get("nodeGroupName")))
            node_labels = _mapping(inputs.get("labels"))
            candidates.append(self._node_group(node_labels.get(NODE_GROUP_LABEL)))
        if resource.type == "aws:lb/targetGroup:TargetGroup":
            candidates.append(self._api(self.names.target_groups.get(str(inputs.get("name")))))
        return next((c for c in candidates if c is not None), None)

    def _by_name(self, logical: str) -> Group | None:
        tokens = _tokens(logical)
        best: tuple[int, int, Group] | None = None
        for api in self.names.apis:
            for needle in (_tokens(naming.deployment_name(api)), _tokens(api)):
                if _contains(tokens, needle):
                    score = (len(needle), 1, Group("api", api))
                    best = score if best is None or score[:2] > best[:2] else best
        for managed, spec_group in self.names.managed.items():
            needle = _tokens(managed)
            if _contains(tokens, needle):
                score = (len(needle), 0, Group("node group", spec_group))
                best = score if best is None or score[:2] > best[:2] else best
        return best[2] if best else None
