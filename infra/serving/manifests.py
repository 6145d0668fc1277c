"""Kubernetes objects written in Kubernetes' own field names, and the Deployment declared so.

Every spec here is a manifest as `kubectl` would read it (camelCase), handed to the
provider as written. pulumi_kubernetes' typed classes accept that, but the SDK still walks
each value against the class's Python schema on the way in (`serialize_property` unwraps
the declared type of every nested value, to translate snake_case names that are not
there) and rebuilds typed output objects from the echoed inputs on the way out. For a
Deployment, whose pod template is the largest input of a plan, that walk was about a
fifteenth of the CPU time an API costs the plan (benchmarks/plan_bench.py, issue 17).

`deployment` declares it through `kubernetes.apiextensions.CustomResource` instead: the
same type token (`kubernetes:apps/v1:Deployment`, from `api_version` and `kind`), the same
provider and inputs, so the same URN, state, diff and await logic: the provider reads the
kind from the type token and the object, as for a Pulumi YAML program that declares
`type: kubernetes:apps/v1:Deployment` with no typed class at all. What the typed class adds
and this does not:
aliases to the Deployment's pre-1.16 API groups (`extensions/v1beta1`, `apps/v1beta1`,
`apps/v1beta2`), which only a stack created from those groups could use; no stack of this
program ever was. `tests/infra/test_manifests.py` compares the two registrations request
for request.
"""

from __future__ import annotations

from typing import Any, Final

import pulumi
import pulumi_kubernetes as k8s

API_VERSION: Final = "apps/v1"
KIND: Final = "Deployment"


def manifest(value: dict[str, Any]) -> Any:
    """A spec in Kubernetes' camelCase, which the SDK passes through untranslated; typed
    `Any` because pulumi_kubernetes' TypedDicts spell the same fields in snake_case."""
    return value


def deployment(
    name: str,
    *,
    metadata: pulumi.Input[k8s.meta.v1.ObjectMetaArgs],
    spec: pulumi.Input[dict[str, Any]],
    opts: pulumi.ResourceOptions,
) -> k8s.apiextensions.CustomResource:
    """An apps/v1 Deployment with `spec` as written (see the module's docstring)."""
    return k8s.apiextensions.CustomResource(
        name,
        api_version=API_VERSION,
        kind=KIND,
        metadata=metadata,
        spec=spec,
        opts=opts,
    )
