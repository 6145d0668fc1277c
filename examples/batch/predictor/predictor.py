"""Word statistics of text items, one JSON file of results per batch.

A BatchAPI's predictor gets each batch (a JSON list of items) with its id; the job's spec
(`job_id`, `config`, ...) comes to the constructor. With `dest_s3_dir` in the job's config
the results go to `<dest_s3_dir>/<job_id>/<batch_id>.json`; without it they are printed,
which is what `cortex-infra serve` and `cortex-infra logs API JOB_ID` show.
"""

import json
import re
from collections import Counter

_WORD = re.compile(r"[a-z']+")


class PythonPredictor:
    def __init__(self, config, job_spec):
        self.top_words = int(config.get("top_words", 3))
        self.job_id = job_spec["job_id"]
        self.dest = config.get("dest_s3_dir")
        self.s3 = None
        if self.dest:
            import boto3

            self.s3 = boto3.client("s3")

    def _stats(self, text):
        words = _WORD.findall(str(text).lower())
        common = Counter(words).most_common(self.top_words)
        return {"words": len(words), "top": [word for word, _ in common]}

    def predict(self, payload, batch_id):
        results = [self._stats(item) for item in payload]
        body = json.dumps(results)
        if self.s3 is None:
            print(f"batch {batch_id}: {body}")
            return
        bucket, _, prefix = self.dest.removeprefix("s3://").partition("/")
        key = "/".join(part for part in (prefix.rstrip("/"), self.job_id, batch_id) if part)
        self.s3.put_object(Bucket=bucket, Key=f"{key}.json", Body=body.encode())

    def on_job_complete(self):
        print(f"job {self.job_id}: every batch is done")
