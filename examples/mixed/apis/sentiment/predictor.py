"""Lexicon sentiment scoring: a complete PythonPredictor with nothing to download.

The runtime imports this file, builds `PythonPredictor(config=predictor.config)` once per
worker process, and calls `predict(payload)` for every request (docs/runtime-contract.md).
A real model would be loaded in `__init__` the same way; the word lists keep this example
small enough to read in a minute and to run anywhere.
"""

import re

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NEGATIONS = {"not", "no", "never", "isn't", "wasn't", "don't", "doesn't", "didn't", "can't"}
_POSITIVE = {
    "good", "great", "excellent", "love", "loved", "like", "liked", "happy", "fast",
    "helpful", "amazing", "perfect", "recommend", "easy", "reliable", "nice",
}
_NEGATIVE = {
    "bad", "terrible", "awful", "hate", "hated", "slow", "broken", "poor", "buggy",
    "disappointing", "useless", "worst", "hard", "unreliable", "crash", "crashes",
}


class PythonPredictor:
    def __init__(self, config):
        self.positive = _POSITIVE | set(config.get("extra_positive", []))
        self.negative = _NEGATIVE | set(config.get("extra_negative", []))
        self.threshold = float(config.get("threshold", 0.05))

    def predict(self, payload):
        text = payload.get("text", "") if isinstance(payload, dict) else str(payload)
        words = _WORD.findall(text.lower())
        hits = []
        for index, word in enumerate(words):
            polarity = 1 if word in self.positive else -1 if word in self.negative else 0
            # "not good" counts against, "not bad" for: a negation flips the next word.
            if polarity and index > 0 and words[index - 1] in _NEGATIONS:
                polarity = -polarity
            if polarity:
                hits.append((word, polarity))
        score = sum(p for _, p in hits) / max(len(words), 1)
        if score > self.threshold:
            label = "positive"
        elif score < -self.threshold:
            label = "negative"
        else:
            label = "neutral"
        return {"label": label, "score": round(score, 4), "evidence": [w for w, _ in hits]}
