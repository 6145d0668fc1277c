"""The bundled examples: each validates in every environment it defines, shows what its
README promises, and its predictor files really serve a request."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from cortex_spec import Spec, load_spec
from cortex_spec.models.legacy import CORTEX_ONLY_FIELDS
from cortex_spec.node_profiles import COMPANION_SUFFIX
from tests.conftest import EXAMPLES

PAIR = EXAMPLES / "cortex-v0.42"


def _environments(spec: Path) -> list[str | None]:
    data = yaml.safe_load(spec.read_text())
    return [None, *(data.get("environments") or {})] if isinstance(data, dict) else [None]


def _runs() -> list[tuple[Path, str | None]]:
    return [
        (spec, env)
        for spec in sorted(EXAMPLES.glob("*/cortex.yaml"))
        for env in _environments(spec)
    ]


def _load(spec: Path, env: str | None = None) -> Spec:
    cluster = spec.parent / "cluster.yaml"
    return load_spec(spec, cluster_config=cluster if cluster.exists() else None, environment=env)


def test_every_example_folder_is_present() -> None:
    """The examples the README points to exist."""
    names = {p.parent.name for p in EXAMPLES.glob("*/cortex.yaml")}
    assert names == {
        *("cpu", "gpu-spot", "inferentia", "mixed", "traffic-split", "async", "cortex-v0.42"),
        "batch",
    }


@pytest.mark.parametrize(("spec", "env"), _runs(), ids=lambda v: str(v).split("examples/")[-1])
def test_example_validates(spec: Path, env: str | None) -> None:
    """Each example loads without error in its base form and in each environment."""
    loaded = _load(spec, env)
    assert loaded.entries
    assert loaded.environment == env


def test_mixed_prod_is_production_grade() -> None:
    """prod: private nodes, a NAT per AZ, 3 pinned AZs, HTTPS and a restricted API endpoint."""
    cluster = _load(EXAMPLES / "mixed" / "cortex.yaml", "prod").cluster
    assert (cluster.subnet_visibility, cluster.resolved_nat_gateway) == (
        "private",
        "highly_available",
    )
    assert cluster.availability_zones is not None
    assert len(cluster.availability_zones) == 3
    assert cluster.ssl_certificate_arn is not None
    assert "0.0.0.0/0" not in cluster.endpoint_public_access_cidrs


@pytest.mark.parametrize("env", _environments(EXAMPLES / "mixed" / "cortex.yaml"))
def test_mixed_has_cpu_gpu_spot_and_inferentia(env: str | None) -> None:
    """The mixed cluster has a CPU group, a GPU spot group and an inf2 group, and three APIs."""
    spec = _load(EXAMPLES / "mixed" / "cortex.yaml", env)
    by_accelerator = {p.accelerator: p for p in spec.profiles}
    assert set(by_accelerator) == {"none", "nvidia", "neuron"}
    assert by_accelerator["neuron"].instance_type.startswith("inf2.")
    gpu = next(g for g in spec.cluster.worker_groups if g.name == by_accelerator["nvidia"].name)
    assert gpu.spot
    forms = {(api.accelerator, api.form) for api in spec.apis}
    assert forms == {("none", "predictor"), ("nvidia", "container"), ("neuron", "predictor")}
    assert spec.api("embedder").autoscaling.min_replicas == 0


def test_mixed_base_keeps_an_on_demand_gpu() -> None:
    """The GPU spot group has an on-demand base, built as an on-demand companion group."""
    spec = _load(EXAMPLES / "mixed" / "cortex.yaml")
    gpu = next(p for p in spec.profiles if p.accelerator == "nvidia")
    assert [g.capacity_type for g in gpu.groups] == ["SPOT", "ON_DEMAND"]
    assert gpu.groups[1].name == gpu.name + COMPANION_SUFFIX
    assert gpu.groups[1].min_size >= 1


def test_cortex_pair_is_written_as_cortex_users_wrote_it() -> None:
    """The pair is a list of container-form APIs and a cluster.yaml with Cortex-only fields."""
    apis = yaml.safe_load((PAIR / "cortex.yaml").read_text())
    cluster = yaml.safe_load((PAIR / "cluster.yaml").read_text())
    assert isinstance(apis, list)
    assert all("pod" in api for api in apis)
    assert "cluster_name" in cluster
    assert any(k.startswith("image_") for k in cluster)
    for key in ("prometheus_instance_type", "operator_load_balancer_scheme", "telemetry"):
        assert key in cluster


def test_cortex_pair_warns_about_each_cortex_only_field() -> None:
    """Every Cortex-only field the pair sets produces one warning located at that field."""
    spec = _load(PAIR / "cortex.yaml")
    cluster = yaml.safe_load((PAIR / "cluster.yaml").read_text())
    expected = {f"cluster.{k}" for k in cluster if k in CORTEX_ONLY_FIELDS}
    warned = {w.path for w in spec.warnings if w.message.startswith("Cortex-only setting")}
    assert warned == expected
    assert len(expected) >= 5
    cortex_only = [w for w in spec.warnings if w.message.startswith("Cortex-only setting")]
    assert all(w.location and w.location.file.endswith("cluster.yaml") for w in cortex_only)


def _predictor_apis() -> list[tuple[Path, str]]:
    out = []
    for spec, env in _runs():
        if env is None:
            out += [(spec, api.name) for api in _load(spec).apis if api.predictor is not None]
    return out


SAMPLES: dict[str, Any] = {
    "sentiment": {"text": "Setup was easy and the support team was not slow at all"},
    "embedder": {"texts": ["the quick brown fox", "jumps over the lazy dog"]},
    "ranker": {"query": "red shoes", "items": ["blue hat", "red shoes", "red"]},
    "summarizer": {"text": "Queues hold work. Workers take work from queues. Cats sleep."},
}


def _sample(name: str) -> Any:
    return SAMPLES["ranker" if name.startswith("ranker-") else name]


@pytest.mark.parametrize(
    ("spec", "name"), _predictor_apis(), ids=lambda v: str(v).split("examples/")[-1]
)
def test_predictor_serves_a_request(spec: Path, name: str) -> None:
    """Each example predictor builds from its config and answers a request (runtime contract)."""
    api = _load(spec).api(name)
    assert api.predictor is not None
    module_spec = importlib.util.spec_from_file_location(
        f"example_{name}", spec.parent / api.predictor.path
    )
    assert module_spec is not None
    assert module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    predictor = module.PythonPredictor(config=dict(api.predictor.config))
    result = predictor.predict(_sample(name))
    if name == "sentiment":
        assert result["label"] == "positive"
        assert "easy" in result["evidence"]
    elif name.startswith("ranker-"):
        # v1 ranks by length; v2 and its shadow by the query's words.
        first = "red" if name == "ranker-v1" else "red shoes"
        assert result["ranked"][0] == first
        assert result["version"] == api.predictor.config["version"]
    elif name == "summarizer":
        # The two sentences with the most frequent words, in their own order.
        assert result == {
            "summary": "Queues hold work. Workers take work from queues.",
            "sentences": 3,
        }
    else:
        dimensions = api.predictor.config.get("dimensions", 256)
        assert result["dimensions"] == dimensions
        assert [len(e) for e in result["embeddings"]] == [dimensions, dimensions]
        assert abs(sum(v * v for v in result["embeddings"][0]) - 1) < 1e-4


def test_batch_example_works_off_a_batch(capsys: pytest.CaptureFixture[str]) -> None:
    """The BatchAPI example's predictor, loaded as a worker loads it (the job's config over
    the API's), counts each item's words in a batch and says when the job is complete."""
    from runtime.job_handlers import load_batch
    from runtime.settings import PredictorSettings

    spec = _load(EXAMPLES / "batch" / "cortex.yaml")
    (api,) = spec.jobs
    assert api.kind == "BatchAPI"
    assert api.predictor is not None
    settings = PredictorSettings(path=api.predictor.path, config=dict(api.predictor.config))
    job_spec = {"job_id": "69d6faf82e4660d3", "config": {"top_words": 1}}
    handler = load_batch(EXAMPLES / "batch", settings, job_spec)
    handler.handle(["the fox saw the dog", "a dog"], "batch-0")
    handler.complete()
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        'batch batch-0: [{"words": 5, "top": ["the"]}, {"words": 2, "top": ["a"]}]',
        "job 69d6faf82e4660d3: every batch is done",
    ]
