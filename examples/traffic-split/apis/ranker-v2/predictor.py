"""Version 2 of the toy ranker: orders candidates by how many query words they contain.

The canary (10 percent of `/rank`) and, as `ranker-next`, the shadow that gets a copy of
half the requests to `/rank` without answering them (../../cortex.yaml).
"""


class PythonPredictor:
    def __init__(self, config):
        self.version = config.get("version", "v2")

    def predict(self, payload):
        if not isinstance(payload, dict):
            return {"version": self.version, "ranked": []}
        words = set(str(payload.get("query", "")).lower().split())
        items = [str(i) for i in payload.get("items", [])]

        def score(item):
            return -len(words & set(item.lower().split())), item

        return {"version": self.version, "ranked": sorted(items, key=score)}
