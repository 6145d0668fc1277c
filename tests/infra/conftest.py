"""Evaluated plans shared by the infra tests: each stack is evaluated once per test worker.

PLAN_PROGRAM is the program the tests, the golden plans and `cortex-infra plan` evaluate: the
real `__main__.py`, platform and serving layers together.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline import engine
from offline.graph import PlanGraph, PlannedResource
from tests.conftest import EXAMPLES, REPO

PLAN_PROGRAM = engine.PROGRAM

# A spec that uses two subnets of an existing VPC (IDs in AWS's documentation style).
EXISTING_VPC_SPEC = """\
cluster:
  name: byo-vpc
  region: us-west-2
  subnets:
    - {availability_zone: us-west-2a, subnet_id: subnet-0a1b2c3d4e5f60718}
    - {availability_zone: us-west-2b, subnet_id: subnet-0f1e2d3c4b5a69788}
  node_groups:
    - {name: cpu, instance_type: m6i.large, min_instances: 1, max_instances: 3}
apis: []
"""

# p4d.24xlarge is offered in a single eu-west-1 AZ (catalog offerings), so no AZ pair exists.
ONE_ZONE_SPEC = """\
cluster:
  name: one-zone
  region: eu-west-1
  node_groups:
    - {name: a100, instance_type: p4d.24xlarge, min_instances: 0, max_instances: 1}
apis: []
"""

# An older minor with extended support chosen, Neuron nodes and no API: what follows the
# cluster's version in the platform.
OLDER_MINOR_SPEC = """\
cluster:
  name: older-minor
  region: us-west-2
  kubernetes_version: "1.33"
  upgrade_policy: extended
  availability_zones: [us-west-2a, us-west-2b]
  node_groups:
    - {name: inf2, instance_type: inf2.xlarge, min_instances: 0, max_instances: 2}
apis: []
"""

Planner = Callable[..., PlanGraph]


@pytest.fixture(scope="session")
def specs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Example specs, plus synthetic ones written to a temporary folder."""
    folder = tmp_path_factory.mktemp("specs")
    out = {name: EXAMPLES / name / "cortex.yaml" for name in ("cpu", "gpu-spot", "inferentia")}
    out["mixed"] = EXAMPLES / "mixed" / "cortex.yaml"
    out["cortex-v0.42"] = EXAMPLES / "cortex-v0.42" / "cortex.yaml"
    synthetic = (
        ("existing-vpc", EXISTING_VPC_SPEC),
        ("one-zone", ONE_ZONE_SPEC),
        ("older-minor", OLDER_MINOR_SPEC),
    )
    for name, text in synthetic:
        path = folder / name / "cortex.yaml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


@pytest.fixture(scope="session")
def plan(specs: dict[str, Path]) -> Planner:
    """plan(spec_name, env=None, stack=None, admins=None) -> PlanGraph, memoized."""
    cache: dict[tuple[Any, ...], PlanGraph] = {}

    def evaluate(
        name: str, env: str | None = None, stack: str | None = None, admins: tuple[str, ...] = ()
    ) -> PlanGraph:
        key = (name, env, stack, admins)
        if key not in cache:
            cluster_config = (
                EXAMPLES / "cortex-v0.42" / "cluster.yaml" if name == "cortex-v0.42" else None
            )
            config = engine.stack_config(
                specs[name], cluster_config=cluster_config, environment=env, admins=list(admins)
            )
            region = _region(specs[name], cluster_config)
            cache[key] = engine.evaluate(
                config, stack=stack or env or "dev", region=region, program=PLAN_PROGRAM
            )
        return cache[key]

    return evaluate


def _region(spec: Path, cluster_config: Path | None) -> str:
    data = yaml.safe_load((cluster_config or spec).read_text(encoding="utf-8"))
    region: str = data["region"] if cluster_config else data["cluster"]["region"]
    return region


@pytest.fixture
def platform_program(monkeypatch: pytest.MonkeyPatch) -> Path:
    """`cortex-infra plan` evaluates PLAN_PROGRAM for the duration of a test."""
    monkeypatch.setattr(engine, "PROGRAM", PLAN_PROGRAM)
    return PLAN_PROGRAM


def stack_file_config(stack: str) -> dict[str, str]:
    """`Pulumi.<stack>.yaml` as `pulumi config` would hand it over (JSON for non-strings)."""
    data = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    config: dict[str, str] = {}
    for key, value in (data.get("config") or {}).items():
        given = str(REPO / value) if key == "cortex:spec" else value
        config[key] = given if isinstance(given, str) else json.dumps(given)
    return config


def one(graph: PlanGraph, type_token: str, name: str) -> PlannedResource:
    """The resource of `type_token` whose logical name is `name`."""
    found = [r for r in graph.by_type(type_token) if r.name == name]
    assert len(found) == 1, f"{type_token} {name}: {[r.name for r in graph.by_type(type_token)]}"
    return found[0]


def node_group(graph: PlanGraph, group: str) -> PlannedResource:
    return one(graph, "aws:eks/nodeGroup:NodeGroup", f"platform-nodes-{group}-group")
