"""Run the real Pulumi program (`infra/program.py`) under Pulumi's mock engine and record it.

No Pulumi CLI, no provider plugins, no AWS: `pulumi.runtime.set_mocks` replaces the engine
with an in-process monitor, the program's invokes are answered from the catalog, and every
registration is recorded. Each evaluation gets a fresh event loop and fresh settings, so
several stacks can be evaluated in one process without leaking into each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import runpy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import pulumi
from pulumi.runtime import settings

from cortex_spec.errors import CortexError
from offline.evaluation import InlineExecutor, fast_evaluation
from offline.graph import PlanGraph, PlannedResource, normalize
from offline.mock_cloud import MockCloud
from offline.recorder import GraphRecorder, warning_logger

# The project name of this repository's own Pulumi project; a user's project passes its own.
PROJECT: Final = "cortex"
# The program's config namespace (`pulumi.Config("cortex")`), whatever the project's name.
NAMESPACE: Final = "cortex"


def _program() -> Path:
    """`infra/program.py` wherever the infra package is installed (a wheel's site-packages,
    or this checkout), found without importing it."""
    found = importlib.util.find_spec("infra")
    if found is None or found.origin is None:
        raise RuntimeError("the infra package is not installed")
    return Path(found.origin).resolve().parent / "program.py"


PROGRAM: Final = _program()


def stack_config(
    spec: Path,
    *,
    cluster_config: Path | None = None,
    environment: str | None = None,
    admins: list[str] | None = None,
) -> dict[str, str]:
    """Pulumi config for a stack, as `pulumi config set` would store it (all strings)."""
    config = {f"{NAMESPACE}:spec": str(spec.resolve())}
    if cluster_config is not None:
        config[f"{NAMESPACE}:clusterConfig"] = str(cluster_config.resolve())
    if environment is not None:
        config[f"{NAMESPACE}:environment"] = environment
    if admins:
        config[f"{NAMESPACE}:admins"] = json.dumps(admins)
    return config


@contextlib.contextmanager
def _working_directory(folder: Path | None) -> Iterator[None]:
    """Pulumi runs a program in its project folder, where relative config paths resolve."""
    if folder is None:
        yield
        return
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def evaluate(
    config: Mapping[str, str],
    *,
    stack: str,
    region: str,
    program: Path = PROGRAM,
    project: str = PROJECT,
    workdir: Path | None = None,
) -> PlanGraph:
    """Evaluate `program` for `stack` of `project` with `config`, in `workdir` (the
    project's folder; relative config paths resolve there); return its recorded graph."""
    loop = asyncio.new_event_loop()
    # Monitor calls run on the loop's thread (offline/evaluation.py); this loop only.
    loop.set_default_executor(InlineExecutor())
    asyncio.set_event_loop(loop)
    logger, log = warning_logger()
    cloud = MockCloud(region)
    recorder = GraphRecorder(cloud)
    exports: dict[str, Any] = {}
    try:
        settings.reset_options(project=project, stack=stack)
        pulumi.runtime.set_mocks(
            cloud, project=project, stack=stack, preview=False, logger=logger, monitor=recorder
        )
        pulumi.runtime.set_all_config(dict(config))

        def run() -> pulumi.Output[bool]:
            runpy.run_path(str(program), run_name="__main__")
            return pulumi.Output.from_input(_collect_exports(exports))

        with _working_directory(workdir), fast_evaluation():
            pulumi.runtime.test(run)()  # type: ignore[no-untyped-call]
    except pulumi.RunError as error:
        # The program reports spec problems as RunError (Pulumi prints those without a
        # traceback); the plan hands the SpecError itself to its caller.
        if isinstance(error.__cause__, CortexError):
            raise error.__cause__ from None
        raise
    finally:
        pulumi.runtime.set_all_config({})
        asyncio.set_event_loop(None)
        loop.close()
    resources = tuple(
        PlannedResource(
            urn=r.urn,
            type=r.type,
            name=r.name,
            parent="" if r.parent == recorder.stack_urn else r.parent,
            provider=r.provider,
            dependencies=tuple(r.dependencies),
            inputs=normalize(r.inputs),
            options=r.options,
            property_dependencies={
                key: tuple(urns) for key, urns in sorted(r.property_dependencies.items()) if urns
            },
        )
        for r in sorted(recorder.registrations.values(), key=lambda r: r.urn)
    )
    return PlanGraph(
        stack=stack,
        project=project,
        resources=resources,
        outputs={name: exports[name] for name in sorted(exports)},
        warnings=tuple(dict.fromkeys(log.messages)),
    )


async def _collect_exports(sink: dict[str, Any]) -> bool:
    """Resolve every stack output, masking the secret ones."""
    root = settings.get_root_resource()
    outputs: dict[str, Any] = getattr(root, "outputs", {}) or {}
    for name, value in outputs.items():
        output = pulumi.Output.from_input(value)
        resolved = await output.future(with_unknowns=True)
        secret = await output.is_secret()
        sink[name] = "[secret]" if secret else normalize(resolved)
    return True
