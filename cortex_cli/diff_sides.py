"""The two sides of `cortex-infra diff`, each a stack as `pulumi up` would evaluate it.

A side is its target (spec, project, stack settings: `cortex_cli.project`), the spec loaded
for it, and the offline plan of the program for it. A base side can be empty, meaning that
nothing of that stack exists yet and the head creates everything: the spec did not exist
at the base revision, the stack's file did not (a stack new in this change), or the
environment the stack asks for did not (an environment new in this change).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from cortex_cli.progress import progress
from cortex_cli.project import Target, resolve
from cortex_cli.revision import Revision
from cortex_cli.spec_folder import spec_path
from cortex_spec import Spec, SpecError, load_spec
from offline import engine
from offline.graph import PlanGraph


@dataclass(frozen=True)
class Side:
    label: str
    spec: Spec | None
    graph: PlanGraph
    # Why the side is empty (the title says it), when it is.
    note: str | None = None
    environment: str | None = None


def evaluate(target: Target, spec: Spec) -> PlanGraph:
    """The offline plan of the program for the target, as `cortex-infra plan` computes it."""
    # engine.PROGRAM is read at call time so that tests can point it at a stand-in.
    with progress(f"planning stack {target.stack_name} ({spec.cluster.name})"):
        return engine.evaluate(
            target.pulumi_config(),
            stack=target.stack_name,
            region=spec.cluster.region,
            program=engine.PROGRAM,
            project=target.project_name,
            workdir=target.workdir,
        )


def empty(target: Target) -> PlanGraph:
    return PlanGraph(target.stack_name, target.project_name, (), {}, ())


def base(target: Target, label: str, revision: Revision | None = None) -> Side:
    """A base side; errors and labels name `path@ref` files when it comes from git."""
    where = f"at {revision.ref}" if revision is not None else f"beside {label}"
    if target.stack_given and target.stack.file is None:
        name = target.project.stack_file(target.stack_name).name if target.project else "stack"
        note = f"no {name} {where}: stack {target.stack_name} is new, everything is created"
        return Side(label, None, empty(target), note, target.environment)
    try:
        spec = load_spec(
            target.spec,
            cluster_config=target.cluster_config,
            environment=target.environment or target.stack_name,
            environment_required=False,
        )
        if target.environment is not None and spec.environment != target.environment:
            note = f"no environment {target.environment} {where}: everything is created"
            return Side(label, None, empty(target), note, target.environment)
        graph = evaluate(target, spec)
    except SpecError as error:
        raise error if revision is None else revision.relabel(error, target.workdir) from None
    return Side(label, spec, graph, environment=target.environment)


def from_file(path: Path, cluster_config: Path | None, env: str | None, head: Target) -> Side:
    """The base as another spec file (`diff BASE HEAD`): what HEAD replaces in the same
    stack, so it is evaluated as HEAD's project and stack; only the spec (and `--base-env`)
    differ, wherever the file lies."""
    target = replace(
        head,
        spec=spec_path(path),
        cluster_config=cluster_config or head.stack.cluster_config,
        environment=env or head.stack.environment,
    )
    return base(target, str(path), None)


def from_revision(
    revision: Revision,
    head_target: Target,
    cluster_config: Path | None,
    env: str | None,
    stack: str | None,
) -> Side:
    """The base as the same spec, project and stack file at a git revision."""
    at_base = revision.base_path(head_target.spec)
    label = revision.label(at_base)
    spec = revision.folder_of(head_target.spec)
    given = revision.folder_of(cluster_config) if cluster_config is not None else None
    if head_target.project is not None:
        revision.file(head_target.project.file)
        if stack is not None:
            revision.file(head_target.project.stack_file(stack))
    if spec is None:
        note = f"no {at_base.name} at {revision.ref}: everything is created"
        return Side(label, None, empty(head_target), note, env)
    target = resolve(
        spec,
        cluster_config=given,
        env=env,
        stack=stack,
        stack_required=False,
        within=revision.scratch,
    )
    named = target.cluster_config
    if cluster_config is None and named is not None and not named.is_file():
        # Named by the base's stack file, outside the spec's folder: extract it too.
        inside = named.resolve().is_relative_to(revision.scratch)
        if inside:
            revision.file(revision.root / named.resolve().relative_to(revision.scratch))
    return base(target, label, revision)
