"""Every plain Kubernetes object of every example's plan (and of the serving acceptance
plan) passes `kubernetes-validate --strict` for the cluster's Kubernetes version."""

from __future__ import annotations

import kubernetes_validate  # type: ignore[import-untyped]
import pytest

from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import (
    EXAMPLE_STACKS,
    example_plan,
    is_plain_kubernetes,
    kubernetes_version,
    secrets_plan,
    serving_plan,
)

pytestmark = pytest.mark.slow


def invalid_objects(plan: PlanGraph, version: str) -> list[str]:
    problems = []
    objects = [r for r in plan.resources if is_plain_kubernetes(r)]
    assert objects, "the plan has no Kubernetes objects to validate"
    for resource in objects:
        try:
            kubernetes_validate.validate(resource.inputs, f"{version}.0", strict=True)
        except kubernetes_validate.ValidationError as error:
            path = "/".join(str(p) for p in error.path)
            problems.append(f"{resource.urn}: {path}: {error.message}")
    return problems


@pytest.mark.parametrize(("example", "environment"), EXAMPLE_STACKS)
def test_example_objects_are_valid_kubernetes(example: str, environment: str | None) -> None:
    """Platform and serving objects alike validate against the cluster's version, strictly."""
    version = kubernetes_version(example, environment)
    assert invalid_objects(example_plan(example, environment), version) == []


def test_serving_acceptance_objects_are_valid_kubernetes() -> None:
    """The three-API plan's Deployments, Services, PDBs, ConfigMaps validate strictly."""
    assert invalid_objects(serving_plan(), "1.35") == []


def test_secrets_fixture_objects_are_valid_kubernetes() -> None:
    """Literal Secrets (stringData of markers), secretKeyRef variables and the secrets init
    container validate strictly."""
    assert invalid_objects(secrets_plan(), "1.35") == []
