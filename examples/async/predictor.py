"""Extractive summary: the sentences with the most frequent words, in their own order.

An AsyncAPI's predictor is a RealtimeAPI's: the worker posts each queued payload to it and
stores what `predict` returns (JSON) as the request's result.
"""

import re
from collections import Counter

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z']+")
_STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "is", "it", "that", "for", "on"}


class PythonPredictor:
    def __init__(self, config):
        self.sentences = int(config.get("sentences", 2))

    def predict(self, payload):
        text = payload.get("text", "") if isinstance(payload, dict) else str(payload)
        sentences = [s for s in _SENTENCE.split(text.strip()) if s]
        counts = Counter(w for w in _WORD.findall(text.lower()) if w not in _STOP)

        def weight(sentence):
            words = [w for w in _WORD.findall(sentence.lower()) if w not in _STOP]
            return sum(counts[w] for w in words) / max(len(words), 1)

        ranked = sorted(range(len(sentences)), key=lambda i: -weight(sentences[i]))
        keep = sorted(ranked[: self.sentences])
        return {"summary": " ".join(sentences[i] for i in keep), "sentences": len(sentences)}
