"""What the stack builds into its ECR repository: runtime base images and per-API images.

Pure functions of the spec, the packaged runtime source and each API's requirement files
(`api_dependencies`), so the Pulumi program, the offline plan and the tests agree.

- **Base images**: `runtime/Dockerfile` at one target per accelerator variant the spec
  needs (`cpu`, `cuda`, `neuron`), for every platform the node groups of its APIs run on
  (`linux/amd64`, `linux/arm64` for Graviton), tagged `base-<variant>-<hash>`.
- **API images**: an API whose bundle has `requirements.txt` or `dependencies.sh` gets its
  own image `FROM` its variant's base (by digest), tagged `api-<name>-<hash>`.

Each hash is a SHA-256 over everything the build reads (base reference, Dockerfile text,
files, target, platforms), so equal inputs give equal tags, and the repository's
immutable tags make a rebuild of the same content a no-op. The API's name is in its tag
so that two APIs with identical requirements never push the same tag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Final, Literal

from cortex_spec import catalog
from cortex_spec.api_dependencies import REQUIREMENTS, SCRIPT, Dependencies
from cortex_spec.models.api import WorkloadAPI
from cortex_spec.models.cluster import ClusterConfig
from cortex_spec.models.job_apis import JobAPI
from cortex_spec.node_profiles import NodeProfile
from cortex_spec.rules.compute_fit import placements

if TYPE_CHECKING:
    from cortex_spec.loader import Spec

# `onnx`: the CPU image with ONNX Runtime, for `type: onnx` predictors (CPU nodes only).
Variant = Literal["cpu", "cuda", "neuron", "onnx"]
VARIANTS: Final[tuple[Variant, ...]] = ("cpu", "cuda", "neuron", "onnx")
_VARIANT: Final[dict[str, Variant]] = {"none": "cpu", "nvidia": "cuda", "neuron": "neuron"}
_PLATFORM: Final = {"x86_64": "linux/amd64", "arm64": "linux/arm64"}
PLATFORMS: Final = _PLATFORM
DEFAULT_PLATFORM: Final = "linux/amd64"
BUILD_HASH_LABEL: Final = "cortex.dev/build-hash"
# The runtime package's files the Dockerfile copies (runtime/Dockerfile.dockerignore).
RUNTIME_PACKAGE: Final = "runtime"
RUNTIME_LOCK: Final = "requirements.lock"
# The onnx variant's lock: requirements.lock plus ONNX Runtime (runtime/requirements-onnx.in).
RUNTIME_LOCKS: Final = frozenset({RUNTIME_LOCK, "requirements-onnx.lock"})
DOCKERFILE: Final = "Dockerfile"


def variant_of(api: WorkloadAPI) -> Variant:
    """The base an API runs on: its accelerator's, or `cpu` for the container form's proxy."""
    if api.predictor is not None and api.predictor.type == "onnx":
        return "onnx"
    return _VARIANT[api.accelerator] if api.form == "predictor" else "cpu"


def platforms_of(api: WorkloadAPI, profiles: list[NodeProfile]) -> tuple[str, ...]:
    """The platforms of every instance type the API's replicas may land on, sorted."""
    found = set()
    for group in placements(api, profiles):
        for name in group.instance_types:
            info = catalog.instance_type(name)
            if info is not None and info.arch in _PLATFORM:
                found.add(_PLATFORM[info.arch])
    return tuple(sorted(found)) or (DEFAULT_PLATFORM,)


def image_platforms(api: WorkloadAPI, spec: Spec) -> tuple[str, ...]:
    """The platforms the API's image is built for: its replicas', and for a BatchAPI or
    TaskAPI also the system nodes', where its job gateway runs the same image."""
    found = set(platforms_of(api, spec.profiles))
    if isinstance(api, JobAPI):
        for name in spec.system_profile.instance_types:
            info = catalog.instance_type(name)
            if info is not None and info.arch in _PLATFORM:
                found.add(_PLATFORM[info.arch])
    return tuple(sorted(found))


def overridden(api: WorkloadAPI, cluster: ClusterConfig) -> str | None:
    """`predictor.image`, else `cluster.runtime_image`: an image the user builds, so the
    stack builds nothing for this API."""
    if api.predictor is not None and api.predictor.image:
        return api.predictor.image
    return cluster.runtime_image


def _digest(kind: str, parts: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 over named parts, each length-prefixed so no two inputs run together."""
    digest = hashlib.sha256(f"cortex-infra {kind} image\n".encode())
    for name, data in parts:
        digest.update(f"{name}\n{len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


def runtime_files() -> dict[str, bytes]:
    """The base image's build context: the runtime package's modules and its lock, at the
    paths the Dockerfile copies them from (`runtime/...`)."""
    package = resources.files(RUNTIME_PACKAGE)
    files = {}
    for entry in package.iterdir():
        if entry.is_file() and (entry.name.endswith(".py") or entry.name in RUNTIME_LOCKS):
            files[f"{RUNTIME_PACKAGE}/{entry.name}"] = entry.read_bytes()
    return dict(sorted(files.items()))


def runtime_dockerfile() -> str:
    return resources.files(RUNTIME_PACKAGE).joinpath(DOCKERFILE).read_text("utf-8")


def base_hash(
    variant: Variant, platforms: Iterable[str], files: Mapping[str, bytes], dockerfile: str
) -> str:
    """The content hash of a base image: the runtime source, its Dockerfile, the target and
    the platforms."""
    parts = [("target", variant.encode()), ("platforms", ",".join(sorted(platforms)).encode())]
    parts.append(("Dockerfile", dockerfile.encode()))
    parts.extend((f"context/{name}", data) for name, data in sorted(files.items()))
    return _digest("base", parts)


def base_tag(variant: Variant, content_hash: str) -> str:
    return f"base-{variant}-{content_hash}"


def api_dockerfile(dependencies: Dependencies) -> str:
    """The API image's Dockerfile: its variant's base (the build argument `BASE_IMAGE`, by
    digest), Cortex's steps run as root in the folder holding the requirement files, then
    the runtime's non-root user again."""
    lines = [
        f"# API {dependencies.api}: its requirement files installed on the runtime image",
        "# (written by cortex-infra, cortex_spec/api_images.py; docs/runtime.md#dependencies).",
        "ARG BASE_IMAGE",
        "FROM ${BASE_IMAGE}",
        "USER 0:0",
        "WORKDIR /opt/cortex/dependencies",
        "COPY . .",
    ]
    if dependencies.has_script:
        lines.append(f"RUN bash -e {SCRIPT}")
    if dependencies.has_requirements:
        lines.append(
            f"RUN /opt/cortex/venv/bin/python -m pip install --no-cache-dir -r {REQUIREMENTS}"
        )
    # The user's packages must leave the runtime importable: fail the build, not the pods.
    lines.append('RUN /opt/cortex/venv/bin/python -c "import runtime.main"')
    lines.extend(["WORKDIR /", "USER 10001:10001", ""])
    return "\n".join(lines)


def api_hash(
    base_reference: str, dockerfile: str, dependencies: Dependencies, platforms: Iterable[str]
) -> str:
    """The content hash of an API image: its base by digest, its Dockerfile, its
    requirement files and its platforms."""
    parts = [
        ("base", base_reference.encode()),
        ("platforms", ",".join(sorted(platforms)).encode()),
        ("Dockerfile", dockerfile.encode()),
    ]
    parts.extend((f"context/{name}", data) for name, data in dependencies.files)
    return _digest("api", parts)


def api_tag(api: str, content_hash: str) -> str:
    return f"api-{api}-{content_hash}"
