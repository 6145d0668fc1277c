"""No secret-looking literal reaches any output: `plan` (text, JSON), `diff` (text, JSON,
markdown) and `validate` show markers and located warnings instead; a changed literal still
shows as a change. The diff lists the risks its head brings in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Final

import pytest
from typer.testing import CliRunner, Result

from cortex_cli.main import app
from tests.infra.serving_fixtures.plans import SECRETS

pytestmark = pytest.mark.slow

LITERALS: Final = (
    "hunter2-but-longer",
    "pl41nt3xt-pw",
    "sk-test-Zq8xN3vK7pL2mR9tY4wB6cD1",
    "AKIAIOSFODNN7EXAMPLE",
)
CHANGED: Final = "rotated-password-value"


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [*map(str, args)])


def _no_literal(text: str) -> None:
    for literal in (*LITERALS, CHANGED):
        assert literal not in text


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The secrets fixture as base; head rotates DB_PASSWORD and opens the endpoint wider."""
    root = tmp_path_factory.mktemp("sides")
    base, head = root / "base", root / "head"
    shutil.copytree(SECRETS.parent, base)
    shutil.copytree(SECRETS.parent, head)
    narrow = "  region: us-west-2\n  endpoint_public_access_cidrs: [203.0.113.0/24]\n"
    text = (base / "cortex.yaml").read_text().replace("  region: us-west-2\n", narrow)
    (base / "cortex.yaml").write_text(text)
    head_text = SECRETS.read_text().replace("hunter2-but-longer", CHANGED)
    (head / "cortex.yaml").write_text(head_text)
    return base / "cortex.yaml", head / "cortex.yaml"


def test_plan_text_and_json_hold_markers_and_warnings_only() -> None:
    """The plan names each literal's location and the fix, never the value."""
    text = _run("plan", SECRETS)
    assert text.exit_code == 0, text.output
    _no_literal(text.output)
    assert "predictor.env.DB_PASSWORD: looks like a secret" in text.output
    document = _run("plan", SECRETS, "--json")
    assert document.exit_code == 0, document.output
    _no_literal(document.output)
    assert "[secret sha256:" in document.output
    assert "secret:aws:ssm:/ranker/db/password" in document.output


def test_validate_warnings_show_the_marker_in_the_excerpt() -> None:
    """The excerpt under a warning cuts the line at the value and shows its marker."""
    result = _run("validate", SECRETS)
    assert result.exit_code == 0, result.output
    _no_literal(result.output)
    assert "DB_PASSWORD: [secret sha256:" in result.output


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_diff_masks_a_rotated_literal_but_shows_the_change(
    sides: tuple[Path, Path], output_format: str
) -> None:
    """A rotated password is a new literal Secret (markers only) in every rendering."""
    base, head = sides
    result = _run("diff", base, head, "--format", output_format)
    assert result.exit_code == 0, result.output
    _no_literal(result.output)
    assert "ranker-literals" in result.output


def test_diff_lists_the_risk_its_head_brings_in(sides: tuple[Path, Path]) -> None:
    """Opening the endpoint to 0.0.0.0/0 is a new risk, in text and JSON."""
    base, head = sides
    text = _run("diff", base, head)
    assert "risks this change brings in:" in text.output
    assert "! cluster.endpoint_public_access_cidrs:" in text.output
    document = json.loads(_run("diff", base, head, "--format", "json").output)
    codes = {(r["code"], r["new"]) for r in document["risks"]}
    assert ("public-api-endpoint", True) in codes
    assert ("plain-http-to-internet", False) in codes
