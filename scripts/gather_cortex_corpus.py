"""Gather the Cortex fidelity corpus from a clone of github.com/cortexlabs/cortex.

    python scripts/gather_cortex_corpus.py /path/to/cortex.git

For every release tag from v0.20.0 to v0.42.1 it takes, as Cortex's own repository holds them:
the API files of `examples/` (v0.20-v0.24), `test/` (v0.25-v0.29) and `test/apis/` (v0.30+),
with the Python and dependency files of the same folder (validation reads them); the cluster
configurations written by CI (`.circleci/config.yml` heredocs) and kept beside test APIs; and the
YAML blocks of `docs/` that are whole API lists or cluster configurations (templates with
`<placeholders>` are skipped). Files with the same YAML content (comments aside) are stored
once, under the first tag that has them, and `manifest.json` records every file's origin:
repository, path, tag, commit, and the later tags holding the same content. Nothing is
edited: a file is Cortex's, byte for byte (a docs block or a CI heredoc is cut out of its
file and dedented, and says which).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml

REPO = "cortexlabs/cortex"
OUT = Path(__file__).resolve().parent.parent / "tests" / "spec" / "cases" / "cortex_corpus"
FIRST, LAST = (0, 20, 0), (0, 42, 1)
API_ROOTS = ("examples/", "test/apis/", "test/")
SIBLINGS = re.compile(
    r"^[^/]+\.(py|proto)$|^(requirements\.txt|dependencies\.sh|conda-packages\.txt)$"
)
MAX_SIBLING_BYTES = 64_000
HEREDOC = re.compile(r"cat \\?<< ?EOF > \S*cluster\.yaml\n(.*?)\n\s*EOF", re.S)
DOC_BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def git_bytes(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def tags(repo: Path) -> list[str]:
    found = []
    for tag in git(repo, "tag").split():
        match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", tag)
        if match and FIRST <= tuple(map(int, match.groups())) <= LAST:
            found.append((tuple(map(int, match.groups())), tag))
    return [tag for _, tag in sorted(found)]


def is_api_list(text: str) -> bool:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(item, dict) and "name" in item and "kind" in item for item in data)
    )


def is_cluster(text: str) -> bool:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and ("region" in data or "node_groups" in data)


def content_key(data: bytes) -> str:
    """Files that differ only in comments or layout (each release rewrote its version banner)
    are one file."""
    parsed = yaml.safe_load(data)
    return hashlib.sha256(json.dumps(parsed, sort_keys=True, default=str).encode()).hexdigest()


def api_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return (
        path.startswith(API_ROOTS)
        and name.startswith("cortex")
        and name.endswith((".yaml", ".yml"))
    )


class Corpus:
    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.entries: dict[str, dict[str, Any]] = {}

    def add(  # noqa: PLR0917 (one call per kind of origin, all positional)
        self, tag: str, commit: str, path: str, role: str, data: bytes, how: str
    ) -> str | None:
        digest = content_key(data)
        entry = self.entries.get(digest)
        if entry is not None:
            entry["also_at"].append(tag)
            return None
        local = f"{tag}/{path}" if how == "file" else f"{tag}/{path}.{how}.yaml"
        self.entries[digest] = {
            "file": local,
            "role": role,
            "repo": REPO,
            "path": path,
            "tag": tag,
            "commit": commit,
            "extracted": how,
            "also_at": [],
        }
        target = OUT / local
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return local

    def siblings(self, tag: str, folder: str, stored: str) -> list[str]:
        copied = []
        listing = git(self.repo, "ls-tree", "-l", f"{tag}:{folder}") if folder else ""
        for line in listing.splitlines():
            meta, name = line.split("\t", 1)
            kind, size = meta.split()[1], meta.split()[3]
            if kind != "blob" or not SIBLINGS.match(name) or int(size) > MAX_SIBLING_BYTES:
                continue
            target = OUT / Path(stored).parent / name
            if not target.exists():
                target.write_bytes(git_bytes(self.repo, "show", f"{tag}:{folder}/{name}"))
            copied.append(name)
        return sorted(copied)

    def gather(self, tag: str) -> None:
        commit = git(self.repo, "rev-list", "-n", "1", tag).strip()
        paths = git(self.repo, "ls-tree", "-r", "--name-only", tag).splitlines()
        for path in paths:
            if api_file(path) or (path.startswith(API_ROOTS) and path.endswith("/cluster.yaml")):
                data = git_bytes(self.repo, "show", f"{tag}:{path}")
                text = data.decode("utf-8", "replace")
                role = "apis" if is_api_list(text) else "cluster" if is_cluster(text) else None
                if role is None:
                    continue
                stored = self.add(tag, commit, path, role, data, "file")
                if stored and role == "apis":
                    folder = path.rsplit("/", 1)[0]
                    self.entries[content_key(data)]["bundle"] = self.siblings(tag, folder, stored)
            elif path == ".circleci/config.yml":
                text = git(self.repo, "show", f"{tag}:{path}")
                for index, block in enumerate(HEREDOC.findall(text)):
                    body = textwrap.dedent(block) + "\n"
                    if is_cluster(body):
                        self.add(tag, commit, path, "cluster", body.encode(), f"heredoc{index}")
            elif path.startswith("docs/") and path.endswith(".md"):
                text = git(self.repo, "show", f"{tag}:{path}")
                for index, block in enumerate(DOC_BLOCK.findall(text)):
                    if "<" in block or "..." in block:
                        continue
                    role = (
                        "apis" if is_api_list(block) else "cluster" if is_cluster(block) else None
                    )
                    if role is not None:
                        self.add(tag, commit, path, role, block.encode(), f"block{index}")


def main() -> None:
    repo = Path(sys.argv[1])
    corpus = Corpus(repo)
    for tag in tags(repo):
        corpus.gather(tag)
    manifest = sorted(corpus.entries.values(), key=lambda e: e["file"])
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{len(manifest)} files from {REPO} into {OUT}")


if __name__ == "__main__":
    main()
