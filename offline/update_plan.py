"""The steps `pulumi up` takes for a diff, in the order the Pulumi engine takes them.

From pulumi/pulumi `pkg/resource/deploy` (step_generator.go, deployment_executor.go):

1. As the program registers resources (dependencies first), each changed one gets its steps
   at once: `create`, `update`, or for a replacement `create-replacement`, its old instance
   kept for later (`GenerateSteps` … "the delete step is generated later on, after all
   creates/updates finish"). A delete-before-replace replacement instead runs the chain
   delete the dependents that must be replaced too (reverse dependency order), delete the
   old instance, create the new one (`calculateDependentReplacements`, then
   `NewDeleteReplacementStep` … `NewCreateReplacementStep`).
2. When the program has finished, `GenerateDeletes` deletes the replaced old instances and
   the resources the program no longer registers, and `ScheduleDeletes` orders them in
   reverse dependency order (dependents first), in antichains that may run in parallel.

Steps of one chain run in order; steps of different chains run in parallel unless one
resource depends on the other (`happens_before`). A replacement's dependents may be
replaced or updated too although their inputs did not change (`replacement_mode.cascades`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from offline.diff import GraphDiff
from offline.graph import PlannedResource
from offline.replacement_mode import cascades, delete_before_replace, fresh_on_replace
from offline.replacement_mode import reads_changed as _reads

StepOp = Literal["create", "update", "create-replacement", "delete-replaced", "delete"]


@dataclass(frozen=True)
class Step:
    index: int  # 1-based, in simulated order
    op: StepOp
    urn: str
    chain: int  # steps of one chain run in this order
    phase: int  # 1: while the program registers resources; 2: the deletes after it
    cause: str = ""  # why a resource the diff left alone changes (a cascade)

    def to_dict(self) -> dict[str, Any]:
        out = {"index": self.index, "op": self.op, "urn": self.urn}
        return out | ({"cause": self.cause} if self.cause else {})


@dataclass(frozen=True)
class UpdatePlan:
    base: Mapping[str, PlannedResource]
    head: Mapping[str, PlannedResource]
    steps: tuple[Step, ...]
    # Every replaced URN → whether its old instance goes first (cascades included).
    delete_first: Mapping[str, bool]
    _closure: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def depends(self, urn: str, on: str) -> bool:
        """Whether HEAD's `urn` depends on `on`, directly or through others."""
        return on in _closure(self.head, urn, self._closure)

    def happens_before(self, first: Step, then: Step) -> bool:
        """Whether `first` has finished before `then` starts, whatever the parallelism."""
        if first.index >= then.index:
            return False
        if first.phase != then.phase:
            return first.phase < then.phase
        if first.phase == 2:  # deletes: one antichain after the other
            return first.chain != then.chain
        return first.chain == then.chain or self.depends(then.urn, first.urn)


def short_name(urn: str) -> str:
    """`ListenerRule serving-lb-api-rule`: a URN as people read it (logical names repeat
    across types)."""
    parts = urn.split("::")
    kind = parts[-2].rsplit(":", 1)[-1] if len(parts) > 2 else ""
    return f"{kind} {parts[-1]}".strip()


def is_component(resource: PlannedResource) -> bool:
    """The project's own component resources: no provider, no cloud object."""
    return resource.type.startswith("cortex:")


def _requires(resource: PlannedResource) -> set[str]:
    found = set(resource.dependencies)
    for urns in resource.property_dependencies.values():
        found.update(urns)
    if resource.provider:
        found.add(resource.provider)
    return found


def _closure(
    graph: Mapping[str, PlannedResource], urn: str, memo: dict[str, frozenset[str]]
) -> frozenset[str]:
    if urn not in memo:
        memo[urn] = frozenset()  # a cycle cannot exist in a Pulumi graph; guard anyway
        direct = {u for u in _requires(graph[urn]) if u in graph} if urn in graph else set()
        found = set(direct)
        for dependency in direct:
            found |= _closure(graph, dependency, memo)
        memo[urn] = frozenset(found)
    return memo[urn]


def dependency_order(graph: Mapping[str, PlannedResource], urns: Iterable[str]) -> list[str]:
    """`urns` with every dependency before its dependents; ties by URN (deterministic)."""
    wanted = set(urns)
    needs = {u: {d for d in _requires(graph[u]) if d in wanted and d != u} for u in wanted}
    users: dict[str, list[str]] = {}
    for urn, deps in needs.items():
        for dependency in deps:
            users.setdefault(dependency, []).append(urn)
    ready = [u for u, deps in needs.items() if not deps]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        urn = heapq.heappop(ready)
        order.append(urn)
        for user in users.get(urn, ()):
            needs[user].discard(urn)
            if not needs[user]:
                heapq.heappush(ready, user)
    return order + sorted(wanted - set(order))


def plan_update(diff: GraphDiff) -> UpdatePlan:
    """The engine's steps for `diff`, cascades included."""
    planner = _Planner(diff)
    steps = planner.registration_steps()
    steps += planner.delete_steps(len(steps))
    return UpdatePlan(planner.base, planner.head, tuple(steps), planner.delete_first)


class _Planner:
    def __init__(self, diff: GraphDiff) -> None:
        self.base = {r.urn: r for r in diff.base.resources if not is_component(r)}
        self.head = {r.urn: r for r in diff.head.resources if not is_component(r)}
        self.ops = {c.urn: c.op for c in diff.changes if c.urn in self.base or c.urn in self.head}
        self.order = dependency_order(self.head, self.head)
        self.causes: dict[str, str] = {}
        self.delete_first: dict[str, bool] = {}
        # A dependent deleted in a delete-before-replace chain → the chain's root.
        self.root_of: dict[str, str] = {}
        for urn in self.order:
            if urn not in self.base:
                continue
            if self.ops.get(urn) != "replace":
                self._cascade(urn)
            if self.ops.get(urn) == "replace" and urn not in self.root_of:
                self.delete_first[urn] = delete_before_replace(self.base[urn], self.head[urn])

    def _cascade(self, urn: str) -> None:
        """Replace or update `urn` when what it reads is recreated (see module docstring)."""
        old, new = self.base[urn], self.head[urn]
        # The engine substitutes unknowns for what a delete-before-replace root changes.
        condemned = {u for u in _requires(old) if self.delete_first.get(u)}
        recreated = {
            u
            for u in _requires(new)
            if u in self.head
            and self.ops.get(u) in ("create", "replace")
            and fresh_on_replace(self.head[u])
        }
        key = cascades(old, condemned)
        if key is not None:
            source = min(u for u in condemned if u in old.property_dependencies[key])
            self.ops[urn], self.root_of[urn] = "replace", self.root_of.get(source, source)
            self.delete_first[urn] = True
            self.causes[urn] = f"`{key}` reads {short_name(source)}, deleted before its replacement"
            return
        key = cascades(new, recreated)
        if key is not None:
            source = min(u for u in recreated if u in new.property_dependencies[key])
            self.ops[urn] = "replace"
            self.causes[urn] = f"`{key}` reads {short_name(source)}, which gets a new ID"
        elif urn not in self.ops and _reads(new, recreated):
            self.ops[urn] = "update"
            sources = ", ".join(short_name(u) for u in sorted(recreated & _requires(new)))
            self.causes[urn] = f"reads {sources}, which get new IDs"

    def registration_steps(self) -> list[Step]:
        steps: list[Step] = []
        deleted: set[str] = set()

        def add(op: StepOp, urn: str, chain: int) -> None:
            steps.append(Step(len(steps) + 1, op, urn, chain, 1, self.causes.get(urn, "")))

        for chain, urn in enumerate(self.order, start=1):
            op = self.ops.get(urn)
            if op == "create":
                add("create", urn, chain)
            elif op == "update":
                add("update", urn, chain)
            elif op == "replace":
                if self.delete_first.get(urn) and urn not in deleted:
                    chained = [u for u, r in self.root_of.items() if r == urn and u not in deleted]
                    for dependent in reversed(dependency_order(self.base, chained)):
                        add("delete-replaced", dependent, chain)
                        deleted.add(dependent)
                    add("delete-replaced", urn, chain)
                    deleted.add(urn)
                add("create-replacement", urn, chain)
        return steps

    def delete_steps(self, offset: int) -> list[Step]:
        """Replaced old instances and removed resources, dependents first, layer by layer."""
        condemned = {u for u in self.base if u not in self.head} | {
            u for u, op in self.ops.items() if op == "replace" and not self.delete_first.get(u)
        }
        needs = {u: {d for d in _requires(self.base[u]) if d in condemned} for u in condemned}
        depth: dict[str, int] = {}

        def height(urn: str) -> int:
            if urn not in depth:
                depth[urn] = 0
                depth[urn] = 1 + max((height(d) for d in needs[urn]), default=-1)
            return depth[urn]

        steps: list[Step] = []
        for urn in sorted(condemned, key=lambda u: (-height(u), u)):
            op: StepOp = "delete" if urn not in self.head else "delete-replaced"
            steps.append(Step(offset + len(steps) + 1, op, urn, -height(urn), 2))
        return steps
