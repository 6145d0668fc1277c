"""`pip install` of a wheel gives a working cortex-infra outside any checkout: `init` writes a
project, and `validate`, `plan --stack dev` and `diff` run in it from the installed package,
reading the user's own stack file and nothing of this repository.

The wheel is built from a copy of the sources and installed into a fresh virtualenv in a
temporary folder; its dependencies come from the development virtualenv's site-packages
through a `.pth` path entry (offline and fast), whose own `.pth` files, the editable install
of this checkout among them, Python does not process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

ADMIN = "arn:aws:iam::111122223333:role/acme-platform"


@dataclass(frozen=True)
class Installed:
    venv: Path
    work: Path
    env: dict[str, str]

    def attempt(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "cortex-infra"), *args],
            cwd=cwd or self.work,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def run(self, *args: str, cwd: Path | None = None) -> str:
        result = self.attempt(*args, cwd=cwd)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        result = subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", code],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout


def _sources(target: Path) -> None:
    """The files a clone has (tracked or new, not ignored), as the wheel is built from."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    sources, dist, venv, work = (root / n for n in ("src", "dist", "venv", "work"))
    _sources(sources)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    build = [*pip, "wheel", str(sources), "--no-deps", "--no-build-isolation", "-w", str(dist)]
    subprocess.run(build, check=True, capture_output=True)
    [wheel] = dist.glob("cortex_infra-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    install = [*pip, "--python", str(venv / "bin" / "python"), "install", "--no-deps"]
    subprocess.run([*install, "--no-index", str(wheel)], check=True, capture_output=True)
    site = Path(
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "dev-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    }
    env["XDG_CACHE_HOME"] = str(root / "cache")
    return Installed(venv, work, env)


def test_the_installed_package_runs_from_its_own_site_packages(installed: Installed) -> None:
    """infra, the program the offline engine evaluates and the templates resolve inside the
    new virtualenv; nothing on its path is this checkout's source."""
    found = json.loads(
        installed.python(
            "import json, sys, infra, cortex_cli, offline.engine as e;"
            "print(json.dumps([infra.__file__, str(e.PROGRAM), cortex_cli.__file__, sys.path]))"
        )
    )
    venv = str(installed.venv.resolve())
    assert all(str(Path(p).resolve()).startswith(venv) for p in found[:3]), found[:3]
    on_path = [Path(p).resolve() for p in found[3] if p]
    repo = REPO.resolve()
    assert not [
        p for p in on_path if p == repo or (p.is_relative_to(repo) and ".venv" not in p.parts)
    ]


def test_init_then_validate_plan_and_diff_outside_any_checkout(installed: Installed) -> None:
    """init writes a project; the plan of its dev stack carries the admins of *its*
    Pulumi.dev.yaml and no file of this repository; --stack prod without Pulumi.prod.yaml
    exits 1 naming the file; diff names the changed bundle files."""
    written = json.loads(installed.run("init", "acme", "--name", "acme-serving", "--json"))
    assert "apis/hello/predictor.py" in written["files"]
    project = installed.work / "acme"
    stack = project / "Pulumi.dev.yaml"
    stack.write_text(
        stack.read_text().replace("cortex:admins: []", f"cortex:admins:\n    - {ADMIN}")
    )
    assert "valid (environment dev)" in installed.run(
        "validate", "cortex.yaml", "--stack", "dev", cwd=project
    )
    missing = installed.attempt("plan", "cortex.yaml", "--stack", "prod", cwd=project)
    assert missing.returncode == 1
    assert str(project.resolve() / "Pulumi.prod.yaml") in missing.stderr
    text = installed.run("plan", "cortex.yaml", "--stack", "dev", "--json", cwd=project)
    plan = json.loads(text)
    entries = [r for r in plan["resources"] if r["type"] == "aws:eks/accessEntry:AccessEntry"]
    assert [e["inputs"]["principalArn"] for e in entries] == [ADMIN]
    assert plan["outputs"]["cluster_name"] == "acme-serving-dev"
    assert str(REPO) not in text
    assert "platform-admins" not in text
    assert "examples/" not in text

    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "init")
    hello = project / "apis" / "hello"
    (hello / "predictor.py").write_text((hello / "predictor.py").read_text() + "\n# tuned\n")
    (hello / "utils.py").write_text("LIMIT = 3\n")
    diff = installed.run("diff", "--base-ref", "HEAD", "cortex.yaml", "--stack", "dev", cwd=project)
    lines = diff.splitlines()
    assert lines[0].startswith("cortex-infra diff: cortex.yaml@HEAD → cortex.yaml (working tree)")
    [hello_line] = [line for line in lines if line.startswith("hello: ")]
    assert "bundle (apis/hello/): predictor.py changed, utils.py added" in hello_line


def test_init_refuses_to_overwrite_and_writes_nothing(installed: Installed) -> None:
    """An existing file: exit 1 naming it, and no other file written."""
    folder = installed.work / "taken"
    (folder / "apis" / "hello").mkdir(parents=True)
    (folder / "cortex.yaml").write_text("mine\n")
    result = installed.attempt("init", str(folder))
    assert result.returncode == 1
    assert "already has cortex.yaml" in result.stderr
    assert sorted(p.name for p in folder.rglob("*")) == ["apis", "cortex.yaml", "hello"]
    assert (folder / "cortex.yaml").read_text() == "mine\n"
