"""The seed of the adversarial corpus (tests/spec/adversarial/corpus.py), the ways cases
change it, and how a case is built and run.

The seed is one valid spec with a predictor-form and a container-form API. Most cases change
one of its lines, so that each expected location (`file:line:col`) is a line of the seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SPEC = "cortex.yaml"
SEED = """\
cluster:
  name: adversarial
  region: us-west-2
  node_groups:
    - name: cpu
      instance_type: m6i.large
      min_instances: 1
      max_instances: 4
apis:
  - name: sentiment
    kind: RealtimeAPI
    predictor:
      type: python
      path: predictor.py
      threads_per_process: 1
      config:
        threshold: 0.5
    compute:
      cpu: 500m
      mem: 512Mi
    autoscaling:
      min_replicas: 1
      max_replicas: 4
      max_upscale_factor: 1.5
      target_in_flight: 1
    networking:
      endpoint: /sentiment
  - name: server
    kind: RealtimeAPI
    pod:
      port: 8080
      containers:
        - name: server
          image: ghcr.io/example/server:1.0
          env:
            MODE: fast
          readiness_probe:
            http_get: {path: /healthz, port: 8080}
            period_seconds: 10
          liveness_probe:
            tcp_socket: {port: 8080}
    networking:
      endpoint: /server
"""
PREDICTOR = "class PythonPredictor:\n    def __init__(self, config):\n        pass\n"

# Commands a failing case runs through: each must refuse it the same way, before any work.
FAILING = ("validate", "plan", "cost", "diff", "serve")
# Commands a valid case runs through (`serve` would start a server, `diff` plans twice).
PASSING = ("validate", "plan", "cost")

Builder = Callable[[Path], list[str]]


@dataclass(frozen=True)
class Case:
    """One hostile input and what every command must do with it."""

    name: str
    build: Builder
    exit_code: int
    phrase: str  # in the output (stderr or stdout)
    where: str | None = None  # the first problem's location: "file:line:col" or "file:line:"
    commands: tuple[str, ...] = FAILING
    subprocess: bool = False  # also proven in a fresh process (no signal death, no hang)


def seed(folder: Path, text: str = SEED, *, predictor: bool = True) -> list[str]:
    """Write `text` as the spec (and the predictor); the arguments that name the spec."""
    (folder / SPEC).write_text(text, encoding="utf-8")
    if predictor:
        (folder / "predictor.py").write_text(PREDICTOR)
    return [str(folder / SPEC)]


def line(number: int, text: str) -> Builder:
    """The seed with line `number` (1-based) replaced by `text`."""

    def build(folder: Path) -> list[str]:
        lines = SEED.splitlines()
        lines[number - 1] = text
        return seed(folder, "\n".join(lines) + "\n")

    return build


def lines(changes: dict[int, str]) -> Builder:
    """The seed with each line `number` (1-based) replaced by its text."""

    def build(folder: Path) -> list[str]:
        text = SEED.splitlines()
        for number, replacement in changes.items():
            text[number - 1] = replacement
        return seed(folder, "\n".join(text) + "\n")

    return build


def after(number: int, *extra: str) -> Builder:
    """The seed with `extra` lines inserted after line `number`."""

    def build(folder: Path) -> list[str]:
        lines = SEED.splitlines()
        return seed(folder, "\n".join([*lines[:number], *extra, *lines[number:]]) + "\n")

    return build


def raw(content: bytes | str) -> Builder:
    """A spec file holding exactly `content`."""

    def build(folder: Path) -> list[str]:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / SPEC).write_bytes(data)
        return [str(folder / SPEC)]

    return build


def in_project(make: Callable[[Path], None]) -> Builder:
    """The valid seed, plus whatever `make` puts in its project folder."""

    def build(folder: Path) -> list[str]:
        args = seed(folder)
        make(folder)
        return args

    return build


def materialise(case: Case, parent: Path) -> tuple[Path, list[str], Path]:
    """Build `case` in `parent/project`; its folder, its spec arguments, and a valid base
    spec in `parent/base` (the other side of `diff`)."""
    folder = parent / "project"
    folder.mkdir()
    base = parent / "base"
    base.mkdir()
    seed(base)
    return folder, case.build(folder), base / SPEC


def command_line(command: str, spec_args: list[str], base: Path) -> list[str]:
    """The arguments of `command` for a case whose spec arguments are `spec_args`."""
    if command == "cost":
        return ["cost", *spec_args, "--offline"]
    if command == "diff":
        return ["diff", str(base), *spec_args]
    if command == "serve":
        return ["serve", *spec_args, "--api", "sentiment"]
    return [command, *spec_args]
