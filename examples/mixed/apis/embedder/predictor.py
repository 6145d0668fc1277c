"""Text embeddings by feature hashing: a PythonPredictor that runs anywhere.

On inf2 a predictor would load a Neuron-compiled model in `__init__` and run it in
`predict`, one worker process per NeuronCore (`processes_per_replica: 2` for the two cores
of an inf2.xlarge device). Feature hashing keeps this example free of weights to download
while still returning a real, deterministic embedding: each token adds +1 or -1 to one of
`dimensions` slots chosen by a hash, and the vector is scaled to unit length.
"""

import hashlib
import math
import re

_TOKEN = re.compile(r"\w+", re.UNICODE)


class PythonPredictor:
    def __init__(self, config):
        self.dimensions = int(config.get("dimensions", 256))
        self.lowercase = bool(config.get("lowercase", True))

    def _slot(self, token):
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        number = int.from_bytes(digest, "big")
        return number % self.dimensions, 1.0 if number >> 63 else -1.0

    def predict(self, payload):
        texts = payload.get("texts") if isinstance(payload, dict) else [str(payload)]
        embeddings = []
        for text in texts or []:
            vector = [0.0] * self.dimensions
            for token in _TOKEN.findall(text.lower() if self.lowercase else text):
                slot, sign = self._slot(token)
                vector[slot] += sign
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            embeddings.append([round(v / norm, 6) for v in vector])
        return {"dimensions": self.dimensions, "embeddings": embeddings}
