"""Shared by the predictor-form cases in this folder: a PythonPredictor that echoes."""


class PythonPredictor:
    def __init__(self, config):
        self.config = config

    def predict(self, payload):
        return payload
