"""Preflight's endpoint-access check: the deploying machine's public address (from a local
stub of the checkip endpoint, never the internet) against endpoint_public_access_cidrs."""

from __future__ import annotations

from pathlib import Path

from cortex_aws import endpoint_access, preflight
from cortex_aws.session import AwsSession
from cortex_spec import Spec, load_spec
from tests.conftest import CheckIp, MotoServer

SPEC = """\
cluster:
  name: reach
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b]
{access}  node_groups:
    - {{name: cpu, instance_type: m6i.large, min_instances: 1, max_instances: 3}}
apis: []
"""


def _spec(tmp_path: Path, access: str) -> Spec:
    path = tmp_path / "cortex.yaml"
    path.write_text(SPEC.format(access=access), encoding="utf-8")
    return load_spec(path)


def test_address_inside_the_allowed_ranges_passes(tmp_path: Path, checkip: CheckIp) -> None:
    """203.0.113.7 in 203.0.113.0/24: pass, naming the range."""
    spec = _spec(tmp_path, "  endpoint_public_access_cidrs: [198.51.100.0/24, 203.0.113.0/24]\n")
    [result] = endpoint_access.run(spec, checkip.url)
    assert result.status == "pass"
    assert "203.0.113.0/24" in result.reason


def test_address_outside_the_allowed_ranges_warns(tmp_path: Path, checkip: CheckIp) -> None:
    """The prod example's shape: one office range; the deploying machine is elsewhere."""
    checkip.answer = "192.0.2.10"
    spec = _spec(tmp_path, "  endpoint_public_access_cidrs: [203.0.113.0/24]\n")
    [result] = endpoint_access.run(spec, checkip.url)
    assert result.status == "warn"
    assert "192.0.2.10 is not in endpoint_public_access_cidrs (203.0.113.0/24)" in result.reason
    assert result.hint is not None
    assert "192.0.2.10/32" in result.hint


def test_unreachable_checkip_is_unknown_not_a_failure(tmp_path: Path) -> None:
    """Offline (here: the default, a closed loopback port), the check warns that it could
    not run."""
    spec = _spec(tmp_path, "  endpoint_public_access_cidrs: [203.0.113.0/24]\n")
    [result] = endpoint_access.run(spec)
    assert result.status == "warn"
    assert result.reason.startswith("unknown")


def test_an_answer_that_is_not_an_address_is_unknown(tmp_path: Path, checkip: CheckIp) -> None:
    """A captive portal's HTML is not an address: unknown, not a guess."""
    checkip.answer = "<html>sign in</html>"
    spec = _spec(tmp_path, "")
    [result] = endpoint_access.run(spec, checkip.url)
    assert result.reason.startswith("unknown")


def test_private_only_endpoint_warns_without_asking(tmp_path: Path) -> None:
    """endpoint_public_access: false: the deploy must run inside the VPC; nothing is asked."""
    spec = _spec(tmp_path, "  endpoint_public_access: false\n")
    [result] = endpoint_access.run(spec, "http://192.0.2.1:1/never-asked")
    assert result.status == "warn"
    assert "the public endpoint is off" in result.reason


def test_preflight_reports_the_check(aws: MotoServer, tmp_path: Path, checkip: CheckIp) -> None:
    """The whole preflight against moto includes the endpoint-access line, as a warning."""
    checkip.answer = "192.0.2.10"
    spec = _spec(tmp_path, "  endpoint_public_access_cidrs: [203.0.113.0/24]\n")
    report = preflight.run(spec, AwsSession("us-west-2"), checkip_url=checkip.url)
    [result] = [r for r in report.results if r.check == "endpoint-access"]
    assert result.status == "warn"
    assert "192.0.2.10" in result.reason
