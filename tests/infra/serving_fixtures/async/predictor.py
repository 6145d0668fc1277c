"""A minimal predictor for the serving tests' bundle."""


class PythonPredictor:
    def __init__(self, config: dict[str, object]) -> None:
        self.config = config

    def predict(self, payload: object) -> dict[str, bool]:
        return {"ok": payload is not None}
