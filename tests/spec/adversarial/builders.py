"""Builders of the adversarial cases that need more than a changed line: links, FIFOs,
sparse files, hostile project files and project folders, and generated large documents."""

from __future__ import annotations

import os
from pathlib import Path

from cortex_spec import limits
from tests.spec.adversarial.seed import (
    PREDICTOR,
    SEED,
    SPEC,
    Builder,
    after,
    in_project,
    line,
    seed,
)


def symlink_spec(target: str) -> Builder:
    def build(folder: Path) -> list[str]:
        (folder / SPEC).symlink_to(target)
        return [str(folder / SPEC)]

    return build


def fifo_spec(folder: Path) -> list[str]:
    os.mkfifo(folder / SPEC)
    return [str(folder / SPEC)]


def folder_spec(folder: Path) -> list[str]:
    (folder / SPEC).mkdir()
    return [str(folder / SPEC)]


def sparse_spec(folder: Path) -> list[str]:
    with (folder / SPEC).open("wb") as handle:
        handle.truncate(64 * 2**20)  # 64 MiB of zeros, without writing them
    return [str(folder / SPEC)]


def cluster_config_to_dev_zero(folder: Path) -> list[str]:
    (folder / SPEC).write_text("- name: a\n  kind: RealtimeAPI\n")
    (folder / "cluster.yaml").symlink_to("/dev/zero")
    return [str(folder / SPEC), "--cluster-config", str(folder / "cluster.yaml")]


def outside_secret(folder: Path) -> Path:
    """A credentials file beside (never inside) the project folder."""
    secret = folder.parent / f"{folder.name}-credentials"
    secret.write_text("aws_secret_access_key = hunter2\n")
    return secret


def link_to_credentials(folder: Path) -> None:
    (folder / "creds").symlink_to(outside_secret(folder))


def link_to_environ(folder: Path) -> None:
    (folder / "environ").symlink_to("/proc/self/environ")


def hard_link(folder: Path) -> None:
    os.link(outside_secret(folder), folder / "creds")


def fifo_in_project(folder: Path) -> None:
    os.mkfifo(folder / "pipe")


def ignore_file_to_dev_zero(folder: Path) -> None:
    (folder / ".cortexignore").symlink_to("/dev/zero")


def predictor_links_out(folder: Path) -> list[str]:
    args = seed(folder, SEED.replace("path: predictor.py", "path: evil.py"))
    outside = folder.parent / f"{folder.name}-evil.py"
    outside.write_text("import os\n")
    (folder / "evil.py").symlink_to(outside)
    return args


def python_path_loop(folder: Path) -> list[str]:
    args = seed(folder, SEED.replace("      threads_per_process: 1", "      python_path: lib"))
    (folder / "lib").symlink_to("lib")
    return args


def project_file(content: bytes | None, link: str | None = None, size: int = 0) -> Builder:
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


def predictor_fifo(folder: Path) -> list[str]:
    args = seed(folder, predictor=False)
    os.mkfifo(folder / "predictor.py")
    return args


def predictor_to_dev_zero(folder: Path) -> list[str]:
    args = seed(folder, predictor=False)
    (folder / "predictor.py").symlink_to("/dev/zero")
    return args


def predictor_nested_too_deep(folder: Path) -> list[str]:
    args = seed(folder)
    (folder / "predictor.py").write_text("x = " + "1 + " * 100_000 + "1\n" + PREDICTOR)
    return args


def bundle_root_links_out(folder: Path) -> list[str]:
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


def deep(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


def laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def many_values(count: int) -> Builder:
    values = ", ".join(str(i) for i in range(count))
    return line(17, f"        threshold: [{values}]")


def many_broken_apis(count: int) -> Builder:
    return after(43, *[f"  - {{name: broken-{i}, kind: RealtimeAPI}}" for i in range(count)])


def config_of(size: int) -> Builder:
    return line(17, f'        threshold: "{"x" * size}"')


LONG = "a" * 300
INT32 = limits.INT32_MAX
