class PythonPredictor:
    def __init__(self, config, job_spec):
        self.threshold = config["threshold"]

    def predict(self, payload, batch_id):
        return [x > self.threshold for x in payload]
