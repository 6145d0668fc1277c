"""Secrets in a spec: which literals look secret, their markers, and the located warnings and
errors validation gives for literals and references."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cortex_spec import SpecError, load_spec
from cortex_spec.secret_literals import MARKER_PREFIX, is_marker, looks_secret, marker

HEADER = """\
cluster:
  name: secrets
  region: us-west-2
  node_groups:
    - {name: cpu, instance_type: m6i.xlarge}
apis:
  - name: ranker
    kind: RealtimeAPI
    predictor:
      type: python
      path: predictor.py
"""


def _spec(tmp_path: Path, body: str) -> Path:
    (tmp_path / "predictor.py").write_text("class PythonPredictor:\n    pass\n")
    path = tmp_path / "cortex.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD", "hunter2-but-longer"),
        ("apiKey", "abcd1234"),
        ("GITHUB_TOKEN", "ghp_short"),
        ("client-secret", "value-here"),
        ("ANYTHING", "AKIAIOSFODNN7EXAMPLE"),
        ("url", "postgres://ranker:pl41nt3xt-pw@db.internal:5432/ranker"),
        ("cert", "-----BEGIN RSA PRIVATE KEY-----\nMII..."),
        ("x", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig"),
        ("key", "sk-test-Zq8xN3vK7pL2mR9tY4wB6cD1"),
    ],
)
def test_credential_names_and_shapes_look_secret(name: str, value: str) -> None:
    """A secret word in the name, or a credential's shape in the value, is flagged."""
    assert looks_secret(name, value) is not None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD_FILE", "/run/secrets/db"),
        ("TOKEN_TTL", "3600s"),
        ("MAX_TOKENS", "4096"),
        ("SECRET_NAME", "prod/db"),
        ("API_KEY_HEADER", "X-Api-Key"),
        ("ENABLE_TOKEN", "true"),
        ("PASSWORD", "abc"),
        ("MODEL_NAME", "sentence-transformers/all-MiniLM-L6-v2"),
        ("MODEL_PATH", "s3://models/resnet50/1/model.onnx"),
        ("DIGEST", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        ("CLASS", "transformers.AutoModelForSequenceClassification"),
        ("DB_PASSWORD", "secret:aws:ssm:/prod/db/password"),
        ("threshold", 0.5),
    ],
)
def test_everyday_values_do_not_look_secret(name: str, value: object) -> None:
    """Names about a secret, short or boolean values, ids, paths, digests and references
    are not flagged."""
    assert looks_secret(name, value) is None


@given(st.text(max_size=200), st.text(max_size=200))
def test_markers_are_stable_and_never_hold_the_value(first: str, second: str) -> None:
    """Equal values, equal markers; different values, different markers; no value inside."""
    assert marker(first) == marker(first)
    assert is_marker(marker(first))
    assert (marker(first) == marker(second)) == (first == second)
    # A value that is part of the marker's fixed text ("sha2") tells nothing by being there.
    if len(first) >= 4 and first not in f"{MARKER_PREFIX}]":
        assert first not in marker(first)


def test_a_malformed_reference_is_a_located_error(tmp_path: Path) -> None:
    """The reference's own line, its field path and how to write one."""
    path = _spec(tmp_path, "      env:\n        DB: secret:aws:ssm:/db#key\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    [problem] = caught.value.problems
    assert problem.location is not None
    assert problem.location.line == 13
    assert problem.path.endswith("predictor.env.DB")
    assert problem.hint
    assert "secretsmanager" in problem.hint


def test_a_secret_literal_is_a_masked_warning(tmp_path: Path) -> None:
    """A password written in is warned of at its line, with the marker shown instead of it,
    and the fix names the reference syntax."""
    path = _spec(
        tmp_path,
        "      env:\n        DB_PASSWORD: hunter2-but-longer\n"
        "      config:\n        db: {password: another-long-one}\n",
    )
    warnings = load_spec(path).warnings
    assert [w.path.rsplit(".", 1)[-1] for w in warnings] == ["DB_PASSWORD", "password"]
    for warning in warnings:
        rendered = warning.render()
        assert "hunter2" not in rendered
        assert "another-long-one" not in rendered
        assert "[secret sha256:" in rendered
        assert warning.hint
        assert "secret:aws:ssm:" in warning.hint


def test_kms_keys_without_references_are_warned_of(tmp_path: Path) -> None:
    """secrets_kms_key_arns with nothing to decrypt has no effect, and says so."""
    key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    path = _spec(tmp_path, f"    secrets_kms_key_arns: [{key}]\n")
    [warning] = load_spec(path).warnings
    assert warning.path.endswith("secrets_kms_key_arns")
    assert "no effect" in warning.message


def test_a_kms_alias_is_refused(tmp_path: Path) -> None:
    """Only key ARNs: an alias cannot be scoped in an IAM policy's Resource."""
    alias = "arn:aws:kms:us-west-2:123456789012:alias/app"
    path = _spec(
        tmp_path,
        f"      env: {{DB: 'secret:aws:ssm:/db'}}\n    secrets_kms_key_arns: [{alias}]\n",
    )
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert "not a KMS key ARN" in caught.value.problems[0].message
