"""Two resource graphs compared by URN, field by field, each change classified.

`create` and `delete` come from URNs present on one side only; a resource on both sides
with different inputs is an `update`, or a `replace` when a changed field is in the replace
table (`replacements.py`) or in the resource's `replaceOnChanges` option. Fields under
`ignoreChanges` are left out, as Pulumi leaves them alone. Only inputs are compared: an
offline plan has no provider-computed outputs, and deployed state's outputs would always
differ from the mock's.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from offline.graph import SECRET, PlanGraph, PlannedResource, is_masked
from offline.paths import MISSING, Path, covers, format_path, parse_path
from offline.replace_matcher import replacing_rule
from offline.replace_rule import Rule
from offline.replacement_mode import delete_before_replace
from offline.replacements import rules_for

Op = Literal["create", "update", "replace", "delete"]
OPS: Final[tuple[Op, ...]] = ("create", "replace", "update", "delete")
STACK_TYPE: Final = "pulumi:pulumi:Stack"
# Provider inputs that hold credentials: never shown, even when not marked secret.
_CREDENTIALS: Final = {
    "pulumi:providers:aws": ("accessKey", "secretKey", "token"),
    "pulumi:providers:kubernetes": ("kubeconfig",),
}
# Options whose change matters to a reviewer although no provider call follows.
_OPTIONS: Final = ("protect", "retainOnDelete")


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any
    after: Any
    replaces: bool
    rule: Rule | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "before": self.before,
            "after": self.after,
            "replaces": self.replaces,
        }


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    type: str
    name: str
    op: Op
    fields: tuple[FieldChange, ...]
    resource: PlannedResource
    # Head resources that take an input from this one: a replaced resource gets a new ID,
    # and they may change with it in ways the offline diff cannot see.
    dependents: tuple[str, ...] = ()
    # The order the engine replaces it in: the option, else the provider's own answer
    # (replacement_mode.py), e.g. pulumi-aws for an explicit name.
    delete_before_replace: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "op": self.op,
            "fields": [f.to_dict() for f in self.fields],
        }
        if self.op == "replace":
            out["delete_before_replace"] = self.delete_before_replace
        return out


@dataclass(frozen=True)
class GraphDiff:
    """The changes, and both graphs with URNs in the engine's form."""

    base: PlanGraph
    head: PlanGraph
    changes: tuple[ResourceChange, ...]
    unknown_types: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        return {op: sum(1 for c in self.changes if c.op == op) for op in OPS}


def diff_graphs(base: PlanGraph, head: PlanGraph) -> GraphDiff:
    """Every resource that differs between `base` and `head`, sorted by URN."""
    base, head = canonical(base), canonical(head)
    old = {r.urn: r for r in base.resources}
    new = {r.urn: r for r in head.resources}
    dependents: dict[str, list[str]] = {}
    for resource in new.values():
        for dependency in resource.dependencies:
            dependents.setdefault(dependency, []).append(resource.urn)
    changes: list[ResourceChange] = []
    for urn in sorted(old.keys() | new.keys()):
        change = _compare(old.get(urn), new.get(urn), tuple(sorted(dependents.get(urn, ()))))
        if change is not None:
            changes.append(change)
    unknown = sorted({c.type for c in changes if rules_for(c.type) is None})
    return GraphDiff(base=base, head=head, changes=tuple(changes), unknown_types=tuple(unknown))


def _compare(
    old: PlannedResource | None, new: PlannedResource | None, dependents: tuple[str, ...]
) -> ResourceChange | None:
    if new is None and old is not None:
        return _whole(old, "delete", comparable(old), dependents)
    if old is None and new is not None:
        return _whole(new, "create", comparable(new), ())
    assert old is not None
    assert new is not None
    before, after = comparable(old), comparable(new)
    ignored = tuple(parse_path(p) for p in new.options.get("ignoreChanges", ()))
    extra = tuple(parse_path(p) for p in new.options.get("replaceOnChanges", ()))
    fields: list[FieldChange] = []
    for path, was, now in leaf_changes(before, after, ()):
        if any(covers(pattern, path) for pattern in ignored):
            continue
        if _opaque_secret(was, now):
            continue
        rule = replacing_rule(new.type, path, before, after, extra)
        fields.append(FieldChange(format_path(path), was, now, rule is not None, rule))
    if old.provider != new.provider:
        fields.append(FieldChange("[provider]", old.provider or None, new.provider or None, False))
    for option in _OPTIONS:
        if old.options.get(option) != new.options.get(option):
            fields.append(
                FieldChange(
                    f"[options].{option}", old.options.get(option), new.options.get(option), False
                )
            )
    if not fields:
        return None
    op: Op = "replace" if any(f.replaces for f in fields) else "update"
    return ResourceChange(
        urn=new.urn,
        type=new.type,
        name=new.name,
        op=op,
        fields=tuple(fields),
        resource=new,
        dependents=dependents if op == "replace" else (),
        delete_before_replace=op == "replace" and delete_before_replace(old, new),
    )


def _opaque_secret(before: Any, after: Any) -> bool:
    """A secret read from deployed state (`[secret]`: ciphertext there) against the plan's
    markers of the same field: the two cannot be compared, and are not called a change."""
    return (before == SECRET and is_masked(after)) or (after == SECRET and is_masked(before))


def _whole(
    resource: PlannedResource, op: Op, inputs: dict[str, Any], dependents: tuple[str, ...]
) -> ResourceChange:
    """A created or deleted resource lists its top-level inputs."""
    fields = tuple(
        FieldChange(
            format_path((key,)),
            inputs[key] if op == "delete" else None,
            inputs[key] if op == "create" else None,
            False,
        )
        for key in sorted(inputs)
    )
    return ResourceChange(
        urn=resource.urn,
        type=resource.type,
        name=resource.name,
        op=op,
        fields=fields,
        resource=resource,
        dependents=dependents,
    )


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(v, dict | list) for v in value)


def leaf_changes(before: Any, after: Any, path: Path) -> Iterator[tuple[Path, Any, Any]]:
    """(path, before, after) of every differing leaf; lists of scalars count as one leaf."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            yield from leaf_changes(before.get(key, MISSING), after.get(key, MISSING), (*path, key))
        return
    both_lists = isinstance(before, list) and isinstance(after, list)
    if both_lists and not (_is_scalar_list(before) and _is_scalar_list(after)):
        for index in range(max(len(before), len(after))):
            was = before[index] if index < len(before) else MISSING
            now = after[index] if index < len(after) else MISSING
            yield from leaf_changes(was, now, (*path, index))
        return
    yield path, None if before is MISSING else before, None if after is MISSING else after


def comparable(resource: PlannedResource) -> dict[str, Any]:
    """Inputs as the diff compares them: credentials masked, provider config parsed.

    Provider SDKs send structured provider config (`defaultTags`) as JSON strings whose
    spacing varies between writers; parsed, equal config compares equal.
    """
    inputs = dict(resource.inputs)
    if resource.type.startswith("pulumi:providers:"):
        for key, value in inputs.items():
            if isinstance(value, str) and value[:1] in "{[":
                with contextlib.suppress(ValueError):
                    inputs[key] = json.loads(value)
        for key in _CREDENTIALS.get(resource.type, ()):
            if key in inputs:
                inputs[key] = SECRET
    return inputs


def _qualified_types(graph: PlanGraph) -> dict[str, str]:
    """URN → the type chain the Pulumi engine gives it (parent's chain, then its type).

    The mock monitor qualifies a child with its parent's last type only and prefixes top-level
    resources with `pulumi:pulumi:Stack`; the engine does neither (`resource.NewURN`), and
    deployed state holds the engine's URNs.
    """
    by_urn = {r.urn: r for r in graph.resources}
    chains: dict[str, str] = {}

    def chain(urn: str) -> str:
        if urn not in chains:
            resource = by_urn[urn]
            parent = resource.parent
            if parent and parent in by_urn and by_urn[parent].type != STACK_TYPE:
                chains[urn] = f"{chain(parent)}${resource.type}"
            else:
                chains[urn] = resource.type
        return chains[urn]

    for urn in by_urn:
        chain(urn)
    return chains


def canonical(graph: PlanGraph) -> PlanGraph:
    """The graph with every URN (and reference to one) in the engine's form."""
    chains = _qualified_types(graph)
    renamed = {
        r.urn: f"urn:pulumi:{graph.stack}::{graph.project}::{chains[r.urn]}::{r.name}"
        for r in graph.resources
    }
    if all(old == new for old, new in renamed.items()):
        return graph

    def ref(urn: str) -> str:
        return renamed.get(urn, urn)

    resources = tuple(
        sorted(
            (
                PlannedResource(
                    urn=ref(r.urn),
                    type=r.type,
                    name=r.name,
                    parent=ref(r.parent) if r.parent else "",
                    provider=ref(r.provider) if r.provider else "",
                    dependencies=tuple(sorted(ref(d) for d in r.dependencies)),
                    inputs=r.inputs,
                    options=r.options,
                    property_dependencies={
                        key: tuple(sorted(ref(u) for u in urns))
                        for key, urns in r.property_dependencies.items()
                    },
                )
                for r in graph.resources
            ),
            key=lambda r: r.urn,
        )
    )
    return PlanGraph(
        stack=graph.stack,
        project=graph.project,
        resources=resources,
        outputs=graph.outputs,
        warnings=graph.warnings,
    )
