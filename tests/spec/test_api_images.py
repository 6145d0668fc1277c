"""Image content hashes and tags (cortex_spec/api_images.py): same inputs, same hash; any
input that changes what the build reads, a new hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from cortex_spec import load_spec
from cortex_spec.api_bundles import GENERATED_DIR, build_api_bundle
from cortex_spec.api_dependencies import Dependencies
from cortex_spec.api_images import (
    api_dockerfile,
    api_hash,
    api_tag,
    base_hash,
    base_tag,
    platforms_of,
    runtime_dockerfile,
    runtime_files,
    variant_of,
)
from tests.conftest import REPO

BASE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/c/runtime@sha256:" + "a" * 64
DEPS = Dependencies("vision", "apis/vision", (("requirements.txt", b"torch==2.15.0\n"),))
PLATFORMS: tuple[str, ...] = ("linux/amd64",)


def test_identical_inputs_give_identical_hashes() -> None:
    """Computed twice (platforms in any order): the same hash, hence the same tag."""
    first = api_hash(BASE, api_dockerfile(DEPS), DEPS, ("linux/arm64", "linux/amd64"))
    again = api_hash(BASE, api_dockerfile(DEPS), DEPS, ("linux/amd64", "linux/arm64"))
    assert first == again
    assert len(first) == 64
    files, dockerfile = runtime_files(), runtime_dockerfile()
    assert base_hash("cpu", PLATFORMS, files, dockerfile) == base_hash(
        "cpu", list(PLATFORMS), dict(files), dockerfile
    )


@pytest.mark.parametrize(
    "change",
    ["base", "dockerfile", "requirements", "script", "platforms"],
)
def test_each_input_of_an_api_image_changes_its_hash(change: str) -> None:
    """The base by digest, the Dockerfile, each requirement file and the platforms."""
    base, deps, platforms = BASE, DEPS, PLATFORMS
    dockerfile = api_dockerfile(deps)
    if change == "base":
        base = BASE[:-1] + "b"
    elif change == "dockerfile":
        dockerfile += "# edited\n"
    elif change == "requirements":
        deps = Dependencies("vision", "apis/vision", (("requirements.txt", b"torch==2.14.0\n"),))
    elif change == "script":
        deps = Dependencies("vision", "apis/vision", (*DEPS.files, ("dependencies.sh", b"true\n")))
    else:
        platforms = ("linux/amd64", "linux/arm64")
    assert api_hash(base, dockerfile, deps, platforms) != api_hash(
        BASE, api_dockerfile(DEPS), DEPS, PLATFORMS
    )


def test_each_input_of_a_base_image_changes_its_hash() -> None:
    """The runtime source, the Dockerfile, the target and the platforms."""
    files, dockerfile = runtime_files(), runtime_dockerfile()
    reference = base_hash("cpu", PLATFORMS, files, dockerfile)
    edited = {**files, "runtime/app.py": files["runtime/app.py"] + b"\n"}
    assert base_hash("cpu", PLATFORMS, edited, dockerfile) != reference
    assert base_hash("cpu", PLATFORMS, files, dockerfile + "\n") != reference
    assert base_hash("cuda", PLATFORMS, files, dockerfile) != reference
    assert base_hash("cpu", ("linux/amd64", "linux/arm64"), files, dockerfile) != reference


def test_the_base_context_is_the_runtime_package_and_its_lock() -> None:
    """What runtime/Dockerfile copies: runtime/*.py and its locks (the onnx variant's too)."""
    files = runtime_files()
    assert "runtime/requirements.lock" in files
    assert "runtime/requirements-onnx.lock" in files
    assert "runtime/main.py" in files
    assert all(name.startswith("runtime/") for name in files)
    assert not [n for n in files if n.endswith(("Dockerfile", ".in", ".pyc"))]


def test_tags_carry_the_kind_the_api_and_the_hash() -> None:
    """`base-<variant>-<hash>` and `api-<name>-<hash>`: at most 128 characters (Docker)."""
    content = "f" * 64
    assert base_tag("neuron", content) == f"base-neuron-{content}"
    longest = api_tag("a" * 42, content)
    assert longest == f"api-{'a' * 42}-{content}"
    assert len(longest) <= 128


def test_variants_and_platforms_follow_accelerators_and_node_groups() -> None:
    """cpu/cuda/neuron by accelerator (the container form's proxy: cpu); platforms from
    the architectures of the node groups an API may run on."""
    spec = load_spec(REPO / "tests" / "infra" / "serving_fixtures" / "images" / "cortex.yaml")
    variants = {api.name: variant_of(api) for api in spec.apis}
    assert variants == {
        "vision": "cpu",
        "plain": "cpu",
        "gpu-model": "cuda",
        "pinned": "cpu",
        "triton": "cpu",
        "tabular": "onnx",
    }
    platforms = {api.name: platforms_of(api, spec.profiles) for api in spec.apis}
    assert platforms["vision"] == ("linux/amd64", "linux/arm64")
    assert platforms["plain"] == ("linux/amd64",)
    assert platforms["gpu-model"] == ("linux/amd64",)


def test_bundles_never_hold_the_generated_build_contexts(tmp_path: Path) -> None:
    """`.cortex-infra/` (written by `pulumi up` in the project folder) stays out of an API
    whose bundle is the whole folder, so a first `pulumi up` does not change its bundle."""
    (tmp_path / "cortex.yaml").write_text(
        "cluster: {name: demo, region: us-west-2, node_groups: "
        "[{name: cpu, instance_type: m6i.large}]}\n"
        "apis: [{name: a, kind: RealtimeAPI, predictor: {type: python, path: predictor.py}}]\n"
    )
    (tmp_path / "predictor.py").write_text("x = 1\n")
    spec = load_spec(tmp_path / "cortex.yaml")
    before = build_api_bundle(spec, spec.apis[0])
    generated = tmp_path / GENERATED_DIR / "images" / "abc"
    generated.mkdir(parents=True)
    (generated / "requirements.txt").write_text("numpy\n")
    after = build_api_bundle(spec, spec.apis[0])
    assert after.files == before.files == ("predictor.py",)
    assert after.sha256 == before.sha256
