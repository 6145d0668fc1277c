"""A batch predictor in Cortex v0.33's interface, for the jobs plan's bundle."""


class PythonPredictor:
    def __init__(self, config: dict[str, float], job_spec: dict[str, object]) -> None:
        self.threshold = config["threshold"]

    def predict(self, payload: list[float], batch_id: str) -> list[bool]:
        return [x > self.threshold for x in payload]
