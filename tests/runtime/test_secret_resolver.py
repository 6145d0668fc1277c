"""Resolving `secret:` references at start, against the moto server: environment, config,
held-back config values and the container form's files; errors name the reference only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from runtime import contract
from runtime.secret_resolver import (
    Resolver,
    SecretResolutionError,
    predictor_config,
    resolve_environment,
    resolve_into_files,
    resolve_serving,
)
from runtime.settings import PredictorSettings, Settings
from tests.conftest import MotoServer

REGION = "us-west-2"
DB_PASSWORD = "s3cr3t-from-the-store"
TOKEN = "hf_token_from_secrets_manager"


@pytest.fixture
def stores(aws: MotoServer) -> dict[str, str]:
    """A JSON secret, a plain secret and a SecureString parameter; their ARNs by name."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    json_arn = secrets.create_secret(
        Name="ranker/huggingface", SecretString=json.dumps({"token": TOKEN, "n": 3})
    )["ARN"]
    plain_arn = secrets.create_secret(Name="ranker/plain", SecretString="plain-value")["ARN"]
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name="/ranker/db/password", Value=DB_PASSWORD, Type="SecureString"
    )
    return {"json": json_arn, "plain": plain_arn}


def test_environment_references_are_replaced_in_place(stores: dict[str, str]) -> None:
    """Each reference variable gets its value; other variables are untouched."""
    environ = {
        "HF_TOKEN": "secret:aws:secretsmanager:ranker/huggingface#token",
        "DB_PASSWORD": "secret:aws:ssm:/ranker/db/password",
        "BY_ARN": f"secret:aws:secretsmanager:{stores['plain']}",
        "MODEL": "all-MiniLM-L6-v2",
    }
    resolver = Resolver(REGION)
    assert resolve_environment(environ, resolver) == ["BY_ARN", "DB_PASSWORD", "HF_TOKEN"]
    assert environ == {
        "HF_TOKEN": TOKEN,
        "DB_PASSWORD": DB_PASSWORD,
        "BY_ARN": "plain-value",
        "MODEL": "all-MiniLM-L6-v2",
    }
    assert resolver.resolved == 3


def test_config_references_at_any_depth_and_held_back_values(stores: dict[str, str]) -> None:
    """Held-back literals are put back by JSON pointer, then references resolve; a non-string
    JSON value arrives as JSON text."""
    config: dict[str, Any] = {
        "threshold": 0.5,
        "database": {"password": "secret:aws:ssm:/ranker/db/password", "url": "[masked]"},
        "keys": ["secret:aws:secretsmanager:ranker/huggingface#n"],
    }
    environ = {contract.ENV_SECRET_CONFIG: json.dumps({"/database/url": "postgres://u:p@h/db"})}
    resolved = predictor_config(config, environ, Resolver(REGION))
    assert resolved == {
        "threshold": 0.5,
        "database": {"password": DB_PASSWORD, "url": "postgres://u:p@h/db"},
        "keys": ["3"],
    }
    assert config["database"]["url"] == "[masked]", "the caller's config is not changed"


def test_serving_settings_resolve_before_the_predictor_loads(stores: dict[str, str]) -> None:
    """resolve_serving returns settings whose predictor config holds values, not references."""
    settings = Settings(
        api_name="ranker",
        port=8080,
        endpoint="/ranker",
        max_concurrency=1,
        max_queue_length=1,
        drain_seconds=1,
        log_level="info",
        predictor=PredictorSettings(
            path="predictor.py", config={"token": "secret:aws:secretsmanager:ranker/plain"}
        ),
    )
    environ = {"AWS_REGION": REGION, "DB": "secret:aws:ssm:/ranker/db/password"}
    resolved, count = resolve_serving(settings, environ)
    assert resolved.predictor is not None
    assert resolved.predictor.config == {"token": "plain-value"}
    assert environ["DB"] == DB_PASSWORD
    assert count == 2


def test_container_form_writes_one_file_per_variable_and_an_env_file(
    stores: dict[str, str], tmp_path: Path
) -> None:
    """The init step writes <dir>/<container>/<NAME> and a sourceable env file, for the
    containers with references only."""
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps(
            {
                "api": {
                    "pod": {
                        "containers": [
                            {
                                "name": "server",
                                "env": {
                                    "DB_PASSWORD": "secret:aws:ssm:/ranker/db/password",
                                    "QUOTED": "secret:aws:secretsmanager:ranker/plain",
                                    "LOG_LEVEL": "info",
                                },
                            },
                            {"name": "sidecar", "env": {"A": "b"}},
                        ]
                    }
                }
            }
        )
    )
    out = tmp_path / "secrets"
    environ = {"AWS_REGION": REGION, contract.ENV_API_SPEC_PATH: str(spec)}
    assert resolve_into_files(environ, out) == 2
    assert (out / "server" / "DB_PASSWORD").read_text() == DB_PASSWORD
    assert (out / "server" / "env").read_text() == (
        f"export DB_PASSWORD={DB_PASSWORD}\nexport QUOTED=plain-value\n"
    )
    assert not (out / "sidecar").exists()


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        ("secret:aws:ssm:/ranker/missing", "ParameterNotFound"),
        ("secret:aws:secretsmanager:ranker/missing", "ResourceNotFoundException"),
        ("secret:aws:secretsmanager:ranker/plain#token", "not a JSON object"),
        ("secret:aws:secretsmanager:ranker/huggingface#absent", "has no key absent"),
    ],
)
def test_failures_name_the_reference_never_a_value(
    stores: dict[str, str], reference: str, words: str
) -> None:
    """A start that cannot resolve fails with the reference and the reason, no secret."""
    with pytest.raises(SecretResolutionError) as caught:
        resolve_environment({"X": reference}, Resolver(REGION))
    message = str(caught.value)
    assert reference in message
    assert words in message
    assert TOKEN not in message
    assert "plain-value" not in message


def test_no_region_fails_only_when_a_reference_needs_one(aws: MotoServer) -> None:
    """A local run without references needs no region; a name without ARN does."""
    assert resolve_environment({"A": "b"}, Resolver(None)) == []
    with pytest.raises(SecretResolutionError, match="AWS_REGION"):
        resolve_environment({"A": "secret:aws:ssm:/x"}, Resolver(None))


def test_each_secret_is_fetched_once_per_start() -> None:
    """Several references to one secret (different JSON keys) make one call."""
    calls: list[str] = []

    class Client:
        def get_secret_value(self, SecretId: str) -> dict[str, str]:  # noqa: N803 - boto3's
            calls.append(SecretId)
            return {"SecretString": json.dumps({"a": "1", "b": "2"})}

    resolver = Resolver(REGION, lambda service, region: Client())
    environ = {
        "A": "secret:aws:secretsmanager:app#a",
        "B": "secret:aws:secretsmanager:app#b",
    }
    resolve_environment(environ, resolver)
    assert environ == {"A": "1", "B": "2"}
    assert calls == ["app"]
