"""`cortex-infra preflight` against moto: the table, JSON, and exit codes 0, 4 and 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cortex_aws.session import AwsSession
from cortex_cli import loading
from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from cortex_spec import Spec
from tests.aws import stubs
from tests.cli.projects import write_project
from tests.conftest import CheckIp, MotoServer


def _run(monkeypatch: pytest.MonkeyPatch, spec: Path, vcpu: dict[str, float], *args: str) -> Result:
    """EC2 quotas are stubbed (moto lacks ListServiceQuotas for ec2); the rest is moto."""

    def session_for(loaded: Spec) -> AwsSession:
        session = AwsSession(loaded.cluster.region)
        stubs.stub_quotas(session, vcpu)
        return session

    monkeypatch.setattr(loading, "session_for", session_for)
    return CliRunner().invoke(app, ["preflight", str(spec), *args])


def test_feasible_spec_exits_0_with_a_table(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkip: CheckIp
) -> None:
    """Nothing fails: exit 0, one PASS row per check (this machine's address, from the
    loopback checkip, is allowed), and a summary line."""
    result = _run(monkeypatch, stubs.write_spec(tmp_path), stubs.AMPLE)
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.output.splitlines()
    assert lines[2].split() == ["RESULT", "CHECK", "SUBJECT", "REASON"]
    assert any(line.startswith("PASS    vcpu-quota") for line in lines)
    assert any(line.startswith("PASS    endpoint-access") for line in lines)
    assert lines[-1] == "20 passed, 0 warnings, 0 failed: ready to deploy"


def test_quota_shortfall_exits_4_naming_the_family(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An infeasible spec fails by name: the spot G line, its need, and how to fix it."""
    vcpu = {**stubs.AMPLE, "g/spot": 16.0}
    result = _run(monkeypatch, stubs.write_spec(tmp_path), vcpu)
    assert result.exit_code == ExitCode.CHECKS_FAILED
    [row] = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert "vcpu-quota" in row
    assert "g spot" in row
    assert "may need up to 48 vCPU" in row
    assert "#!/services/ec2/quotas/L-3819A6DF" in result.output
    assert "not ready: fix the failures above" in result.output


def test_json_lists_every_check(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkip: CheckIp
) -> None:
    """--json prints one document with ok, summary and every check's status and reason."""
    result = _run(monkeypatch, stubs.write_spec(tmp_path), stubs.AMPLE, "--json")
    document = json.loads(result.output)
    assert document["ok"] is True
    assert document["summary"] == {"pass": 20, "warn": 0, "fail": 0}
    assert {c["check"] for c in document["checks"]} >= {
        "identity",
        "offerings",
        "certificate",
        "endpoint-access",
    }


def test_missing_credentials_exit_3_with_the_fix(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials: exit 3 (cloud error), a clear message and fix, no traceback."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = CliRunner().invoke(app, ["preflight", str(stubs.write_spec(tmp_path))])
    assert result.exit_code == ExitCode.CLOUD_ERROR
    assert "error: no AWS credentials found (NoCredentials)" in result.output
    assert "fix: configure AWS credentials" in result.output
    assert "Traceback" not in result.output


def test_stack_checks_the_environment_its_stack_file_names(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """preflight --stack prod: the user's Pulumi.prod.yaml picks the environment, so the
    cluster checked is the prod one; a stack without a file exits 1 naming it."""
    text = stubs.FEASIBLE + "environments:\n  prod:\n    cluster: {name: feasible-prod}\n"
    spec = stubs.write_spec(tmp_path, text)
    write_project(tmp_path, stacks={"blue": {"cortex:environment": "prod"}})
    result = _run(monkeypatch, spec, stubs.AMPLE, "--stack", "blue", "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.output)["cluster"] == "feasible-prod"
    missing = _run(monkeypatch, spec, stubs.AMPLE, "--stack", "green")
    assert missing.exit_code == ExitCode.INVALID_INPUT
    assert str(tmp_path / "Pulumi.green.yaml") in missing.output
