"""`cortex-infra serve` of a Cortex `type: onnx` API: a tiny model the test builds answers."""

from __future__ import annotations

from pathlib import Path

import httpx
import onnx
import pytest
from onnx import TensorProto, helper
from typer.testing import CliRunner

from cortex_cli.exit_codes import ExitCode
from cortex_cli.main import app
from cortex_spec import SpecError, load_spec
from cortex_spec.api_images import variant_of
from tests.cli.projects import CLUSTER
from tests.serving_processes import cortex_serve

SPEC = (
    CLUSTER
    + """
apis:
  - name: affine
    kind: RealtimeAPI
    predictor:
      type: onnx
      path: onnx_predictor.py
      model_path: models/affine.onnx
      config: {labels: [low, high]}
"""
)
# Cortex's ONNXPredictor interface (docs/deployments/predictors.md, v0.20.0).
PREDICTOR = """
class ONNXPredictor:
    def __init__(self, onnx_client, config):
        self.client = onnx_client
        self.labels = config["labels"]

    def predict(self, payload):
        [scores] = self.client.predict(payload)
        return {"scores": scores.tolist(), "label": self.labels[int(scores[0][0] > 0)]}
"""
WEIGHTS = [[1.0], [2.0], [-1.0]]
BIAS = [0.5]


def _model(path: Path) -> None:
    """y = x . W + b: x float[N, 3] -> y float[N, 1] (MatMul then Add)."""
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["xw"]),
            helper.make_node("Add", ["xw", "b"], ["y"]),
        ],
        "affine",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
        initializer=[
            helper.make_tensor("W", TensorProto.FLOAT, [3, 1], [w[0] for w in WEIGHTS]),
            helper.make_tensor("b", TensorProto.FLOAT, [1], BIAS),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8  # what every onnxruntime of the lock reads
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    (tmp_path / "cortex.yaml").write_text(SPEC)
    (tmp_path / "onnx_predictor.py").write_text(PREDICTOR)
    _model(tmp_path / "models" / "affine.onnx")
    return tmp_path / "cortex.yaml"


def test_an_onnx_api_runs_on_the_onnx_image_variant(spec_path: Path) -> None:
    """type: onnx loads (Cortex v0.20-v0.32) and its pods run the runtime's onnx variant."""
    spec = load_spec(spec_path)
    assert variant_of(spec.api("affine")) == "onnx"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("model_path: models/affine.onnx", "type: onnx needs predictor.model_path"),
        ("models/affine.onnx", "cortex-infra does not download models"),
        ("models/affine.onnx", "file "),
    ],
)
def test_model_path_must_be_an_onnx_file_of_the_bundle(
    spec_path: Path, edit: str, message: str
) -> None:
    """Cortex downloaded model_path from S3; here it ships in the bundle, so it must be a
    file next to the spec: missing, a URL or absent from disk are precise errors."""
    replacement = {
        "type: onnx needs predictor.model_path": "",
        "cortex-infra does not download models": "s3://b/iris/gbtree.onnx",
        "file ": "models/absent.onnx",
    }[message]
    spec_path.write_text(SPEC.replace(edit, replacement))
    with pytest.raises(SpecError) as caught:
        load_spec(spec_path)
    assert any(message in problem.message for problem in caught.value.problems)


def test_onnx_on_a_gpu_is_refused_naming_the_alternative(spec_path: Path) -> None:
    """The onnx image is CPU-only (onnxruntime): a GPU request is refused, not ignored."""
    spec_path.write_text(SPEC + "    compute: {gpu: 1}\n")
    result = CliRunner().invoke(app, ["validate", str(spec_path)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "type: onnx runs on CPU nodes only" in result.output


def test_serve_answers_with_the_onnx_model(
    spec_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """cortex-infra serve loads ONNXPredictor with an onnx_client over model_path, and the
    answer is the model's own arithmetic (x . W + b), for one row and for a batch of rows."""
    with cortex_serve(spec_path, "affine", tmp_path_factory.mktemp("serve-logs")) as served:
        url = served.url
        one = httpx.post(url + "/", json=[[1.0, 1.0, 1.0]]).json()
        assert one == {"scores": [[2.5]], "label": "high"}  # 1 + 2 - 1 + 0.5
        named = httpx.post(url + "/", json={"x": [[0, 0, 3], [1, 0, 0]]}).json()
        assert named == {"scores": [[-2.5], [1.5]], "label": "low"}
        wrong = httpx.post(url + "/", json={"z": [1, 2, 3]})
        assert wrong.status_code == 500
        assert "missing key 'x'" in wrong.json()["error"]
    assert served.process.returncode == 0, served.report()
