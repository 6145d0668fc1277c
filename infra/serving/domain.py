"""A real HTTPS name for the APIs: `cluster.domain` in a public Route 53 zone.

- The zone: `cluster.hosted_zone_id`, else the public zone named after the domain's parent
  (`api.example.com` → `example.com`; a two-label domain is its own zone), looked up with
  `aws.route53.get_zone`.
- The certificate, unless `ssl_certificate_arn` is given (which wins): an ACM certificate
  for the domain, validated by DNS (its CNAME record in the zone, then
  `aws.acm.CertificateValidation`, which waits until ACM has issued it). ACM certificates
  have no name, so a new domain gets a new certificate, created and attached to the
  listener before the old one is deleted (Pulumi's default create-before-delete).
- An alias `A` record for the domain to the load balancer (`domain_records`). No `AAAA`:
  the load balancer is IPv4-only (the VPC has no IPv6 ranges), so one would answer nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from cortex_spec.models.cluster import ClusterConfig

# The validation CNAME never changes while its certificate lives (ACM re-checks it to renew).
VALIDATION_TTL: Final = 300


def zone_name(domain: str) -> str:
    """The zone looked up when `hosted_zone_id` is not given."""
    labels = domain.split(".")
    return domain if len(labels) <= 2 else ".".join(labels[1:])


def hosted_zone_id(domain: str, given: str | None, parent: pulumi.Resource) -> pulumi.Output[str]:
    """The zone of the domain: `cluster.hosted_zone_id`, or the public zone found by name."""
    if given is not None:
        return pulumi.Output.from_input(given)
    zone = aws.route53.get_zone_output(
        name=zone_name(domain),
        private_zone=False,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return zone.zone_id


@dataclass(frozen=True)
class ApiCertificateArgs:
    domain: str
    zone_id: pulumi.Output[str]
    tags: dict[str, str]


class ApiCertificate(pulumi.ComponentResource):
    """An ACM certificate for the domain, validated through its zone."""

    certificate_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: ApiCertificateArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ApiCertificate", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=args.domain,
            validation_method="DNS",
            tags=args.tags,
            opts=child,
        )
        # One domain, no alternative names: exactly one validation record.
        option = certificate.domain_validation_options.apply(lambda options: options[0])
        record = aws.route53.Record(
            f"{name}-validation-record",
            zone_id=args.zone_id,
            name=option.apply(lambda o: o.resource_record_name or ""),
            type=option.apply(lambda o: o.resource_record_type or ""),
            records=[option.apply(lambda o: o.resource_record_value or "")],
            ttl=VALIDATION_TTL,
            # ACM's CNAME for a domain is the same for every certificate of it in the
            # account; one left by an earlier stack must not block this one (the pattern
            # of the aws_acm_certificate_validation documentation).
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        )
        # The listener takes the ARN from the validation: HTTPS starts with an issued one.
        self.certificate_arn = validation.certificate_arn
        self.register_outputs({"certificate_arn": self.certificate_arn})


@dataclass(frozen=True)
class DomainRecordsArgs:
    domain: str
    zone_id: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    alias_zone_id: pulumi.Output[str]


class DomainRecords(pulumi.ComponentResource):
    """The domain's alias record to the load balancer."""

    def __init__(
        self, name: str, args: DomainRecordsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:DomainRecords", name, None, opts)
        aws.route53.Record(
            f"{name}-a",
            zone_id=args.zone_id,
            name=args.domain,
            type="A",
            aliases=[
                aws.route53.RecordAliasArgs(
                    name=args.dns_name,
                    zone_id=args.alias_zone_id,
                    evaluate_target_health=True,
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


def listener_certificate(
    name: str,
    config: ClusterConfig,
    zone: pulumi.Output[str] | None,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> pulumi.Input[str] | None:
    """The HTTPS listener's certificate: the spec's, else a validated ACM one for the domain."""
    if config.ssl_certificate_arn is not None:
        return config.ssl_certificate_arn
    if config.domain is None or zone is None:
        return None
    certificate = ApiCertificate(
        f"{name}-certificate",
        ApiCertificateArgs(domain=config.domain, zone_id=zone, tags=tags),
        opts=opts,
    )
    return certificate.certificate_arn


def api_host(
    name: str,
    config: ClusterConfig,
    zone: pulumi.Output[str] | None,
    *,
    dns_name: pulumi.Output[str],
    alias_zone_id: pulumi.Output[str],
    opts: pulumi.ResourceOptions,
) -> pulumi.Output[str]:
    """Where the APIs answer: the domain (its records point at the load balancer), else
    the load balancer's own DNS name."""
    if config.domain is None or zone is None:
        return dns_name
    DomainRecords(
        f"{name}-domain",
        DomainRecordsArgs(
            domain=config.domain, zone_id=zone, dns_name=dns_name, alias_zone_id=alias_zone_id
        ),
        opts=opts,
    )
    return pulumi.Output.from_input(config.domain)


def url_of(scheme: str, endpoint: str) -> Callable[[str], str]:
    """The API's URL on a host name (`api_endpoints`)."""
    return lambda host: f"{scheme}://{host}{endpoint}"
