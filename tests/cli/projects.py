"""User projects for the CLI tests: a `Pulumi.yaml` and stack files, as `pulumi` writes them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

# The one-node-group cluster every spec of the serve tests starts with.
CLUSTER = """
cluster:
  name: demo
  region: us-west-2
  node_groups:
    - name: cpu
      instance_type: m5.large"""


def write_project(
    root: Path, name: str = "acme-serving", stacks: dict[str, dict[str, Any]] | None = None
) -> Path:
    """`root/Pulumi.yaml` named `name`, and `Pulumi.<stack>.yaml` with each stack's config."""
    root.mkdir(parents=True, exist_ok=True)
    project = {
        "name": name,
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
        "config": {"cortex:spec": {"value": "cortex.yaml"}},
    }
    (root / "Pulumi.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    for stack, config in (stacks or {}).items():
        write_stack(root, stack, config)
    return root


def write_stack(root: Path, stack: str, config: dict[str, Any]) -> Path:
    path = root / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump({"config": config}), encoding="utf-8")
    return path


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def commit_all(repo: Path, message: str = "c") -> None:
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
