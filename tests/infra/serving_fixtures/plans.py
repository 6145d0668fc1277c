"""Plans the serving tests share: each evaluated once per test process (about 1 s each)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Final

from cortex_spec import load_spec
from offline.engine import evaluate, stack_config
from offline.graph import PlanGraph, PlannedResource

FIXTURES: Final = Path(__file__).resolve().parent
PROGRAM: Final = FIXTURES / "program.py"
THREE_APIS: Final = FIXTURES / "three_apis" / "cortex.yaml"
# References of every form and secret-looking literals (fake values), for the secrets tests.
SECRETS: Final = FIXTURES / "secrets" / "cortex.yaml"
KINDS: Final = FIXTURES / "kinds" / "cortex.yaml"
JOBS: Final = FIXTURES / "jobs" / "cortex.yaml"
ASYNC: Final = FIXTURES / "async" / "cortex.yaml"
EXAMPLES: Final = FIXTURES.parents[2] / "examples"
REGION: Final = "us-west-2"

# (example folder, environment): every example the repository ships, each environment.
EXAMPLE_STACKS: Final = (
    ("mixed", "dev"),
    ("mixed", "staging"),
    ("mixed", "prod"),
    ("cpu", None),
    ("gpu-spot", None),
    ("inferentia", None),
    ("traffic-split", None),
    ("async", None),
    ("cortex-v0.42", None),
)


def _config(example: str, environment: str | None) -> tuple[dict[str, str], Path]:
    folder = EXAMPLES / example
    cluster_config = folder / "cluster.yaml"
    spec = folder / "cortex.yaml"
    config = stack_config(
        spec,
        cluster_config=cluster_config if cluster_config.is_file() else None,
        environment=environment,
    )
    return config, spec


@functools.cache
def serving_plan() -> PlanGraph:
    """The acceptance spec, through the serving layer on a fixed platform stand-in."""
    config = {"cortex:spec": str(THREE_APIS)}
    return evaluate(config, stack="serving", region=REGION, program=PROGRAM)


@functools.cache
def secrets_plan() -> PlanGraph:
    """The secrets fixture through the serving layer, like `serving_plan`."""
    config = {"cortex:spec": str(SECRETS)}
    return evaluate(config, stack="serving", region=REGION, program=PROGRAM)


@functools.cache
def kinds_plan() -> PlanGraph:
    """Every API kind the serving layer builds (`kinds/cortex.yaml`), on the same stand-in."""
    return evaluate({"cortex:spec": str(KINDS)}, stack="kinds", region=REGION, program=PROGRAM)


@functools.cache
def jobs_plan() -> PlanGraph:
    """The job kinds, both forms each (`jobs/cortex.yaml`), on the same stand-in."""
    return evaluate({"cortex:spec": str(JOBS)}, stack="jobs", region=REGION, program=PROGRAM)


@functools.cache
def async_plan() -> PlanGraph:
    """AsyncAPIs in both forms beside a RealtimeAPI (`async/cortex.yaml`), same stand-in."""
    return evaluate({"cortex:spec": str(ASYNC)}, stack="async", region=REGION, program=PROGRAM)


@functools.cache
def example_plan(example: str, environment: str | None) -> PlanGraph:
    """An example through the real program (`__main__.py`: platform and serving)."""
    config, _ = _config(example, environment)
    return evaluate(config, stack=environment or "dev", region=REGION)


def kubernetes_version(example: str, environment: str | None) -> str:
    folder = EXAMPLES / example
    cluster_config = folder / "cluster.yaml"
    spec = load_spec(
        folder / "cortex.yaml",
        cluster_config=cluster_config if cluster_config.is_file() else None,
        environment=environment,
    )
    return spec.cluster.kubernetes_version


def of_type(graph: PlanGraph, suffix: str) -> list[PlannedResource]:
    """Resources whose type token ends with `suffix` (e.g. `apps/v1:Deployment`)."""
    return [r for r in graph.resources if r.type.endswith(suffix)]


def named(graph: PlanGraph, suffix: str, name: str) -> PlannedResource:
    matches = [r for r in of_type(graph, suffix) if r.name == name]
    assert len(matches) == 1, f"expected one {suffix} named {name}, found {len(matches)}"
    return matches[0]


def is_plain_kubernetes(resource: PlannedResource) -> bool:
    """A built-in Kubernetes kind: its API group is core, a dotless group or `*.k8s.io`."""
    if not resource.type.startswith("kubernetes:") or resource.type.startswith(
        "kubernetes:helm.sh/"
    ):
        return False
    group = str(resource.inputs.get("apiVersion", "")).rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def policy(resource: PlannedResource, field: str = "policy") -> dict[str, Any]:
    document: dict[str, Any] = json.loads(resource.inputs[field])
    return document
