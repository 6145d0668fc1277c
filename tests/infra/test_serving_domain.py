"""`cluster.domain`: a validated ACM certificate, the alias record, HTTPS URLs on the domain."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest

from infra.serving.domain import zone_name
from offline.engine import evaluate
from offline.graph import PlanGraph
from offline.mock_cloud import MockCloud
from tests.infra.serving_fixtures.plans import PROGRAM, REGION, THREE_APIS, of_type

pytestmark = pytest.mark.slow

CERT = "arn:aws:acm:us-west-2:123456789012:certificate/8b1c3f7e-2d4a-4f0e-9c61-5a7d2e9b0c14"


def plan_with(tmp_path: Path, extra: str) -> PlanGraph:
    folder = tmp_path / "spec"
    shutil.copytree(THREE_APIS.parent, folder)
    text = (folder / "cortex.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  api_load_balancer_scheme: internal\n", f"  api_load_balancer_scheme: internal\n{extra}"
    )
    (folder / "cortex.yaml").write_text(text, encoding="utf-8")
    return evaluate(
        {"cortex:spec": str(folder / "cortex.yaml")},
        stack="serving",
        region=REGION,
        program=PROGRAM,
    )


@pytest.fixture(scope="module")
def domain_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanGraph:
    return plan_with(tmp_path_factory.mktemp("domain"), "  domain: api.example.com\n")


def lookup(name: str) -> dict[str, Any]:
    """What the offline plan answers to `aws.route53.get_zone(name=...)`."""
    args = pulumi.runtime.MockCallArgs("aws:route53/getZone:getZone", {"name": name}, "")
    return MockCloud(REGION).call(args)


def zone_of(name: str) -> str:
    return str(lookup(name)["zoneId"])


def test_certificate_is_validated_in_the_parent_zone(domain_plan: PlanGraph) -> None:
    """ACM certificate for the domain, DNS-validated by a record in example.com's zone, and
    a CertificateValidation that waits for it."""
    [certificate] = of_type(domain_plan, "acm/certificate:Certificate")
    assert certificate.inputs["domainName"] == "api.example.com"
    assert certificate.inputs["validationMethod"] == "DNS"
    assert "name" not in certificate.inputs
    [validation] = of_type(domain_plan, "acm/certificateValidation:CertificateValidation")
    records = {r.name: r.inputs for r in of_type(domain_plan, "route53/record:Record")}
    record = records["serving-certificate-validation-record"]
    assert record["zoneId"] == zone_of("example.com")
    assert record["type"] == "CNAME"
    assert record["name"].endswith(".api.example.com.")
    assert record["allowOverwrite"] is True
    assert validation.inputs["validationRecordFqdns"] == [record["name"].rstrip(".")]


def test_https_listener_uses_the_validated_certificate(domain_plan: PlanGraph) -> None:
    """443 serves with the certificate once validated; 80 redirects; clients may reach 443."""
    listeners = {r.name: r for r in of_type(domain_plan, "lb/listener:Listener")}
    https = listeners["serving-lb-listener-443"]
    [validation] = of_type(domain_plan, "acm/certificateValidation:CertificateValidation")
    assert https.inputs["certificateArn"].startswith("arn:aws:acm:us-west-2:")
    assert validation.urn in https.dependencies
    assert listeners["serving-lb-listener-80"].inputs["defaultActions"][0]["type"] == "redirect"
    ports = sorted(
        {
            r.inputs["fromPort"]
            for r in of_type(domain_plan, "SecurityGroupIngressRule")
            if "client" in r.name
        }
    )
    assert ports == [80, 443]


def test_domain_points_at_the_load_balancer(domain_plan: PlanGraph) -> None:
    """An alias A record for the domain to the ALB's DNS name and zone, health-evaluated."""
    [balancer] = of_type(domain_plan, "lb/loadBalancer:LoadBalancer")
    [alias] = [
        r for r in of_type(domain_plan, "route53/record:Record") if r.name == "serving-domain-a"
    ]
    assert alias.inputs["name"] == "api.example.com"
    assert alias.inputs["type"] == "A"
    assert alias.inputs["zoneId"] == zone_of("example.com")
    [target] = alias.inputs["aliases"]
    assert target["name"] == domain_plan.outputs["load_balancer_dns_name"]
    assert target["evaluateTargetHealth"] is True
    assert balancer.urn in alias.dependencies


def test_api_endpoints_are_https_on_the_domain(domain_plan: PlanGraph) -> None:
    """`api_endpoints` use the domain, and no warning about changing URLs is given."""
    assert domain_plan.outputs["api_endpoints"] == {
        "classifier": "https://api.example.com/vision/classify",
        "embedder": "https://api.example.com/embedder",
        "sentiment": "https://api.example.com/sentiment",
    }
    assert domain_plan.outputs["api_domain"] == "api.example.com"
    assert not any("cluster.domain is not set" in w for w in domain_plan.warnings)


def test_given_zone_is_used_as_is(tmp_path: Path) -> None:
    """With `hosted_zone_id`, records go to that zone (no lookup by name)."""
    graph = plan_with(
        tmp_path, "  domain: api.example.com\n  hosted_zone_id: Z0123456789ABCDEFGHIJ\n"
    )
    zones = {r.inputs["zoneId"] for r in of_type(graph, "route53/record:Record")}
    assert zones == {"Z0123456789ABCDEFGHIJ"}


def test_given_certificate_wins_over_acm(tmp_path: Path) -> None:
    """With `ssl_certificate_arn` no ACM certificate is requested; the domain still points
    at the load balancer and the listener uses the given certificate."""
    graph = plan_with(tmp_path, f"  domain: api.example.com\n  ssl_certificate_arn: {CERT}\n")
    assert of_type(graph, "acm/certificate:Certificate") == []
    [https] = [r for r in of_type(graph, "lb/listener:Listener") if r.inputs["port"] == 443]
    assert https.inputs["certificateArn"] == CERT
    assert [r.name for r in of_type(graph, "route53/record:Record")] == ["serving-domain-a"]


@pytest.mark.parametrize(
    ("domain", "zone"),
    [
        ("api.example.com", "example.com"),
        ("example.com", "example.com"),
        ("a.b.example.org", "b.example.org"),
    ],
)
def test_zone_is_the_parent_of_the_domain(domain: str, zone: str) -> None:
    """The looked-up zone drops the first label; a two-label domain is its own zone."""
    assert zone_name(domain) == zone


def test_offline_zone_lookup_is_deterministic() -> None:
    """The mock answers `get_zone` with a public zone whose ID is a function of its name."""
    first, again = lookup("example.com"), lookup("example.com.")
    assert first == again
    assert first["privateZone"] is False
    assert str(first["zoneId"]).startswith("Z")
    assert first["zoneId"] != zone_of("example.org")
