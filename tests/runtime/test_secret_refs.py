"""The `secret:` reference syntax: what parses, what is refused with a hint, and the exact
IAM resource each reference grants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.secret_refs import SECRETS_MANAGER, SSM, SecretRefError, is_reference, parse

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:shared/upstream-AbCdEf"
PARAMETER_ARN = "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/db/password"


@pytest.mark.parametrize(
    ("text", "service", "identifier", "key"),
    [
        ("secret:aws:secretsmanager:prod/db", SECRETS_MANAGER, "prod/db", None),
        ("secret:aws:secretsmanager:prod/db#password", SECRETS_MANAGER, "prod/db", "password"),
        (f"secret:aws:secretsmanager:{SECRET_ARN}", SECRETS_MANAGER, SECRET_ARN, None),
        (f"secret:aws:secretsmanager:{SECRET_ARN}#k", SECRETS_MANAGER, SECRET_ARN, "k"),
        ("secret:aws:ssm:/prod/db/password", SSM, "/prod/db/password", None),
        ("secret:aws:ssm:plain-name", SSM, "plain-name", None),
        (f"secret:aws:ssm:{PARAMETER_ARN}", SSM, PARAMETER_ARN, None),
    ],
)
def test_valid_references_parse(text: str, service: str, identifier: str, key: str | None) -> None:
    """Both stores, by name or ARN, with an optional JSON key for Secrets Manager."""
    ref = parse(text)
    assert (ref.service, ref.identifier, ref.json_key) == (service, identifier, key)


@pytest.mark.parametrize(
    "text",
    [
        "secret:vault:kv/db",
        "secret:aws:secretsmanager:",
        "secret:aws:secretsmanager:has space",
        "secret:aws:secretsmanager:prod/db#",
        "secret:aws:secretsmanager:arn:aws:secretsmanager:us-east-1:111122223333:secret:partial",
        "secret:aws:ssm:/prod/db#key",
        "secret:aws:ssm:/prod//db",
        "secret:aws:ssm:arn:aws:ssm:us-east-1:111122223333:parameter",
        "secret:aws:ssm:/" + "a" * 1100,
    ],
)
def test_malformed_references_are_refused_with_a_hint(text: str) -> None:
    """A typo is an error naming the reference, never a value passed on as text."""
    with pytest.raises(SecretRefError) as caught:
        parse(text)
    assert text[:40] in str(caught.value)
    assert caught.value.hint


@given(st.text(max_size=300))
def test_any_secret_prefixed_text_parses_or_is_refused(tail: str) -> None:
    """Whatever follows `secret:`, parse answers a reference or SecretRefError, nothing else."""
    text = "secret:" + tail
    assert is_reference(text)
    try:
        ref = parse(text)
    except SecretRefError:
        return
    assert ref.text == text


@given(st.from_regex(r"(/[A-Za-z0-9_.-]{1,20}){1,5}", fullmatch=True))
def test_parameter_names_round_trip(name: str) -> None:
    """Every hierarchical parameter name the store accepts parses back to itself."""
    ref = parse(f"secret:aws:ssm:{name}")
    assert ref.identifier == name
    assert ref.resource("aws", "us-west-2", "123456789012").endswith(f":parameter{name}")


def test_grants_name_exactly_the_referenced_secret() -> None:
    """A secret by name gets `<name>-??????` (its six random characters), never a `*`."""
    by_name = parse("secret:aws:secretsmanager:prod/db#password")
    resource = by_name.resource("aws", "us-west-2", "123456789012")
    assert resource == "arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/db-??????"
    by_arn = parse(f"secret:aws:secretsmanager:{SECRET_ARN}")
    assert by_arn.resource("aws", "us-west-2", "123456789012") == SECRET_ARN
    assert by_arn.region("us-west-2") == "us-east-1"
    plain = parse("secret:aws:ssm:plain-name")
    assert plain.resource("aws-cn", "cn-north-1", "123456789012") == (
        "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/plain-name"
    )


def test_only_strings_starting_with_the_prefix_are_references() -> None:
    """`secret:` must open the value; elsewhere, or in a non-string, it is plain text."""
    assert not is_reference("my secret:aws:ssm:/x")
    assert not is_reference(42)
    assert not is_reference(None)
