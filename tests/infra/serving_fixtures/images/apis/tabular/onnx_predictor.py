"""A Cortex `type: onnx` predictor for the image tests: it runs on the onnx base."""

from typing import Any


class ONNXPredictor:
    def __init__(self, onnx_client: Any, config: dict[str, Any]) -> None:
        self.client = onnx_client

    def predict(self, payload: Any) -> Any:
        return self.client.predict(payload)[0].tolist()
