"""`cortex-infra serve`: the local runtime gets the pod's environment, and refuses what it
cannot serve."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from cortex_spec import load_spec
from cortex_spec.serving_env import api_spec_document, serving_environment
from runtime import contract
from tests.cli.projects import CLUSTER
from tests.serving_processes import cortex_serve

SPEC = (
    CLUSTER
    + """
apis:
  - name: echo
    kind: RealtimeAPI
    networking: {endpoint: /v1/echo}
    predictor:
      type: python
      path: predictor.py
      python_path: lib
      config: {greeting: hi}
      env: {ZED: last, ALPHA: first}
      threads_per_process: 2
    pod: {port: 9000, max_concurrency: 3, max_queue_length: 7}
  - name: boxed
    kind: RealtimeAPI
    pod:
      containers:
        - name: server
          image: ghcr.io/example/server:1.0
          env: {MODEL: small}
"""
)
PREDICTOR = """
from helper import suffix


class PythonPredictor:
    def __init__(self, config):
        self.config = config

    def predict(self, payload, headers):
        return {"greeting": self.config["greeting"] + suffix(), "agent": headers["x-agent"]}
"""


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "predictor.py").write_text(PREDICTOR)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "helper.py").write_text("def suffix():\n    return '!'\n")
    # Installed where the tests run: serve starts; dependencies.sh is only noted.
    (tmp_path / "requirements.txt").write_text("httpx\npyyaml  # any case, any separator\n")
    (tmp_path / "dependencies.sh").write_text("apt-get install -y tree\n")
    return tmp_path / "cortex.yaml"


def test_the_pod_environment_follows_the_contract(spec_path: Path) -> None:
    """The predictor form's env has the contract's values, then user variables sorted."""
    spec = load_spec(spec_path)
    env = serving_environment(spec.api("echo"), spec, bundle_uri="s3://b/k.zip", bundle_sha256="ab")
    assert env[contract.ENV_PORT] == "9000"
    assert env[contract.ENV_ENDPOINT] == "/v1/echo"
    assert env[contract.ENV_PROJECT_BUNDLE] == "s3://b/k.zip"
    assert (env[contract.ENV_MAX_CONCURRENCY], env[contract.ENV_MAX_QUEUE_LENGTH]) == ("3", "7")
    assert (env[contract.ENV_PROCESSES], env[contract.ENV_THREADS]) == ("1", "2")
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-west-2"
    assert list(env)[-2:] == ["ALPHA", "ZED"]
    document = api_spec_document(
        spec.api("echo"), spec, bundle_uri="s3://b/k.zip", bundle_sha256="ab"
    )
    assert document["resolved"]["threads_per_process"] == 2
    assert document["api"]["predictor"]["config"] == {"greeting": "hi"}


def test_the_container_form_gives_the_proxy_and_the_containers_their_ports(spec_path: Path) -> None:
    """Proxy: CORTEX_PORT 8888 and the upstream port; user containers: pod.port and their env."""
    spec = load_spec(spec_path)
    boxed = spec.api("boxed")
    proxy = serving_environment(boxed, spec)
    assert proxy[contract.ENV_PORT] == str(contract.PROXY_PORT)
    assert proxy[contract.ENV_UPSTREAM_PORT] == str(contract.DEFAULT_PORT)
    assert contract.ENV_PROJECT_BUNDLE not in proxy
    server = serving_environment(boxed, spec, container="server")
    assert server[contract.ENV_PORT] == str(contract.DEFAULT_PORT)
    assert server["MODEL"] == "small"
    assert contract.ENV_UPSTREAM_PORT not in server
    assert api_spec_document(boxed, spec)["project"] is None


def test_missing_requirements_are_named_with_the_command_that_installs_them(
    spec_path: Path,
) -> None:
    """A requirements.txt asking for what this interpreter lacks: exit 1 before the
    predictor starts, naming the file, the line, the distributions and the pip command."""
    folder = spec_path.parent
    (folder / "requirements.txt").write_text("# the model\n-r more.txt\nPyYAML>=6\n")
    (folder / "more.txt").write_text("torch==2.15.0\nnot-a-real-dist-cortex\n")
    result = CliRunner().invoke(app, ["serve", str(spec_path), "--api", "echo"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "more.txt:1:1: apis[echo]: not installed where cortex-infra runs" in result.output
    assert "torch, not-a-real-dist-cortex" in result.output
    assert f"-m pip install -r {folder / 'requirements.txt'}" in result.output
    assert "Traceback" not in result.output


def test_the_request_limits_follow_the_memory_and_the_load_balancer(spec_path: Path) -> None:
    """The body limit comes from the memory of the container reading bodies (the proxy's
    100Mi in the container form); the request timeout is the load balancer's idle timeout."""
    spec = load_spec(spec_path)
    echo = serving_environment(
        spec.api("echo"), spec, bundle_uri="s3://b/k.zip", bundle_sha256="ab"
    )
    assert echo[contract.ENV_MAX_BODY_BYTES] == str(contract.DEFAULT_MAX_BODY_BYTES)  # no mem
    assert echo[contract.ENV_REQUEST_TIMEOUT_SECONDS] == "60"
    proxy = serving_environment(spec.api("boxed"), spec, keep_alive_seconds=1215)
    assert proxy[contract.ENV_MAX_BODY_BYTES] == str(contract.MIN_BODY_BYTES)
    assert proxy[contract.ENV_REQUEST_TIMEOUT_SECONDS] == "1200"


def test_an_unknown_api_is_an_input_error(spec_path: Path) -> None:
    """--api with a name the spec lacks exits 1 and lists the known names."""
    result = CliRunner().invoke(app, ["serve", str(spec_path), "--api", "nope"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert 'no API named "nope" (known: echo, boxed)' in result.output


def test_a_container_form_api_is_refused(spec_path: Path) -> None:
    """serve runs predictors only; the container form is pointed at its images instead."""
    result = CliRunner().invoke(app, ["serve", str(spec_path), "--api", "boxed"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "serve runs predictor-form APIs" in result.output


@pytest.mark.parametrize("log_format", ["json", "human"])
def test_serve_runs_the_predictor_locally_and_ctrl_c_stops_it(
    spec_path: Path, log_format: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The local server answers at / and at the endpoint with python_path and config applied;
    its log lines are the pod's JSON, or text for a person (--log-format human, the default
    on a terminal)."""
    logs = tmp_path_factory.mktemp("serve-logs")
    with cortex_serve(spec_path, "echo", logs, "--log-format", log_format) as served:
        for path in ("/", "/v1/echo"):
            reply = httpx.post(served.url + path, json={}, headers={"x-agent": "test"})
            assert reply.json() == {"greeting": "hi!", "agent": "test"}
    assert served.process.returncode == 0, served.report()
    lines = served.stdout().splitlines()
    if log_format == "human":
        assert not any(line.startswith("{") for line in lines)
        assert any(line.split()[1:3] == ["INFO", "ready"] for line in lines)
        assert lines[-1].split()[2] == "stopped"
        return
    events = [json.loads(line).get("event") for line in lines]
    assert "ready" in events
    assert events[-1] == "stopped"
