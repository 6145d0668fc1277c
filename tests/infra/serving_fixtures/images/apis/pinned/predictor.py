"""A predictor for the image tests: its folder's requirement files are what matters."""

from typing import Any


class PythonPredictor:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def predict(self, payload: Any) -> Any:
        return payload
