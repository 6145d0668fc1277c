"""Plan risks: what a valid spec puts at risk, each with the field and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_spec import load_spec
from cortex_spec.risks import Risk, risks
from tests.conftest import EXAMPLES

# AWS's documentation account; the certificate ID is made up but well formed.
CERT = "arn:aws:acm:us-west-2:123456789012:certificate/8b1c3f7e-2d4a-4f0e-9c61-5a7d2e9b0c14"
IMAGE = "public.ecr.aws/docker/library/nginx:1.27"
SAFE = f"""\
cluster:
  name: risky
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b]
  nat_gateway: highly_available
  endpoint_public_access_cidrs: [203.0.113.0/24]
  ssl_certificate_arn: {CERT}
  node_groups:
    - name: gpu
      instance_type: g5.xlarge
      min_instances: 1
      max_instances: 3
      spot: true
      spot_config: {{on_demand_base_capacity: 1}}
apis:
  - name: vision
    kind: RealtimeAPI
    pod:
      containers:
        - name: api
          image: "{IMAGE}"
          compute: {{cpu: 1, mem: 2Gi, gpu: 1}}
    autoscaling: {{min_replicas: 1, max_replicas: 4}}
environments:
  prod: {{}}
  production: {{}}
  dev: {{}}
"""


def _risks(tmp_path: Path, env: str, *replacements: tuple[str, str]) -> list[Risk]:
    text = SAFE
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "cortex.yaml"
    path.write_text(text, encoding="utf-8")
    return risks(load_spec(path, environment=env))


def _codes(found: list[Risk]) -> list[str]:
    return [r.code for r in found]


@pytest.mark.parametrize("env", ["prod", "production", "dev"])
def test_careful_spec_has_no_risks(tmp_path: Path, env: str) -> None:
    """Pinned zones, NAT per zone, a narrow endpoint, HTTPS, an on-demand base: no risk."""
    assert _risks(tmp_path, env) == []


@pytest.mark.parametrize("env", ["prod", "dev"])
def test_public_api_endpoint_open_to_all_is_a_risk_everywhere(tmp_path: Path, env: str) -> None:
    """An API server endpoint open to 0.0.0.0/0 (the default) is flagged in every
    environment, with both fixes."""
    wide = (
        "endpoint_public_access_cidrs: [203.0.113.0/24]",
        "endpoint_public_access_cidrs: [0.0.0.0/0]",
    )
    found = _risks(tmp_path, env, wide)
    assert _codes(found) == ["public-api-endpoint"]
    assert env in found[0].message
    assert "endpoint_public_access_cidrs" in found[0].reason
    assert "endpoint_public_access: false" in found[0].reason
    default = ("  endpoint_public_access_cidrs: [203.0.113.0/24]\n", "")
    assert _codes(_risks(tmp_path, env, default)) == ["public-api-endpoint"]


def test_cluster_policies_on_every_api_are_a_risk(tmp_path: Path) -> None:
    """The explicit opt-in attaches cluster.iam_policy_arns to every role: flagged."""
    opt_in = (
        "  node_groups:",
        "  iam_policy_arns: [arn:aws:iam::aws:policy/AmazonS3FullAccess]\n"
        "  iam_policy_arns_scope: all_apis\n  node_groups:",
    )
    found = _risks(tmp_path, "dev", opt_in)
    assert _codes(found) == ["policies-on-every-api"]
    assert found[0].path == "cluster.iam_policy_arns"
    assert "AmazonS3FullAccess" in found[0].message


def test_private_endpoint_is_no_risk_even_with_open_cidrs(tmp_path: Path) -> None:
    """With public access off, the CIDR list does not matter."""
    wide = (
        "endpoint_public_access_cidrs: [203.0.113.0/24]",
        "endpoint_public_access: false\n  endpoint_public_access_cidrs: [0.0.0.0/0]",
    )
    assert _risks(tmp_path, "prod", wide) == []


def test_unpinned_zones_and_single_nat_are_prod_risks(tmp_path: Path) -> None:
    """Prod without pinned AZs, and prod with one NAT gateway, are both flagged."""
    found = _risks(
        tmp_path,
        "production",
        ("  availability_zones: [us-west-2a, us-west-2b]\n", ""),
        ("nat_gateway: highly_available", "nat_gateway: single"),
    )
    assert _codes(found) == ["zones-not-pinned", "single-nat-gateway"]
    assert all(r.reason for r in found)


def test_plain_http_to_the_internet_is_a_risk_everywhere(tmp_path: Path) -> None:
    """An internet-facing load balancer open to all without a certificate is flagged."""
    found = _risks(
        tmp_path,
        "dev",
        (
            f"  ssl_certificate_arn: {CERT}\n",
            "",
        ),
    )
    assert _codes(found) == ["plain-http-to-internet"]
    assert found[0].path == "cluster.ssl_certificate_arn"


def test_spot_only_group_serving_a_running_api_is_a_risk(tmp_path: Path) -> None:
    """An API with min_replicas >= 1 placeable only on all-spot capacity is flagged."""
    found = _risks(
        tmp_path,
        "dev",
        ("spot_config: {on_demand_base_capacity: 1}", "spot_config: {on_demand_base_capacity: 0}"),
    )
    assert _codes(found) == ["spot-only-serving"]
    assert found[0].path == "apis[0].autoscaling.min_replicas"
    assert "vision" in found[0].message


def test_spot_only_api_scaled_to_zero_is_no_risk(tmp_path: Path) -> None:
    """An API that may sit at zero replicas loses nothing when spot is reclaimed."""
    found = _risks(
        tmp_path,
        "dev",
        ("spot_config: {on_demand_base_capacity: 1}", "spot_config: {on_demand_base_capacity: 0}"),
        ("min_replicas: 1, max_replicas: 4", "min_replicas: 0, max_replicas: 4"),
    )
    assert found == []


def test_mixed_example_prod_is_free_of_risks() -> None:
    """The bundled mixed example's prod environment carries no risk."""
    assert risks(load_spec(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")) == []
