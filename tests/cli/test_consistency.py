"""What every command shares: --version, exit codes in --help, folders as SPEC, --json on
diff, usage errors for malformed flags, markdown escaping, and readable runtime logs."""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cortex_cli.exit_codes import ExitCode
from cortex_cli.log_lines import human
from cortex_cli.main import app
from offline import engine
from offline.diff_markdown import _code
from tests.cli.projects import write_project
from tests.conftest import EXAMPLES

DIFF_PROGRAM = Path(__file__).resolve().parents[1] / "offline" / "diff_program.py"
SPEC = """\
cluster:
  name: demo
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b]
  node_groups:
    - {name: cpu, instance_type: m6i.large, min_instances: 1, max_instances: 3}
apis:
  - name: sentiment
    kind: RealtimeAPI
    pod:
      containers:
        - name: api
          image: "public.ecr.aws/docker/library/nginx:1.27"
          compute: {cpu: 1, mem: 1Gi}
    autoscaling: {min_replicas: 1, max_replicas: MAX}
"""


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_version_prints_the_installed_version() -> None:
    """`--version` prints the distribution's version and exits 0."""
    code, out, _ = _run("--version")
    assert code == ExitCode.OK
    assert out.strip() == f"cortex-infra {importlib.metadata.version('cortex-infra')}"


@pytest.mark.parametrize("command", [[], ["plan"], ["diff"], ["get"], ["logs"]])
def test_help_lists_the_exit_codes(command: list[str]) -> None:
    """The top-level help and each command's help end with every exit code."""
    code, out, _ = _run(*command, "--help")
    assert code == ExitCode.OK
    for words in ("0 ok", "1 bad input", "2 usage", "3 cloud error", "4 checks failed"):
        assert words in out
    assert "70 internal error" in out


def test_a_folder_stands_for_its_cortex_yaml(tmp_path: Path) -> None:
    """`validate DIR` reads DIR/cortex.yaml, as if it had been named."""
    shutil.copytree(EXAMPLES / "cpu", tmp_path / "cpu")
    code, out, err = _run("validate", tmp_path / "cpu", "--json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["ok"] is True


def test_a_project_folder_stands_for_its_stack_spec(tmp_path: Path) -> None:
    """A project folder without cortex.yaml stands for the stack's `cortex:spec`."""
    write_project(tmp_path, stacks={"dev": {"cortex:spec": "specs/demo.yaml"}})
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.yaml").write_text(SPEC.replace("MAX", "4"))
    code, out, err = _run("validate", tmp_path, "--stack", "dev", "--json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["cluster"]["name"] == "demo"


def test_a_folder_without_a_spec_is_a_clear_error(tmp_path: Path) -> None:
    """A folder with no cortex.yaml: exit 1 naming the file expected, no "Is a directory"."""
    code, _, err = _run("validate", tmp_path)
    assert code == ExitCode.INVALID_INPUT
    assert "without cortex.yaml" in err
    assert "Is a directory" not in err


@pytest.mark.parametrize("url", ["bucket-without-scheme", "https://example.com/state", "s3://"])
def test_a_malformed_backend_url_is_a_usage_error(tmp_path: Path, url: str) -> None:
    """`--against-state` that is no s3:// URL exits 2 (usage) before reading any state."""
    spec = tmp_path / "cortex.yaml"
    spec.write_text(SPEC.replace("MAX", "4"))
    code, _, err = _run("diff", "--against-state", url, spec, "--stack", "prod")
    assert code == ExitCode.USAGE
    assert "not an S3 backend URL" in err


@pytest.mark.slow
def test_diff_json_is_format_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`diff --json` prints the same document as `diff --format json`; folders stand for
    their cortex.yaml on both sides."""
    monkeypatch.setattr(engine, "PROGRAM", DIFF_PROGRAM)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "cortex.yaml").write_text(SPEC.replace("MAX", "4"))
    (tmp_path / "b" / "cortex.yaml").write_text(SPEC.replace("MAX", "8"))
    both = [tmp_path / "a" / "cortex.yaml", tmp_path / "b" / "cortex.yaml"]
    alias = _run("diff", *both, "--json")
    full = _run("diff", *both, "--format", "json")
    assert alias[0] == full[0] == ExitCode.OK, alias[2]
    assert json.loads(alias[1]) == json.loads(full[1])
    assert _run("diff", *both, "--json", "--format", "markdown")[0] == ExitCode.USAGE
    folders = _run("diff", tmp_path / "a", tmp_path / "b", "--json")
    assert folders[0] == ExitCode.OK, folders[2]
    assert json.loads(folders[1])["changes"] == json.loads(full[1])["changes"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("plain", "`plain`"),
        ("ends with`", "`` ends with` ``"),
        ("`starts", "`` `starts ``"),
        ("a``b", "```a``b```"),
        ("a|b", "`a\\|b`"),
        ("", "` `"),
    ],
)
def test_markdown_code_spans_survive_backticks(value: str, code: str) -> None:
    """A cell value with backticks (even at its end) stays one code span (CommonMark)."""
    assert _code(value) == code


def test_runtime_json_lines_read_as_text_with_the_traceback_on_its_own_lines() -> None:
    """serve and logs on a terminal: time, level, event, message; a traceback unescaped."""
    line = json.dumps(
        {
            "ts": "2026-12-03T11:47:01.123+00:00",
            "level": "ERROR",
            "api": "sentiment",
            "event": "predict_failed",
            "message": "boom",
            "status": 500,
            "traceback": 'Traceback (most recent call last):\n  File "p.py"\nValueError: boom\n',
        }
    )
    assert human(line).splitlines() == [
        "11:47:01.123 ERROR   predict_failed  boom  status=500",
        "    Traceback (most recent call last):",
        '      File "p.py"',
        "    ValueError: boom",
    ]


def test_request_lines_and_foreign_lines_read_plainly() -> None:
    """A request line is method, path, status, duration; a non-JSON line is unchanged."""
    request = (
        '{"ts":"2026-12-03T11:47:01.500+00:00","level":"INFO","api":"a",'
        '"method":"POST","path":"/","status":200,"duration_ms":1.25}'
    )
    assert human(request) == "11:47:01.500 INFO    POST / 200 1.2 ms"
    assert human("printed by the predictor\n") == "printed by the predictor"
