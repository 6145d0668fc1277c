"""The load-balancer controller binds pods to the stack's target groups and can do nothing
else: no Service controller, no ingress.class annotation, no IngressClass, and an IAM policy
that cannot create, change or delete a load balancer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.serving.lb_controller import POLICY_FILE, documented_policy
from tests.infra.serving_fixtures.plans import example_plan, named, of_type

pytestmark = pytest.mark.slow


def _values() -> dict[str, Any]:
    plan = example_plan("cpu", None)
    [release] = [
        r
        for r in of_type(plan, "helm.sh/v3:Release")
        if r.inputs.get("chart") == "aws-load-balancer-controller"
    ]
    values: dict[str, Any] = release.inputs["values"]
    return values


def test_only_target_group_binding_is_left_on() -> None:
    """Service controller and its webhook off, class annotation ignored, no IngressClass,
    no Ingress add-ons, no shared backend security group."""
    values = _values()
    assert values["controllerConfig"] == {"featureGates": {"EnableServiceController": False}}
    assert values["disableIngressClassAnnotation"] is True
    assert values["enableServiceMutatorWebhook"] is False
    assert values["createIngressClassResource"] is False
    for add_on in ("enableShield", "enableWaf", "enableWafv2", "enableBackendSecurityGroup"):
        assert values[add_on] is False, add_on


def _actions(document: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for statement in document["Statement"]:
        actions = statement["Action"]
        found.update(actions if isinstance(actions, list) else [actions])
    return found


def test_the_policy_keeps_reads_and_target_registration_only() -> None:
    """Of the documented policy, only read-only statements and (De)RegisterTargets remain;
    nothing creates, modifies or deletes."""
    trimmed = json.loads(documented_policy("aws"))
    actions = _actions(trimmed)
    assert {
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    } <= actions
    writes = {a for a in actions if not a.split(":")[1].startswith(("Describe", "Get", "List"))}
    assert writes == {
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    }
    documented = _actions(json.loads(POLICY_FILE.read_text()))
    assert "elasticloadbalancing:CreateLoadBalancer" in documented
    assert actions < documented


def test_the_plan_carries_the_trimmed_policy() -> None:
    """The controller's role policy in a plan is exactly the trimmed document."""
    plan = example_plan("cpu", None)
    found = named(plan, "aws:iam/rolePolicy:RolePolicy", "serving-lb-controller-role-policy")
    assert json.loads(found.inputs["policy"]) == json.loads(documented_policy("aws"))
