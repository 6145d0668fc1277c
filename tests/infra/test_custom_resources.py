"""Every custom resource of every plan (the examples', the serving acceptance plan's and the
kinds plan's) passes the openAPIV3Schema of its pinned CRD, with no field the schema does
not declare (the API server would prune it silently)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import jsonschema
import pytest
import yaml

from offline.graph import PlanGraph
from tests.infra.serving_fixtures.plans import (
    EXAMPLE_STACKS,
    async_plan,
    example_plan,
    kinds_plan,
    serving_plan,
)

pytestmark = pytest.mark.slow

CRDS: Final = Path(__file__).resolve().parent / "crds"
# (group/version, kind) → the CRD file of the pinned release (crds/SOURCES.md).
FILES: Final = {
    ("keda.sh/v1alpha1", "ScaledObject"): "keda.sh_scaledobjects.yaml",
    ("http.keda.sh/v1beta1", "InterceptorRoute"): "http.keda.sh_interceptorroutes.yaml",
    ("keda.sh/v1alpha1", "TriggerAuthentication"): "keda.sh_triggerauthentications.yaml",
}


@functools.cache
def schema(api_version: str, kind: str) -> dict[str, Any]:
    crd = yaml.safe_load((CRDS / FILES[(api_version, kind)]).read_text(encoding="utf-8"))
    version = api_version.rpartition("/")[2]
    [served] = [v for v in crd["spec"]["versions"] if v["name"] == version]
    found: dict[str, Any] = served["schema"]["openAPIV3Schema"]
    return found


def undeclared(value: Any, node: dict[str, Any], at: str) -> Iterator[str]:
    """Fields the schema does not declare: a structural schema prunes them on admission."""
    if node.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        properties = node.get("properties")
        extra = node.get("additionalProperties")
        for key, item in value.items():
            if properties is not None and key in properties:
                yield from undeclared(item, properties[key], f"{at}.{key}")
            elif isinstance(extra, dict):
                yield from undeclared(item, extra, f"{at}.{key}")
            elif properties is not None:
                yield f"{at}.{key}"
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            yield from undeclared(item, node["items"], f"{at}[{index}]")


def problems(plan: PlanGraph) -> list[str]:
    found = []
    for resource in plan.resources:
        key = (resource.inputs.get("apiVersion"), resource.inputs.get("kind"))
        if not resource.type.startswith("kubernetes:") or key not in FILES:
            continue
        document = resource.inputs
        node = schema(*key)
        for error in jsonschema.Draft7Validator(node).iter_errors(document):
            found.append(f"{resource.name}: {'/'.join(map(str, error.path))}: {error.message}")
        found += [
            f"{resource.name}: {path} is not in the CRD" for path in undeclared(document, node, "")
        ]
    return found


def custom_kinds(plan: PlanGraph) -> set[str]:
    return {
        str(r.inputs.get("kind"))
        for r in plan.resources
        if (r.inputs.get("apiVersion"), r.inputs.get("kind")) in FILES
    }


@pytest.mark.parametrize(("example", "environment"), EXAMPLE_STACKS)
def test_example_custom_resources_match_their_crd(example: str, environment: str | None) -> None:
    """ScaledObjects and InterceptorRoutes of every example pass their CRD's schema."""
    assert problems(example_plan(example, environment)) == []


def test_serving_and_kinds_custom_resources_match_their_crd() -> None:
    """The acceptance plan and the every-kind plan: both CRDs in use, and valid."""
    for plan in (serving_plan(), kinds_plan()):
        assert custom_kinds(plan) == {"ScaledObject", "InterceptorRoute"}
        assert problems(plan) == []


def test_async_custom_resources_match_their_crd() -> None:
    """An AsyncAPI's SQS-scaled ScaledObject and its TriggerAuthentication pass their CRDs."""
    plan = async_plan()
    assert custom_kinds(plan) == {"ScaledObject", "TriggerAuthentication"}
    assert problems(plan) == []


def test_the_check_catches_an_undeclared_field() -> None:
    """A field the CRD does not declare is reported, so the check can fail."""
    node = schema("http.keda.sh/v1beta1", "InterceptorRoute")
    document = {"spec": {"target": {"service": "s", "port": 1, "weight": 2}}}
    assert list(undeclared(document, node, "")) == [".spec.target.weight"]
