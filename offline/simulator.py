"""The update simulator: the engine's steps for a diff, every invariant checked after each.

`simulate` walks the steps of `update_plan.plan_update` over the live state
(`live_state.py`) and reports, per step, what AWS or Kubernetes would refuse and where
serving would stop (`invariants.py`):

- a claimed unique key (identity.py) that a live instance still holds, or that a step
  which may run at the same time releases: the engine runs independent steps in parallel,
  so "rule A leaves priority 10, rule B takes it" is a race unless B waits for A;
- a node group created or rescaled with a desired size outside [min, max];
- an API or node group left without capacity, counting only what surely exists at that
  point: instances deployed before, or created by steps that finish before this one;
- a route through the KEDA HTTP interceptor that the interceptor does not know (no
  InterceptorRoute matches its Host and path, or that route's Service is gone), at the
  step that writes the router's routes (counting only InterceptorRoutes and Services as
  surely created or updated by then) or at the step that removes what the routes use
  (`interceptor_routes.py`).

A capacity drop the program itself warns about (a `pulumi.log.warn` naming the API, node
group or culprit resource and saying "downtime") is deliberate: reported, not a violation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from offline import interceptor_routes
from offline.capacity import NODE_GROUP, Capacity
from offline.diff import GraphDiff
from offline.diff_groups import Group, Grouper
from offline.identity import key_of, rows_for
from offline.invariants import Violation
from offline.live_state import Instance, LiveState
from offline.update_plan import Step, UpdatePlan, plan_update
from offline.update_plan import short_name as _name

# Type → (min, desired, max) input paths of a size range the service enforces.
SIZE_RANGES: Final = {NODE_GROUP: ("minSize", "desiredSize", "maxSize")}
Key = tuple[str, ...]


@dataclass(frozen=True)
class Simulation:
    steps: tuple[Step, ...]
    violations: tuple[Violation, ...]
    # Capacity drops the program warns about: shown as warnings, not violations.
    deliberate: tuple[Violation, ...]
    delete_first: Mapping[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "violations": [v.to_dict() for v in self.violations],
            "deliberate": [v.to_dict() for v in self.deliberate],
            "steps": [s.to_dict() for s in self.steps],
        }


def _label(subject: Group) -> str:
    return f"API {subject.name}" if subject.kind == "api" else subject.title


def simulate(diff: GraphDiff, grouper: Grouper) -> Simulation:
    """Every invariant of `invariants.py` over the update from `diff.base` to `diff.head`."""
    plan = plan_update(diff)
    final = LiveState(plan)
    for step in plan.steps:
        final.apply(step)
    checker = _Checker(plan, Capacity(grouper), final.instances())
    for step in plan.steps:
        checker.step(step)
    checker.finish()
    deliberate = [v for v in checker.violations if _warned(v, diff.head.warnings)]
    kept = [v for v in checker.violations if v not in deliberate]
    return Simulation(plan.steps, tuple(kept), tuple(deliberate), plan.delete_first)


def _warned(violation: Violation, warnings: tuple[str, ...]) -> bool:
    if violation.code != "capacity-drop":
        return False
    names = {violation.subject.rsplit(" ", 1)[-1], violation.urn.rsplit("::", 1)[-1]}
    return any(
        "downtime" in text.lower() and any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)
        for text in warnings
    )


class _Checker:
    def __init__(self, plan: UpdatePlan, capacity: Capacity, final: list[Instance]) -> None:
        self.plan, self.capacity = plan, capacity
        self.state = LiveState(plan)
        self.violations: list[Violation] = []
        self.holders: dict[Key, str] = {}
        self.released: list[tuple[Key, Step]] = []
        base = self.state.instances()
        for instance in base:
            for key in self._keys(instance).values():
                self.holders.setdefault(key, instance.id)
        before = {g for i in base if (g := capacity.group(i)).kind != "cluster"}
        after = {g for i in final if (g := capacity.group(i)).kind != "cluster"}
        self.required: dict[Group, set[str]] = {}
        for subject in sorted(before & after, key=lambda g: g.order):
            start, end = capacity.roles(subject, base), capacity.roles(subject, final)
            self.required[subject] = {r for r, ok in start.items() if ok and end[r]}
        self.down: dict[tuple[Group, str], Step] = {}
        # Instance id → its versions, oldest first: (the step that wrote it, 0 before the
        # update; its inputs). What a parallel step sees may still be the older version.
        self.versions: dict[str, list[tuple[int, Instance]]] = {i.id: [(0, i)] for i in base}

    def _keys(self, instance: Instance) -> dict[Key, Key]:
        """Row-level key (code, what, values…) → the same with its scope."""
        found = {}
        for row in rows_for(instance.type):
            key = key_of(row, instance.resource.inputs)
            if key is not None:
                found[(row.code, *key)] = (row.code, self.state.scope(instance, row), *key)
        return found

    def _report(self, code: str, step: Step, message: str, subject: str = "") -> None:
        violation = Violation(code, step.urn, step.index, message, subject)
        if violation not in self.violations:
            self.violations.append(violation)

    def step(self, step: Step) -> None:
        old_keys: dict[Key, Key] = {}
        before = self.state.by_urn.get(step.urn, {}).get(0)
        if before is not None and step.op in ("update", "delete", "delete-replaced"):
            old_keys = self._keys(before)
        removed, made = self.state.apply(step)
        new_keys = self._keys(made) if made is not None else {}
        for key in set(old_keys.values()) - set(new_keys.values()):
            if self.holders.get(key) == f"{step.urn}#0":
                del self.holders[key]
                self.released.append((key, step))
        for key in set(new_keys.values()) - set(old_keys.values()):
            self._claim(key, step, made)
        if made is not None:
            self._sizes(step, removed, made)
            self.versions.setdefault(made.id, []).append((step.index, made))
        self._capacity(step, removed)
        self._interceptor(step, removed, made)

    def _claim(self, key: Key, step: Step, made: Instance | None) -> None:
        assert made is not None
        claimed = " ".join([key[2], *key[3:]])
        if "#" in key[1]:  # scoped to another resource's instance
            claimed += f" of {_name(key[1].rsplit('#', 1)[0])}"
        holder = self.holders.get(key)
        if holder is not None and holder != made.id:
            self._report(
                key[0],
                step,
                f"{step.op} {_name(step.urn)} claims the {claimed}, which "
                f"{_name(holder.rsplit('#', 1)[0])} still holds (its delete comes later)",
            )
        for released, by in self.released:
            if released == key and by.urn != step.urn and not self.plan.happens_before(by, step):
                self._report(
                    key[0],
                    step,
                    f"{step.op} {_name(step.urn)} claims the {claimed}, which step {by.index} "
                    f"({by.op} {_name(by.urn)}) frees in parallel: nothing orders the two",
                )
        self.holders[key] = made.id

    def _sizes(self, step: Step, removed: Instance | None, made: Instance) -> None:
        paths = SIZE_RANGES.get(made.type)
        config = made.resource.inputs.get("scalingConfig")
        if paths is None or not isinstance(config, dict):
            return
        if removed is not None and removed.resource.inputs.get("scalingConfig") == config:
            return  # an update that leaves the scaling config alone sends none
        values = [v for p in paths if isinstance(v := config.get(p), int)]
        if len(values) != len(paths):
            return
        low, desired, high = values
        if not low <= desired <= high:
            ignored = " (ignoreChanges keeps its deployed input)" if removed else ""
            self._report(
                "desired-size-out-of-range",
                step,
                f"{step.op} {_name(step.urn)} sends desiredSize {desired}{ignored} with "
                f"minSize {low} and maxSize {high}; EKS requires min <= desired <= max",
            )

    def _capacity(self, step: Step, removed: Instance | None) -> None:
        """A role drops only where an instance goes or changes, when what surely exists
        (deployed before, or made by a step that finishes first) filled it with the instance
        and does not without it. It is back at the first step after which the instances,
        taken in order, fill it again."""
        everything = self.state.instances()
        for subject, role in [d for d in self.down if d[1] not in self._missing(d[0], everything)]:
            self._drop(subject, role, f"until step {step.index} ({step.op} {_name(step.urn)})")
        if removed is None:
            return
        sure = [
            i
            for i in everything
            if i.created_at == 0
            or self.plan.happens_before(self.plan.steps[i.created_at - 1], step)
        ]
        with_it = [i for i in sure if i.id != removed.id] + [removed]
        for subject in self.required:
            lost = set(self._missing(subject, sure)) - set(self._missing(subject, with_it))
            for role in sorted(lost):
                if (subject, role) in self.down:
                    continue
                self.down[subject, role] = step
                if role not in self._missing(subject, everything):
                    self._drop(subject, role, "while the step making its successor may still run")

    def _interceptor(self, step: Step, removed: Instance | None, made: Instance | None) -> None:
        """Routes through the interceptor only to what it knows: checked when the routes
        are written (against what surely exists by then) and when something they may use
        goes (against what is left)."""
        if made is not None and interceptor_routes.is_routes(made.type, made.resource.inputs):
            live = [self._sure_version(i, step) for i in self.state.instances()]
            sure = [(i.type, i.resource.inputs) for i in live if i is not None]
            for problem in interceptor_routes.unmet(made.resource.inputs, sure):
                self._report(
                    "interceptor-route-missing",
                    step,
                    f"{step.op} {_name(step.urn)} sends through the KEDA interceptor what it "
                    f"may not know yet: {problem}",
                )
            return
        if removed is None or removed.type not in interceptor_routes.SERVED_BY:
            return
        if made is not None and made.resource.inputs == removed.resource.inputs:
            return
        everything = [(i.type, i.resource.inputs) for i in self.state.instances()]
        for routes in self.state.instances():
            if not interceptor_routes.is_routes(routes.type, routes.resource.inputs):
                continue
            for problem in interceptor_routes.unmet(routes.resource.inputs, everything):
                self._report(
                    "interceptor-route-missing",
                    step,
                    f"{step.op} {_name(step.urn)} leaves the router's routes through the KEDA "
                    f"interceptor without what they use: {problem}",
                )

    def _sure_version(self, instance: Instance, step: Step) -> Instance | None:
        """The newest version of `instance` written by a step that finishes before `step`
        (or deployed before the update); None when none is."""
        for written, version in reversed(self.versions.get(instance.id, [(0, instance)])):
            if written == 0 or self.plan.happens_before(self.plan.steps[written - 1], step):
                return version
        return None

    def _missing(self, subject: Group, live: list[Instance]) -> list[str]:
        roles = self.capacity.roles(subject, live)
        return sorted(r for r in self.required[subject] if not roles[r])

    def finish(self) -> None:
        for subject, role in list(self.down):
            self._drop(subject, role, "until the update ends")

    def _drop(self, subject: Group, role: str, until: str) -> None:
        first = self.down.pop((subject, role))
        self._report(
            "capacity-drop",
            first,
            f"{_label(subject)} has no live {role} from step {first.index} "
            f"({first.op} {_name(first.urn)}) {until}",
            f"{subject.kind} {subject.name}",
        )
