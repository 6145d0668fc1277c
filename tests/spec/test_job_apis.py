"""The job kinds' models: Cortex's forms map onto one model, jobs stay out of the serving
APIs, and a job API's image covers the system nodes its gateway runs on."""

from __future__ import annotations

from pathlib import Path

from cortex_spec import load_spec
from cortex_spec.api_images import image_platforms
from cortex_spec.models.job_apis import BatchAPI, TaskAPI
from runtime import contract

SPEC = """
cluster:
  name: jobs
  region: us-west-2
  node_groups:
    - {name: arm, instance_type: m7g.large}
apis:
  - name: sum
    kind: BatchAPI
    pod:
      containers:
        - {name: api, image: "example/sum:1", command: [serve]}
  - name: trainer
    kind: TaskAPI
    definition: {path: task.py, config: {epochs: 1}}
  - name: summing
    kind: BatchAPI
    handler: {type: python, path: task.py}
"""


def _spec(tmp_path: Path) -> Path:
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "task.py").write_text(
        "class Task:\n    def __call__(self, config):\n        pass\n"
    )
    return tmp_path / "cortex.yaml"


def test_jobs_are_their_own_tuple_and_listed_in_file_order(tmp_path: Path) -> None:
    """Spec.jobs holds the job kinds; Spec.apis (replicas) does not; entries has all."""
    spec = load_spec(_spec(tmp_path))
    assert [a.name for a in spec.jobs] == ["sum", "trainer", "summing"]
    assert spec.apis == ()
    assert [a.name for a in spec.entries] == ["sum", "trainer", "summing"]


def test_cortex_forms_map_onto_the_predictor(tmp_path: Path) -> None:
    """v0.27-v0.35 `definition` and v0.34 `handler` are read as the predictor form."""
    spec = load_spec(_spec(tmp_path))
    trainer = spec.job("trainer")
    assert isinstance(trainer, TaskAPI)
    assert trainer.predictor is not None
    assert trainer.predictor.config == {"epochs": 1}
    summing = spec.job("summing")
    assert isinstance(summing, BatchAPI)
    assert summing.form == "predictor"


def test_container_batch_workers_have_the_dequeuer(tmp_path: Path) -> None:
    """The container form's batch worker gets Cortex's dequeuer sidecar (counted in its
    request); the predictor form and tasks get none."""
    spec = load_spec(_spec(tmp_path))
    assert spec.job("sum").sidecars == (contract.DEQUEUER_CONTAINER_NAME,)
    assert spec.job("summing").sidecars == ()
    assert spec.job("trainer").sidecars == ()
    assert spec.job("sum").request.cpu_millis == 200 + contract.SIDECAR_CPU_MILLIS


def test_a_job_image_is_built_for_the_system_nodes_too(tmp_path: Path) -> None:
    """An ARM-only job API's image also covers the x86 system group its gateway runs on."""
    spec = load_spec(_spec(tmp_path))
    assert image_platforms(spec.job("sum"), spec) == ("linux/amd64", "linux/arm64")
