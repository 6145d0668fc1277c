"""What rolls an API's pods, and how pods leave: only code, config and images roll them;
scaling and placement edits do not; pods pause before SIGTERM; keep-alive outlasts the ALB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cortex_spec import load_spec
from cortex_spec.api_images import variant_of
from cortex_spec.serving_env import INFRASTRUCTURE_ONLY, api_spec_document
from infra.serving import api_documents, containers
from runtime import contract
from runtime.bundle import build_bundle
from tests.infra.serving_fixtures.plans import EXAMPLES, example_plan, of_type

MIXED = EXAMPLES / "mixed" / "cortex.yaml"


def _deployment(name: str) -> dict[str, object]:
    graph = example_plan("mixed", "prod")
    [found] = [r for r in of_type(graph, "apps/v1:Deployment") if r.name.endswith(name)]
    return found.inputs


def test_spec_file_leaves_out_fields_only_the_infrastructure_uses() -> None:
    """api.json has no autoscaling, update_strategy, node_groups or IAM fields: editing them
    restarts nothing."""
    spec = load_spec(MIXED, environment="prod")
    api = spec.api("sentiment")
    document = api_spec_document(api, spec, bundle_uri="s3://b/k.zip", bundle_sha256="0" * 64)
    assert set(INFRASTRUCTURE_ONLY) == {
        "autoscaling",
        "update_strategy",
        "node_groups",
        "iam_policy_arns",
        "secrets_kms_key_arns",
    }
    assert not set(INFRASTRUCTURE_ONLY) & set(document["api"])
    assert document["api"]["predictor"]["path"] == api.predictor.path  # type: ignore[union-attr]


def test_spec_config_map_is_immutable_and_named_by_its_content() -> None:
    """Each spec is its own immutable ConfigMap; the Deployment mounts the one it was built
    for, so a changed spec rolls the pods instead of changing a file under them."""
    graph = example_plan("mixed", "prod")
    maps = [r for r in of_type(graph, "core/v1:ConfigMap") if r.name.endswith("-spec")]
    assert maps
    for config_map in maps:
        inputs = config_map.inputs
        assert inputs["immutable"] is True
        text = inputs["data"][contract.SPEC_FILE_NAME]
        api = json.loads(text)["resolved"]["name"]
        assert inputs["metadata"]["name"] == api_documents.spec_config_map_name(api, text)
    deployment = _deployment("sentiment-deployment")
    volumes = deployment["spec"]["template"]["spec"]["volumes"]  # type: ignore[index]
    mounted = {v["configMap"]["name"] for v in volumes if "configMap" in v}
    assert mounted == {m.inputs["metadata"]["name"] for m in maps if "sentiment" in m.name}


def test_bundle_leaves_out_the_spec_files(tmp_path: Path) -> None:
    """Editing cortex.yaml (e.g. one API's max_replicas) does not change any API's bundle."""
    (tmp_path / "predictor.py").write_text("class PythonPredictor: ...\n")
    (tmp_path / "cortex.yaml").write_text("apis: []\n")
    before = build_bundle(tmp_path, exclude=("cortex.yaml",))
    (tmp_path / "cortex.yaml").write_text("apis: [] # edited\n")
    after = build_bundle(tmp_path, exclude=("cortex.yaml",))
    assert before.files == ("predictor.py",)
    assert before.sha256 == after.sha256
    assert build_bundle(tmp_path).files == ("cortex.yaml", "predictor.py")


def test_the_spec_files_inside_the_project_are_excluded_from_bundles() -> None:
    """A Cortex pair's two files both live in the project folder and both stay out."""
    folder = EXAMPLES / "cortex-v0.42"
    spec = load_spec(folder / "cortex.yaml", cluster_config=folder / "cluster.yaml")
    assert spec.spec_files_in_project == ("cluster.yaml", "cortex.yaml")


def test_default_runtime_image_follows_the_accelerator() -> None:
    """Without predictor.image or runtime_image: the cpu base for CPU, cuda for GPU, neuron
    for Inferentia; a container-form proxy always runs the cpu base."""
    spec = load_spec(MIXED, environment="prod")
    assert {api.name: variant_of(api) for api in spec.apis} == {
        "sentiment": "cpu",
        "image-classifier": "cpu",
        "embedder": "neuron",
    }


@pytest.mark.parametrize(
    ("version", "runtime", "user"),
    [
        ("1.35", {"sleep": {"seconds": 10}}, {"sleep": {"seconds": 10}}),
        ("1.30", {"sleep": {"seconds": 10}}, {"sleep": {"seconds": 10}}),
        ("1.29", {"exec": {"command": ["sleep", "10"]}}, None),
    ],
)
def test_pods_pause_before_sigterm(
    version: str, runtime: dict[str, object], user: dict[str, object] | None
) -> None:
    """Containers pause PRE_STOP_SECONDS before SIGTERM so the ALB stops sending first; before
    Kubernetes 1.30 only images known to have `sleep` get the pause."""
    assert containers.pause_before_stop(version, has_sleep_binary=True) == {"preStop": runtime}
    pause = containers.pause_before_stop(version, has_sleep_binary=False)
    assert pause == (None if user is None else {"preStop": user})
    assert contract.PRE_STOP_SECONDS + contract.DRAIN_SECONDS <= contract.TERMINATION_GRACE_SECONDS


def test_keep_alive_outlasts_the_load_balancer_idle_timeout() -> None:
    """Pods keep idle connections longer than the ALB does: 60 s + margin normally, the
    cold-start timeout + margin when an API scales to zero (mixed prod has one)."""
    deployment = _deployment("sentiment-deployment")
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]  # type: ignore[index]
    values = {item["name"]: item["value"] for item in env}
    graph = example_plan("mixed", "prod")
    [balancer] = of_type(graph, "lb/loadBalancer:LoadBalancer")
    idle = balancer.inputs["idleTimeout"]
    assert int(values[contract.ENV_KEEP_ALIVE_SECONDS]) == idle + contract.KEEP_ALIVE_MARGIN_SECONDS
    cpu = example_plan("cpu", None)
    [cpu_balancer] = of_type(cpu, "lb/loadBalancer:LoadBalancer")
    assert cpu_balancer.inputs["idleTimeout"] + contract.KEEP_ALIVE_MARGIN_SECONDS == (
        contract.DEFAULT_KEEP_ALIVE_SECONDS
    )
