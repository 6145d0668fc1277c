"""`cortex-infra status` against moto: an undeployed cluster is clean, JSON says so too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from tests.aws import stubs
from tests.aws.test_status import CPU, SHOP, SYSTEM, deploy_in_moto
from tests.conftest import MotoServer


def test_undeployed_cluster_prints_not_deployed(aws: MotoServer, tmp_path: Path) -> None:
    """Status of a cluster that does not exist: one line, exit 0, no traceback."""
    result = CliRunner().invoke(app, ["status", str(stubs.write_spec(tmp_path, SHOP))])
    assert result.exit_code == ExitCode.OK
    assert result.output == "shop: not deployed (no EKS cluster named shop in us-west-2)\n"


def test_undeployed_cluster_json(aws: MotoServer, tmp_path: Path) -> None:
    """--json: deployed false and empty lists, not an error document."""
    result = CliRunner().invoke(app, ["status", str(stubs.write_spec(tmp_path, SHOP)), "--json"])
    document = json.loads(result.output)
    assert (document["deployed"], document["node_groups"], document["apis"]) == (False, [], [])


def test_deployed_cluster_shows_groups_balancer_and_urls(aws: MotoServer, tmp_path: Path) -> None:
    """A deployed cluster: its state, a node group table, the ALB and each API's URL."""
    dns = deploy_in_moto()
    result = CliRunner().invoke(app, ["status", str(stubs.write_spec(tmp_path, SHOP))])
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("shop in us-west-2: ACTIVE, Kubernetes ")
    # EKS's name of the group (`cpu-<suffix>`), as the stack made it.
    assert any(line.split()[:2] == [CPU, "ACTIVE"] for line in lines)
    assert f"load balancer serving-lb-alb-9f8e7d6: active, {dns}" in result.output
    assert "router: 0/0 replicas healthy" in result.output
    assert f"http://{dns}/echo" in result.output


def test_deployed_cluster_json(aws: MotoServer, tmp_path: Path) -> None:
    """--json of a deployed cluster: node group sizes, the balancer and API URLs as data."""
    dns = deploy_in_moto()
    result = CliRunner().invoke(app, ["status", str(stubs.write_spec(tmp_path, SHOP)), "--json"])
    document = json.loads(result.output)
    assert document["deployed"] is True
    groups = document["node_groups"]
    sizes = [(g["group"], g["name"], g["desired"], g["minimum"], g["maximum"]) for g in groups]
    assert sizes == [("cpu", CPU, 1, 1, 3), ("system", SYSTEM, 2, 2, 5)]
    assert document["load_balancer"]["dns_name"] == dns
    assert [a["url"] for a in document["apis"]] == [f"http://{dns}/echo"]


def test_unknown_profile_is_a_clear_cloud_error(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_PROFILE naming no profile: exit 3 with the reason and the fix, not a bug report."""
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    result = CliRunner().invoke(app, ["status", str(stubs.write_spec(tmp_path, SHOP))])
    assert result.exit_code == ExitCode.CLOUD_ERROR
    assert "The config profile (no-such-profile) could not be found" in result.output
    assert "internal error" not in result.output
