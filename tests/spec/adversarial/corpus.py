"""The adversarial corpus: hostile specs and project folders, each with its expected outcome.

Every case is built at run time into an empty folder (large cases are never committed):
`build(folder)` writes the files and returns the command-line arguments that follow the
command name. `tests/cli/test_adversarial.py` runs each case through the real CLI;
`benchmarks/adversarial_bench.py` runs them in fresh processes and measures time and memory;
`scripts/adversarial_corpus.py` writes them out for a look.

The seed is one valid spec with a predictor-form and a container-form API. Most cases change
one of its lines, so that each expected location (`file:line:col`) is a line of the seed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cortex_spec import limits

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


def _symlink_spec(target: str) -> Builder:
    def build(folder: Path) -> list[str]:
        (folder / SPEC).symlink_to(target)
        return [str(folder / SPEC)]

    return build


def _fifo_spec(folder: Path) -> list[str]:
    os.mkfifo(folder / SPEC)
    return [str(folder / SPEC)]


def _folder_spec(folder: Path) -> list[str]:
    (folder / SPEC).mkdir()
    return [str(folder / SPEC)]


def _sparse_spec(folder: Path) -> list[str]:
    with (folder / SPEC).open("wb") as handle:
        handle.truncate(64 * 2**20)  # 64 MiB of zeros, without writing them
    return [str(folder / SPEC)]


def _cluster_config_to_dev_zero(folder: Path) -> list[str]:
    (folder / SPEC).write_text("- name: a\n  kind: RealtimeAPI\n")
    (folder / "cluster.yaml").symlink_to("/dev/zero")
    return [str(folder / SPEC), "--cluster-config", str(folder / "cluster.yaml")]


def _outside_secret(folder: Path) -> Path:
    """A credentials file beside (never inside) the project folder."""
    secret = folder.parent / f"{folder.name}-credentials"
    secret.write_text("aws_secret_access_key = hunter2\n")
    return secret


def _link_to_credentials(folder: Path) -> None:
    (folder / "creds").symlink_to(_outside_secret(folder))


def _link_to_environ(folder: Path) -> None:
    (folder / "environ").symlink_to("/proc/self/environ")


def _hard_link(folder: Path) -> None:
    os.link(_outside_secret(folder), folder / "creds")


def _fifo_in_project(folder: Path) -> None:
    os.mkfifo(folder / "pipe")


def _ignore_file_to_dev_zero(folder: Path) -> None:
    (folder / ".cortexignore").symlink_to("/dev/zero")


def _predictor_links_out(folder: Path) -> list[str]:
    args = seed(folder, SEED.replace("path: predictor.py", "path: evil.py"))
    outside = folder.parent / f"{folder.name}-evil.py"
    outside.write_text("import os\n")
    (folder / "evil.py").symlink_to(outside)
    return args


def _python_path_loop(folder: Path) -> list[str]:
    args = seed(folder, SEED.replace("      threads_per_process: 1", "      python_path: lib"))
    (folder / "lib").symlink_to("lib")
    return args


def _project_file(content: bytes | None, link: str | None = None, size: int = 0) -> Builder:
    """The valid seed in a Pulumi project whose Pulumi.yaml holds `content`, links to
    `link`, or is a sparse file of `size` bytes: every command reads the project file of the
    spec it is given (a link to anything but a regular file is not a project file)."""

    def make(folder: Path) -> None:
        project = folder / "Pulumi.yaml"
        if link is not None:
            project.symlink_to(link)
        elif size:
            with project.open("wb") as handle:
                handle.truncate(size)
        else:
            project.write_bytes(content or b"")

    return in_project(make)


def _predictor_fifo(folder: Path) -> list[str]:
    args = seed(folder, predictor=False)
    os.mkfifo(folder / "predictor.py")
    return args


def _predictor_to_dev_zero(folder: Path) -> list[str]:
    args = seed(folder, predictor=False)
    (folder / "predictor.py").symlink_to("/dev/zero")
    return args


def _predictor_nested_too_deep(folder: Path) -> list[str]:
    args = seed(folder)
    (folder / "predictor.py").write_text("x = " + "1 + " * 100_000 + "1\n" + PREDICTOR)
    return args


def _bundle_root_links_out(folder: Path) -> list[str]:
    args = seed(
        folder,
        SEED.replace(
            "      path: predictor.py", "      path: code/predictor.py\n      bundle_root: code"
        ),
        predictor=False,
    )
    outside = folder.parent / f"{folder.name}-outside"
    outside.mkdir()
    (outside / "predictor.py").write_text(PREDICTOR)
    (outside / "credentials").write_text("aws_secret_access_key = hunter2\n")
    (folder / "code").symlink_to(outside, target_is_directory=True)
    return args


def _deep(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


def _laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _many_values(count: int) -> Builder:
    values = ", ".join(str(i) for i in range(count))
    return line(17, f"        threshold: [{values}]")


def _many_broken_apis(count: int) -> Builder:
    return after(43, *[f"  - {{name: broken-{i}, kind: RealtimeAPI}}" for i in range(count)])


def _config_of(size: int) -> Builder:
    return line(17, f'        threshold: "{"x" * size}"')


_LONG = "a" * 300
_INT32 = limits.INT32_MAX
SPEC_LINE = f"{SPEC}:"

CASES: tuple[Case, ...] = (
    # --- reading: size, type, nesting, expansion -------------------------------------
    Case(
        "deep-flow-nesting-30000",
        raw(_deep(30_000)),
        1,
        "nested more than 64 levels",
        f"{SPEC}:1:",
        subprocess=True,
    ),
    Case(
        "deep-block-nesting",
        raw("".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"),
        1,
        "nested more than 64 levels",
        f"{SPEC}:65:",
    ),
    Case(
        "deep-nesting-one-megabyte-unclosed",
        raw("a: " + "[" * 1_000_000),
        1,
        "nested more than 64 levels",
        f"{SPEC}:1:",
        subprocess=True,
    ),
    Case(
        "spec-is-dev-zero",
        _symlink_spec("/dev/zero"),
        1,
        "a character device, not a regular file",
        f"{SPEC}:1:1",
        subprocess=True,
    ),
    Case(
        "spec-is-a-fifo",
        _fifo_spec,
        1,
        "a FIFO (named pipe), not a regular file",
        f"{SPEC}:1:1",
        subprocess=True,
    ),
    Case("spec-is-a-folder", _folder_spec, 1, "a folder, not a regular file", f"{SPEC}:1:1"),
    Case("spec-is-64-mib", _sparse_spec, 1, "larger than 8 MiB", f"{SPEC}:1:1", subprocess=True),
    Case(
        "spec-at-the-size-bound",
        raw("#" * (limits.MAX_SPEC_BYTES - 1) + "\n"),
        1,
        "the file is empty",
        f"{SPEC}:1:1",
        commands=("validate", "plan"),
    ),
    Case(
        "cluster-config-is-dev-zero",
        _cluster_config_to_dev_zero,
        1,
        "a character device, not a regular file",
        "cluster.yaml:1:1",
        subprocess=True,
    ),
    Case(
        "billion-laughs",
        raw(_laughs(10)),
        1,
        f"expands to more than {limits.MAX_EXPANDED_VALUES:,} values",
        f"{SPEC}:6:",
    ),
    Case(
        "recursive-alias",
        raw("a: &a\n  b: *a\n"),
        1,
        "refers to a value that contains it",
        f"{SPEC}:2:6",
    ),
    Case(
        "too-many-values",
        _many_values(limits.MAX_NODES),
        1,
        f"more than {limits.MAX_NODES:,} values",
        f"{SPEC}:17:",
        commands=("validate", "plan"),
    ),
    Case(
        "invalid-utf8", raw(SEED.encode() + b"  x: \xff\xfe\n"), 1, "invalid UTF-8", f"{SPEC}:44:"
    ),
    Case("control-character", line(2, "  name: adv\x01ersarial"), 1, "U+0001", f"{SPEC}:2:12"),
    Case(
        "python-object-tag",
        line(17, "        threshold: !!python/object/apply:os.system [id]"),
        1,
        "could not determine a constructor",
        f"{SPEC}:17:20",
    ),
    Case("lone-surrogate", line(17, '        threshold: "\\ud800"'), 1, "invalid", f"{SPEC}:17:"),
    Case(
        "duplicate-key", after(3, "  region: us-east-1"), 1, "duplicate key 'region'", f"{SPEC}:4:3"
    ),
    Case(
        "duplicate-anchor",
        lines({2: "  name: &n adversarial", 3: "  region: &n us-west-2"}),
        1,
        "the anchor &n is defined twice (first on line 2)",
        f"{SPEC}:3:11",
    ),
    Case(
        "second-document",
        after(43, "---", "apis: []"),
        1,
        "a second one starts here",
        f"{SPEC}:44:1",
    ),
    Case("tab-indentation", line(7, "\t  min_instances: 1"), 1, "indent with spaces", f"{SPEC}:7:"),
    Case(
        "megabyte-unknown-key",
        after(3, f"  ? {'k' * 2**20}", "  : 1"),  # an explicit key: simple keys stop at 1,024
        1,
        "unknown field 'kkkkkkkk",
        f"{SPEC}:4:5",
    ),
    Case(
        "megabyte-instance-type",
        line(6, f"      instance_type: {'m' * 2**20}.large"),
        1,
        "unknown instance type",
        f"{SPEC}:6:7",
    ),
    Case(
        "mapping-as-key",
        after(3, "  ? [a, b]", "  : c"),
        1,
        "mapping keys must be text (got a list)",
        f"{SPEC}:4:5",
    ),
    Case(
        "five-hundred-problems",
        _many_broken_apis(600),
        1,
        "checking stopped after these 500 problems",
        f"{SPEC}:44:",
    ),
    # --- numbers --------------------------------------------------------------------
    Case(
        "max-replicas-5000-digits",
        line(23, f"      max_replicas: {'9' * 5000}"),
        1,
        "this integer is 5,000 characters long",
        f"{SPEC}:23:21",
    ),
    Case(
        "max-replicas-5000-hex-digits",
        line(23, f"      max_replicas: 0x{'f' * 5000}"),
        1,
        "this integer is 5,002 characters long",
        f"{SPEC}:23:21",
    ),
    Case(
        "max-replicas-above-int32",
        line(23, f"      max_replicas: {_INT32 + 1}"),
        1,
        f"less than or equal to {_INT32}",
        f"{SPEC}:23:7",
    ),
    Case(
        "max-replicas-1e30",
        line(23, f"      max_replicas: {10**30}"),
        1,
        f"less than or equal to {_INT32}",
        f"{SPEC}:23:7",
    ),
    Case(
        "max-replicas-float-1e30",
        line(23, "      max_replicas: 1.0e+30"),
        1,
        "must be an integer",
        f"{SPEC}:23:7",
    ),
    Case(
        "max-upscale-factor-inf",
        line(24, "      max_upscale_factor: .inf"),
        1,
        "must be a finite number",
        f"{SPEC}:24:7",
    ),
    Case(
        "max-upscale-factor-above-int32-percent",
        line(24, "      max_upscale_factor: 1.0e+9"),
        1,
        f"less than or equal to {limits.MAX_UPSCALE_FACTOR}",
        f"{SPEC}:24:7",
    ),
    Case(
        "target-in-flight-nan",
        line(25, "      target_in_flight: .nan"),
        1,
        "must be a finite number",
        f"{SPEC}:25:7",
    ),
    Case(
        "threads-per-process-1e9",
        line(15, "      threads_per_process: 1000000000"),
        1,
        "less than or equal to 30000",
        f"{SPEC}:15:7",
    ),
    Case(
        "node-group-max-instances-2e40",
        line(8, f"      max_instances: {2**40}"),
        1,
        f"less than or equal to {_INT32}",
        f"{SPEC}:8:7",
    ),
    Case(
        "probe-period-above-int32",
        line(39, f"            period_seconds: {_INT32 + 1}"),
        1,
        f"less than or equal to {_INT32}",
        f"{SPEC}:39:13",
    ),
    Case(
        "liveness-success-threshold",
        after(41, "            success_threshold: 2"),
        1,
        "success_threshold must be 1",
        f"{SPEC}:40:11",
    ),
    Case(
        "max-surge-above-int32",
        after(25, "    update_strategy:", f"      max_surge: {2**31}"),
        1,
        "must be between 0 and",
        f"{SPEC}:27:7",
    ),
    Case(
        "gpu-above-the-catalog",
        after(20, "      gpu: 1000000"),
        1,
        "less than or equal to",
        f"{SPEC}:21:7",
    ),
    Case(
        "config-over-a-configmap",
        _config_of(limits.MAX_CONFIG_MAP_BYTES),
        1,
        "Kubernetes holds at most 1,048,576",
        f"{SPEC}:16:7",
    ),
    # --- names ----------------------------------------------------------------------
    Case(
        "api-name-trailing-newline",
        line(10, '  - name: "sentiment\\n"'),
        1,
        "is not a valid API name",
        f"{SPEC}:10:5",
    ),
    Case(
        "cluster-name-trailing-newline",
        line(2, '  name: "adversarial\\n"'),
        1,
        "is not a valid cluster name",
        f"{SPEC}:2:3",
    ),
    Case(
        "node-group-name-trailing-newline",
        line(5, '    - name: "cpu\\n"'),
        1,
        "is not a valid node group name",
        f"{SPEC}:5:7",
    ),
    Case(
        "container-name-trailing-newline",
        line(33, '        - name: "server\\n"'),
        1,
        "is not a valid container name",
        f"{SPEC}:33:11",
    ),
    Case(
        "port-name-trailing-newline",
        line(38, '            http_get: {path: /healthz, port: "http\\n"}'),
        1,
        "is not a port number or a valid port name",
        f"{SPEC}:38:40",
    ),
    Case(
        "env-name-with-newline",
        line(36, '            "MODE\\nX": fast'),
        1,
        "is not a valid environment variable name",
        f"{SPEC}:36:13",
    ),
    Case(
        "image-trailing-newline",
        line(34, '          image: "ghcr.io/example/server:1.0\\n"'),
        1,
        "is not a valid container image reference",
        f"{SPEC}:34:11",
    ),
    Case(
        "kubernetes-version-other-digits",
        after(3, '  kubernetes_version: "1.\u0663\u0665"'),
        1,
        "is not a Kubernetes minor version",
        f"{SPEC}:4:3",
    ),
    # --- endpoints and paths --------------------------------------------------------
    Case(
        "endpoint-dot-dot",
        line(27, "      endpoint: /../admin"),
        1,
        'has a ".." segment',
        f"{SPEC}:27:7",
    ),
    Case(
        "endpoint-percent-encoded-dots",
        line(27, "      endpoint: /%2e%2e/admin"),
        1,
        "is not a valid endpoint",
        f"{SPEC}:27:7",
    ),
    Case(
        "endpoint-wildcard",
        line(27, "      endpoint: /a*"),
        1,
        "is not a valid endpoint",
        f"{SPEC}:27:7",
    ),
    Case(
        "endpoint-root",
        line(27, "      endpoint: /"),
        1,
        "a path must be specified",
        f"{SPEC}:27:7",
    ),
    Case(
        "endpoint-adjacent-slashes",
        line(27, "      endpoint: /a//b"),
        1,
        "cannot contain adjacent slashes",
        f"{SPEC}:27:7",
    ),
    Case(
        "endpoints-equal-once-normalised",
        line(43, "      endpoint: sentiment/"),
        1,
        "endpoint /sentiment is already being used by sentiment",
        f"{SPEC}:43:7",
    ),
    Case(
        "predictor-path-dot-dot",
        line(14, "      path: ../../outside/evil.py"),
        1,
        "is outside the spec's folder",
        f"{SPEC}:14:7",
    ),
    Case(
        "predictor-path-absolute",
        line(14, "      path: /etc/evil.py"),
        1,
        "is not a relative path to a .py file",
        f"{SPEC}:14:7",
    ),
    Case(
        "predictor-path-name-too-long",
        line(14, f"      path: {_LONG}.py"),
        1,
        "longer than 255 bytes",
        f"{SPEC}:14:7",
    ),
    Case(
        "predictor-path-links-out",
        _predictor_links_out,
        1,
        "predictor.path: file evil.py is a link out of the project folder",
        f"{SPEC}:12:5",
    ),
    Case(
        "python-path-root",
        line(15, "      python_path: /"),
        1,
        "is an absolute path",
        f"{SPEC}:15:7",
    ),
    Case(
        "python-path-link-loop",
        _python_path_loop,
        1,
        "predictor.python_path: folder lib cannot be read (a loop of links)",
        f"{SPEC}:12:5",
    ),
    Case(
        "predictor-is-a-fifo",
        _predictor_fifo,
        1,
        "file predictor.py is a FIFO (named pipe), not a regular file",
        f"{SPEC}:12:5",
        subprocess=True,
    ),
    Case(
        "predictor-is-dev-zero",
        _predictor_to_dev_zero,
        1,
        "file predictor.py is a link out of the project folder",
        f"{SPEC}:12:5",
        subprocess=True,
    ),
    Case(
        "bundle-root-links-out",
        _bundle_root_links_out,
        1,
        "predictor.bundle_root: folder code is a link out of the project folder",
        f"{SPEC}:14:7",
    ),
    Case(
        "valid-predictor-nested-past-python",
        _predictor_nested_too_deep,
        0,
        ": valid",
        commands=("validate",),
    ),
    # --- the Pulumi project and stack files ----------------------------------------
    Case(
        "project-file-is-dev-zero",
        _project_file(None, "/dev/zero"),
        0,
        ": valid",
        commands=("validate",),
        subprocess=True,
    ),
    Case(
        "project-file-is-64-mib",
        _project_file(None, size=64 * 2**20),
        1,
        "Pulumi.yaml:1:1: the file is larger than 8 MiB",
        subprocess=True,
    ),
    Case(
        "project-file-deep-nesting",
        _project_file(b"name: acme\nruntime: " + b"[" * 30_000 + b"]" * 30_000 + b"\n"),
        1,
        "nested more than 64 levels deep",
        subprocess=True,
    ),
    Case(
        "project-file-billion-laughs",
        _project_file(b"name: acme\n" + _laughs(10).encode()),
        1,
        "expands to more than",
    ),
    Case(
        "project-file-invalid-utf8",
        _project_file(b"name: acme\ndescription: caf\xc3\n"),
        1,
        "invalid UTF-8",
    ),
    # --- what plan used to find first -----------------------------------------------
    Case(
        "region-without-offerings",
        line(3, "  region: us-gov-west-1"),
        1,
        "cannot choose availability zones in us-gov-west-1",
        f"{SPEC}:3:3",
    ),
    Case(
        "no-two-zones-offer-the-type",
        lines({3: "  region: eu-west-1", 6: "      instance_type: x8aedz.large"}),
        1,
        "only 1 availability zone(s) of eu-west-1",
        f"{SPEC}:6:7",
    ),
    Case(
        "nine-availability-zones",
        after(
            3, "  availability_zones: [" + ", ".join(f"us-gov-west-1{c}" for c in "abcdefghi") + "]"
        ),
        1,
        "must contain at most 8 elements",
        f"{SPEC}:4:3",
    ),
    Case("ipv6-vpc", after(3, "  vpc_cidr: 2000::/20"), 1, "must be an IPv4 block", f"{SPEC}:4:3"),
    # --- the project folder as a bundle ---------------------------------------------
    Case(
        "bundle-link-to-credentials",
        in_project(_link_to_credentials),
        1,
        "creds is a link to",
        f"{SPEC}:12:5",
    ),
    Case(
        "bundle-link-to-proc-environ",
        in_project(_link_to_environ),
        1,
        "environ is a link to /proc/self/environ",
        f"{SPEC}:12:5",
    ),
    Case("bundle-hard-link", in_project(_hard_link), 1, "creds is a hard link", f"{SPEC}:12:5"),
    Case(
        "bundle-fifo",
        in_project(_fifo_in_project),
        1,
        "pipe is not a regular file",
        f"{SPEC}:12:5",
        subprocess=True,
    ),
    Case(
        "bundle-ignore-file-is-dev-zero",
        in_project(_ignore_file_to_dev_zero),
        1,
        ".cortexignore",
        f"{SPEC}:12:5",
        subprocess=True,
    ),
    # --- valid edges: every command succeeds ----------------------------------------
    Case(
        "valid-bounds-at-their-maximum",
        line(23, f"      max_replicas: {_INT32}"),
        0,
        "",
        commands=PASSING,
    ),
    Case(
        "valid-endpoint-with-dots-in-names",
        line(27, "      endpoint: /v1.2/sentiment_x-y/"),
        0,
        "",
        commands=PASSING,
    ),
)


def by_name(name: str) -> Case:
    return next(case for case in CASES if case.name == name)


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
