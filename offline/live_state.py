"""The resources that exist in the cloud at one step of a simulated update.

An instance is one physical object: a URN's deployed instance (generation 0) or the one its
replacement creates (generation 1). Its inputs are what the engine sends: HEAD's inputs,
except that a path under `ignoreChanges` keeps its BASE value, for updates and replacements
alike (pulumi `step_generator.go` `continueStepsFromImport` → `processIgnoreChanges`).

Each instance records, when it is created or updated, which instance of every dependency it
points to: a listener created for a replaced load balancer belongs to the new one, the old
listener to the old one, although both name the same URN.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from offline.graph import PlannedResource
from offline.identity import HELM, KUBERNETES, Identity, Owner
from offline.paths import MISSING, Path, parse_path, value_at
from offline.update_plan import Step, UpdatePlan


@dataclass(frozen=True)
class Instance:
    urn: str
    generation: int
    resource: PlannedResource  # effective inputs
    created_at: int  # the step that created it; 0 when deployed before the update
    refs: tuple[tuple[str, str], ...]  # dependency URN → the instance it points to

    @property
    def id(self) -> str:
        return f"{self.urn}#{self.generation}"

    @property
    def type(self) -> str:
        return self.resource.type

    def ref(self, urn: str) -> str:
        return dict(self.refs).get(urn, f"{urn}#?")


def _put(target: Any, path: Path, value: Any) -> None:
    for segment in path[:-1]:
        target = target[segment]
    target[path[-1]] = value


def effective(old: PlannedResource | None, new: PlannedResource) -> PlannedResource:
    """`new` as the engine sends it: ignored paths keep `old`'s inputs. A path missing on
    either side is left as HEAD has it (the engine reports those and does the same)."""
    if old is None or not new.options.get("ignoreChanges"):
        return new
    inputs = copy.deepcopy(new.inputs)
    for text in new.options["ignoreChanges"]:
        path = parse_path(text)
        was, now = value_at(old.inputs, path), value_at(inputs, path)
        if path and was is not MISSING and now is not MISSING:
            _put(inputs, path, copy.deepcopy(was))
    return replace(new, inputs=inputs)


def dependencies(resource: PlannedResource) -> list[str]:
    found = set(resource.dependencies) | {resource.provider} - {""}
    for urns in resource.property_dependencies.values():
        found.update(urns)
    return sorted(found)


class LiveState:
    """The live instances, stepped through an `UpdatePlan`."""

    def __init__(self, plan: UpdatePlan) -> None:
        self.plan = plan
        self.by_urn: dict[str, dict[int, Instance]] = {}
        for urn, resource in plan.base.items():
            refs = tuple((d, f"{d}#0") for d in dependencies(resource))
            self.by_urn[urn] = {0: Instance(urn, 0, resource, 0, refs)}

    def instances(self) -> list[Instance]:
        return [i for generations in self.by_urn.values() for i in generations.values()]

    def newest(self, urn: str) -> Instance | None:
        generations = self.by_urn.get(urn) or {}
        return generations[max(generations)] if generations else None

    def _instance(self, urn: str, generation: int, created_at: int) -> Instance:
        resource = effective(self.plan.base.get(urn), self.plan.head[urn])
        refs = []
        for dependency in dependencies(resource):
            current = self.newest(dependency)
            refs.append((dependency, current.id if current else f"{dependency}#?"))
        return Instance(urn, generation, resource, created_at, tuple(refs))

    def apply(self, step: Step) -> tuple[Instance | None, Instance | None]:
        """Perform `step`; (the instance it removed or changed, the one it added or made)."""
        generations = self.by_urn.setdefault(step.urn, {})
        old = generations.get(0)
        if step.op in ("delete", "delete-replaced"):
            return generations.pop(0, None), None
        if step.op == "update":  # the same object: new inputs, references taken anew
            made = self._instance(step.urn, 0, old.created_at if old else step.index)
        else:
            made = self._instance(step.urn, 0 if step.op == "create" else 1, step.index)
        generations[made.generation] = made
        return (old if step.op == "update" else None), made

    def _type(self, urn: str) -> str:
        found = self.plan.head.get(urn) or self.plan.base.get(urn)
        return found.type if found else ""

    def scope(self, instance: Instance, row: Identity) -> str:
        """Where `instance`'s key under `row` must be unique (see identity.py)."""
        if row in (KUBERNETES, HELM):
            provider = instance.resource.provider
            return instance.ref(provider) if provider else "default provider"
        if row.owner is None:
            return row.space
        return self._owner(instance, row.owner)

    def _owner(self, instance: Instance, owner: Owner) -> str:
        resource = instance.resource
        candidates = resource.property_dependencies.get(owner.field) or resource.dependencies
        typed = sorted(u for u in candidates if self._type(u) == owner.type)
        if typed:
            return instance.ref(typed[0])
        value = value_at(resource.inputs, parse_path(owner.value_path))
        return f"{owner.what} {value}" if value is not MISSING else f"{owner.what} unknown"
