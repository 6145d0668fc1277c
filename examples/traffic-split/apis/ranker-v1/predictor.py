"""Version 1 of a toy ranker: orders candidate strings by length, shortest first.

Served at `/rank` through the TrafficSplitter in ../../cortex.yaml (90 percent of the
requests), and at its own endpoint `/ranker-v1`.
"""


class PythonPredictor:
    def __init__(self, config):
        self.version = config.get("version", "v1")

    def predict(self, payload):
        items = payload.get("items", []) if isinstance(payload, dict) else []
        ranked = sorted((str(i) for i in items), key=lambda item: (len(item), item))
        return {"version": self.version, "ranked": ranked}
