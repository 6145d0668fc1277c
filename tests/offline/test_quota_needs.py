"""Preflight's count of the stack's IAM roles and load balancer objects
(cortex_aws/serving_quotas.py) equals what the program plans, for every golden plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cortex_aws import serving_quotas
from cortex_spec import load_spec
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "infra" / "golden"


def _spec_of(golden: Path) -> Path:
    return REPO / "examples" / golden.stem.rsplit("-", 1)[0] / "cortex.yaml"


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_need_matches_the_plan(golden: Path) -> None:
    """One role per API plus the platform's; one ALB, one target group, two listeners."""
    environment = golden.stem.rsplit("-", 1)[1]
    path = _spec_of(golden)
    cluster = path.parent / "cluster.yaml"
    spec = load_spec(
        path,
        cluster_config=cluster if cluster.is_file() else None,
        environment=None if environment == "base" else environment,
    )
    resources = json.loads(golden.read_text(encoding="utf-8"))["resources"]
    count = {t: sum(r["type"] == t for r in resources) for t in {r["type"] for r in resources}}
    need = serving_quotas.serving_need(spec)
    assert count["aws:iam/role:Role"] == need.iam_roles
    assert count["aws:lb/loadBalancer:LoadBalancer"] == need.load_balancers // 2
    assert count["aws:lb/targetGroup:TargetGroup"] == need.target_groups // 2
    assert count.get("aws:lb/listener:Listener", 0) <= need.listeners
    assert count.get("aws:lb/listenerRule:ListenerRule", 0) == 0
