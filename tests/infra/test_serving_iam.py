"""Every IAM policy of every plan, the platform's and the serving layer's: none grants `*`
on `*`, and `parliament` reports nothing beyond the findings accepted (and explained) here."""

from __future__ import annotations

import importlib.resources
import json
import sys
import types
from collections.abc import Iterator
from typing import Any, Final

import pytest

from offline.graph import PlanGraph, PlannedResource
from tests.infra.serving_fixtures.plans import (
    EXAMPLE_STACKS,
    example_plan,
    secrets_plan,
    serving_plan,
)

pytestmark = pytest.mark.slow

# Resource type → the input holding a policy document.
POLICY_FIELDS: Final = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
}

# Accepted findings: (resource name contains, parliament issue) → why.
ACCEPTED: Final = {
    # Trust policies are resource policies of the role: they have a Principal and no
    # Resource by design, and parliament only knows a fixed list of federation providers,
    # not each cluster's EKS OIDC provider.
    ("role-role", "MALFORMED"): "trust policies have no Resource",
    ("role-role", "UNKNOWN_FEDERATION_SOURCE"): "per-cluster EKS OIDC provider",
    ("eks-role", "MALFORMED"): "trust policies have no Resource",
    ("eks-node-role", "MALFORMED"): "trust policies have no Resource",
    ("irsa-role", "MALFORMED"): "trust policies have no Resource",
    ("irsa-role", "UNKNOWN_FEDERATION_SOURCE"): "per-cluster EKS OIDC provider",
    ("csi-role", "MALFORMED"): "trust policies have no Resource",
    ("csi-role", "UNKNOWN_FEDERATION_SOURCE"): "per-cluster EKS OIDC provider",
    ("cni-role", "MALFORMED"): "trust policies have no Resource",
    ("cni-role", "UNKNOWN_FEDERATION_SOURCE"): "per-cluster EKS OIDC provider",
    # The AWS Load Balancer Controller's documented policy (v2.17.1), verbatim: its
    # Describe/Create calls cannot be scoped to ARNs (the resources do not exist yet, or
    # the APIs take none), mutations are conditioned on the controller's own tags;
    # ModifyIpPools and the elasticloadbalancing:CreateAction condition are newer than
    # parliament's action database.
    ("lb-controller-role-policy", "RESOURCE_STAR"): "documented controller policy",
    ("lb-controller-role-policy", "UNKNOWN_ACTION"): "newer than parliament's database",
    ("lb-controller-role-policy", "UNKNOWN_CONDITION_FOR_ACTION"): "newer than parliament",
    # The platform's cluster-autoscaler policy: Describe* cannot be scoped, and
    # SetDesiredCapacity/TerminateInstance are conditioned on the cluster's ASG tags (the
    # form of the cluster-autoscaler's documented policy).
    ("cluster-autoscaler-irsa-policy", "RESOURCE_STAR"): "tag-conditioned autoscaler policy",
}


def _parliament() -> Any:
    """parliament 1.6.4 still imports `pkg_resources`, which setuptools >= 81 no longer
    ships; it only calls `resource_filename`, which importlib.resources answers."""
    if "pkg_resources" not in sys.modules:
        shim = types.ModuleType("pkg_resources")
        shim.resource_filename = (  # type: ignore[attr-defined]
            lambda package, name: str(importlib.resources.files(package) / name)
        )
        sys.modules["pkg_resources"] = shim
    import parliament  # type: ignore[import-untyped]

    return parliament


def plans() -> Iterator[PlanGraph]:
    yield serving_plan()
    yield secrets_plan()
    for example, environment in EXAMPLE_STACKS:
        yield example_plan(example, environment)


def policies(plan: PlanGraph) -> Iterator[tuple[PlannedResource, dict[str, Any]]]:
    for resource in plan.resources:
        field = POLICY_FIELDS.get(resource.type)
        if field and field in resource.inputs:
            yield resource, json.loads(resource.inputs[field])


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_policy_allows_everything_on_everything() -> None:
    """No Allow statement has Action `*` (or `service:*` on all) with Resource `*`."""
    checked = 0
    for plan in plans():
        for resource, document in policies(plan):
            checked += 1
            for statement in _as_list(document["Statement"]):
                if statement.get("Effect") != "Allow":
                    continue
                actions = _as_list(statement.get("Action", []))
                resources = _as_list(statement.get("Resource", []))
                assert not ("*" in actions and "*" in resources), resource.urn
                assert not (any(a.endswith(":*") for a in actions) and "*" in resources), (
                    resource.urn
                )
    assert checked > 0


def test_parliament_reports_only_accepted_findings() -> None:
    """Every finding is listed above with its reason; anything new fails."""
    parliament = _parliament()
    unexpected = []
    for plan in plans():
        for resource, document in policies(plan):
            analysis = parliament.analyze_policy_string(json.dumps(document))
            for finding in analysis.findings:
                if not any(
                    part in resource.name and finding.issue == issue for part, issue in ACCEPTED
                ):
                    unexpected.append(f"{resource.urn}: {finding.issue} {finding.detail}")
    assert unexpected == []


def test_serving_policies_pass_parliament_without_exceptions() -> None:
    """The per-API bundle policies and the bucket policy need no accepted finding."""
    parliament = _parliament()
    plan = serving_plan()
    checked = [
        (resource, document)
        for resource, document in policies(plan)
        if resource.type == "aws:s3/bucketPolicy:BucketPolicy"
        or (
            resource.type == "aws:iam/rolePolicy:RolePolicy"
            and "lb-controller" not in resource.name
        )
    ]
    assert len(checked) == 3
    for resource, document in checked:
        assert parliament.analyze_policy_string(json.dumps(document)).findings == [], resource.urn
