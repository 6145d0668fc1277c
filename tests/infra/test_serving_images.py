"""The images the stack builds (infra/serving/images.py), read from recorded plans: which
images exist, what each builds from, and that every Deployment runs and depends on its own."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cortex_spec.api_images import BUILD_HASH_LABEL
from offline.diff import diff_graphs
from offline.diff_groups import Grouper, Names
from offline.engine import evaluate
from offline.graph import PlanGraph, PlannedResource
from tests.infra.serving_fixtures.plans import FIXTURES, PROGRAM, REGION, named

pytestmark = pytest.mark.slow

PROJECT = FIXTURES / "images"
IMAGE = "docker-build:index:Image"
REPOSITORY = "123456789012.dkr.ecr.us-west-2.amazonaws.com/images-test/runtime"


def plan_of(project: Path) -> PlanGraph:
    config = {"cortex:spec": "cortex.yaml"}
    return evaluate(config, stack="serving", region=REGION, program=PROGRAM, workdir=project)


@functools.cache
def copied() -> Path:
    """The fixture project in a scratch folder, so its build contexts land there."""
    target = Path(tempfile.mkdtemp(prefix="images-")) / "project"
    shutil.copytree(PROJECT, target)
    return target


@pytest.fixture(scope="module")
def plan() -> PlanGraph:
    return plan_of(copied())


def images(plan: PlanGraph) -> dict[str, PlannedResource]:
    return {r.name: r for r in plan.resources if r.type == IMAGE}


def deployment(plan: PlanGraph, api: str) -> PlannedResource:
    return named(plan, "apps/v1:Deployment", f"serving-{api}-deployment")


def container_images(plan: PlanGraph, api: str) -> dict[str, str]:
    spec: dict[str, Any] = deployment(plan, api).inputs["spec"]["template"]["spec"]
    return {c["name"]: c["image"] for c in spec["containers"]}


def test_an_api_with_requirements_gets_its_image_and_its_deployment_depends_on_it(
    plan: PlanGraph,
) -> None:
    """vision and gpu-model have requirements.txt: each runs its own image by digest."""
    built = images(plan)
    for api in ("vision", "gpu-model"):
        image = built[f"serving-images-{api}"]
        assert image.urn in deployment(plan, api).dependencies
        (reference,) = container_images(plan, api).values()
        assert reference.startswith(f"{REPOSITORY}@sha256:")
        assert image.inputs["push"] is True
        assert image.inputs["buildArgs"]["BASE_IMAGE"].startswith(f"{REPOSITORY}@sha256:")


def test_an_api_without_requirements_runs_its_base_by_digest(plan: PlanGraph) -> None:
    """plain has no requirement files: no image of its own, the cpu base by digest."""
    built = images(plan)
    assert "serving-images-plain" not in built
    base = built["serving-images-base-cpu"]
    assert base.urn in deployment(plan, "plain").dependencies
    vision_base = built["serving-images-vision"].inputs["buildArgs"]["BASE_IMAGE"]
    assert container_images(plan, "plain") == {"api": vision_base}
    # The container form's proxy sidecar runs the same cpu base.
    assert container_images(plan, "triton")["proxy"] == vision_base
    assert base.urn in deployment(plan, "triton").dependencies


def test_a_base_is_built_once_per_needed_variant_for_its_apis_platforms(plan: PlanGraph) -> None:
    """cpu (x86 and Graviton groups), cuda and onnx (a type: onnx API); no neuron base when
    no API needs one."""
    bases = {n: r for n, r in images(plan).items() if n.startswith("serving-images-base-")}
    assert sorted(bases) == [
        "serving-images-base-cpu",
        "serving-images-base-cuda",
        "serving-images-base-onnx",
    ]
    onnx = bases["serving-images-base-onnx"]
    assert (onnx.inputs["target"], onnx.inputs["platforms"]) == ("onnx", ["linux/amd64"])
    assert "FROM ${PYTHON_IMAGE} AS onnx" in onnx.inputs["dockerfile"]["inline"]
    cpu, cuda = bases["serving-images-base-cpu"], bases["serving-images-base-cuda"]
    assert cpu.inputs["target"] == "cpu"
    assert cpu.inputs["platforms"] == ["linux/amd64", "linux/arm64"]
    assert cuda.inputs["platforms"] == ["linux/amd64"]
    assert images(plan)["serving-images-vision"].inputs["platforms"] == [
        "linux/amd64",
        "linux/arm64",
    ]
    assert "FROM ${PYTHON_IMAGE} AS cpu" in cpu.inputs["dockerfile"]["inline"]


def test_tags_are_content_hashes_in_an_immutable_repository(plan: PlanGraph) -> None:
    """Every tag ends with the build hash its label shows; no tag is pushed twice."""
    tags = []
    for name, image in images(plan).items():
        (tag,) = image.inputs["tags"]
        content = image.inputs["labels"][BUILD_HASH_LABEL]
        assert len(content) == 64
        assert tag.startswith(f"{REPOSITORY}:"), name
        assert tag.endswith(f"-{content}"), name
        tags.append(tag)
    assert len(set(tags)) == len(tags)
    assert image.inputs["buildOnPreview"] is False


def test_an_image_override_builds_nothing_and_says_its_requirements_are_not_installed(
    plan: PlanGraph,
) -> None:
    """predictor.image wins: the pod runs it, no image is built, the plan warns."""
    assert container_images(plan, "pinned")["api"].startswith("registry.example.com/team/pinned@")
    assert not [n for n in images(plan) if "pinned" in n]
    assert any("apis/pinned/requirements.txt not installed" in w for w in plan.warnings)


def test_the_api_image_runs_dependencies_sh_then_pip_as_root_then_drops_to_the_runtime_user(
    plan: PlanGraph,
) -> None:
    """Cortex's order (script, then requirements), as root, then back to USER 10001."""
    dockerfile = images(plan)["serving-images-vision"].inputs["dockerfile"]["inline"]
    lines = dockerfile.splitlines()
    order = [
        "FROM ${BASE_IMAGE}",
        "USER 0:0",
        "RUN bash -e dependencies.sh",
        "RUN /opt/cortex/venv/bin/python -m pip install --no-cache-dir -r requirements.txt",
        'RUN /opt/cortex/venv/bin/python -c "import runtime.main"',
        "USER 10001:10001",
    ]
    assert [lines.index(line) for line in order] == sorted(lines.index(line) for line in order)
    gpu = images(plan)["serving-images-gpu-model"].inputs["dockerfile"]["inline"]
    assert "dependencies.sh" not in gpu


def test_a_build_context_holds_the_requirement_files_and_nothing_else(plan: PlanGraph) -> None:
    """Relative to the project folder, the same on every machine; no code, no stack files."""
    location = images(plan)["serving-images-vision"].inputs["context"]["location"]
    assert location.startswith(".cortex-infra/images/")
    folder = copied() / location
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == ["common.txt", "dependencies.sh", "requirements.txt"]
    base = copied() / images(plan)["serving-images-base-cpu"].inputs["context"]["location"]
    assert {p.parent.name for p in base.rglob("*") if p.is_file()} == {"runtime"}
    assert (copied() / ".cortex-infra" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_requirements_change_rolls_that_api_alone(tmp_path: Path) -> None:
    """A diff of two plans: vision's image is rebuilt (an update) and its pods roll; every
    change belongs to vision (its bundle holds the file too, as Cortex's project did)."""
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(PROJECT, base)
    shutil.copytree(PROJECT, head)
    (head / "apis" / "vision" / "common.txt").write_text("numpy==2.5.4\n")
    before, after = plan_of(base), plan_of(head)
    changes = diff_graphs(before, after).changes
    ops = {c.name: c.op for c in changes}
    assert ops["serving-images-vision"] == "update"
    assert ops["serving-vision-deployment"] == "update"
    assert not [c for c in changes if c.type == IMAGE and c.name != "serving-images-vision"]
    image = next(c for c in changes if c.name == "serving-images-vision")
    assert not any(f.replaces for f in image.fields)
    assert {f.path.split(".")[0].split("[")[0] for f in image.fields} >= {"tags", "labels"}
    grouper = Grouper(Names(apis=frozenset({"vision", "plain", "gpu-model", "pinned"})))
    assert {grouper.group(c.resource).name for c in changes} == {"vision"}


def test_a_code_change_rebuilds_no_image(tmp_path: Path) -> None:
    """Only the bundle changes with the code: images and their tags stay as they were."""
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(PROJECT, base)
    shutil.copytree(PROJECT, head)
    with (head / "apis" / "vision" / "predictor.py").open("a") as handle:
        handle.write("\n# a comment\n")
    changes = diff_graphs(plan_of(base), plan_of(head)).changes
    assert not [c for c in changes if c.type == IMAGE]
    assert "serving-bundles-vision" in {c.name for c in changes}
