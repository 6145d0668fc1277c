"""The update simulator's scenario corpus: `scenarios/<name>/` holds base.yaml, head.yaml and
case.yaml (which program, which project files, the expected violation codes and deliberate
capacity drops).

A case with `base_state:` updates a stack deployed by an earlier release of the program:
the file is the stack `pulumi up` of base.yaml left then (written by
`tests/offline/checkpoints.py` from that release's plan; the case's `about` names the
commit), read as `diff --against-state` reads one, and head.yaml is planned by this
release. That is how a change of the program's own shape is proven safe on the second
`pulumi up`.

`project` names an example folder whose other files (predictor code) sit beside each spec,
as they do in the example itself; each side is evaluated in a folder of its own, so the
bundles of both sides hold the same files. Evaluations are cached by program and spec
text: scenarios that share a base evaluate it once per test process.
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from cortex_spec import Spec, load_spec
from offline import engine
from offline.diff import diff_graphs
from offline.diff_groups import Names
from offline.diff_report import DiffReport, build_report
from offline.graph import PlanGraph
from offline.state_graph import graph_from_checkpoint
from offline.update_plan import Step, UpdatePlan, plan_update
from tests.conftest import REPO

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
PROGRAMS = {
    "real": engine.PROGRAM,
    "unsafe": Path(__file__).resolve().parent / "unsafe_program.py",
}


@dataclass(frozen=True)
class Case:
    name: str
    about: str
    program: str
    project: str | None
    env: str | None
    violations: frozenset[str]
    deliberate: frozenset[str]
    base_state: str | None = None

    @property
    def folder(self) -> Path:
        return SCENARIOS / self.name


def load_case(name: str) -> Case:
    settings = yaml.safe_load((SCENARIOS / name / "case.yaml").read_text(encoding="utf-8"))
    return Case(
        name=name,
        about=str(settings["about"]),
        program=str(settings.get("program", "real")),
        project=settings.get("project"),
        env=settings.get("env"),
        violations=frozenset(settings.get("violations") or ()),
        deliberate=frozenset(settings.get("deliberate") or ()),
        base_state=settings.get("base_state"),
    )


def names(program: str) -> list[str]:
    """Scenario folders evaluated with `program`, sorted."""
    folders = sorted(p.name for p in SCENARIOS.iterdir() if (p / "case.yaml").is_file())
    return [n for n in folders if load_case(n).program == program]


@functools.cache
def evaluate(
    program: str, text: str, project: str | None, env: str | None
) -> tuple[Spec, PlanGraph]:
    """One side: the spec `text` in a fresh folder holding the project's other files."""
    with tempfile.TemporaryDirectory(prefix="cortex-scenario-") as scratch:
        folder = Path(scratch)
        if project is not None:
            for item in (REPO / project).iterdir():
                if item.is_dir():  # an API's own folder (its bundle)
                    shutil.copytree(item, folder / item.name)
                elif item.suffix not in (".yaml", ".yml"):
                    shutil.copy2(item, folder / item.name)
        spec_path = folder / "cortex.yaml"
        spec_path.write_text(text, encoding="utf-8")
        spec = load_spec(spec_path, environment=env or "dev", environment_required=env is not None)
        config = engine.stack_config(spec_path, environment=env)
        graph = engine.evaluate(
            config, stack=env or "dev", region=spec.cluster.region, program=PROGRAMS[program]
        )
    return spec, graph


def report(case: Case) -> DiffReport:
    """The diff of the case, with its simulated update."""
    sides = [
        evaluate(
            case.program, (case.folder / f).read_text(encoding="utf-8"), case.project, case.env
        )
        for f in ("base.yaml", "head.yaml")
    ]
    if case.base_state is not None:
        document = json.loads((case.folder / case.base_state).read_text(encoding="utf-8"))
        deployed = graph_from_checkpoint(document, stack=case.env or "dev", project=engine.PROJECT)
        sides[0] = (sides[0][0], deployed)
    names_ = Names.from_specs([sides[0][0], sides[1][0]])
    return build_report(diff_graphs(sides[0][1], sides[1][1]), names_, title=case.name)


def update(name: str) -> UpdatePlan:
    """The ordered update of the scenario `name` (its base to its head)."""
    return plan_update(report(load_case(name)).diff)


def step(plan: UpdatePlan, suffix: str, op: str) -> Step:
    """The one step of `plan` doing `op` to the resource whose URN ends with `suffix`."""
    [found] = [s for s in plan.steps if s.urn.endswith(suffix) and s.op == op]
    return found
