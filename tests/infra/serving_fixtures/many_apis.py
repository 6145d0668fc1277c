"""A generated spec with many APIs, for the scale test and the router benchmark.

Mostly container-form CPU APIs, every tenth a predictor-form one, every seventh scaling to
zero; endpoints at depths 1 to 3, some nested under another API's endpoint, some names and
endpoints as long as the spec allows (the worst case for the router's ConfigMap size).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from cortex_spec.naming import ENDPOINT_MAX

FIXTURES = Path(__file__).resolve().parent
NAME_MAX = 42


def _name(index: int) -> str:
    base = f"api-{index:04d}"
    # Every third API has a name of the longest length the spec accepts.
    return base if index % 3 else (base + "-" + "n" * NAME_MAX)[:NAME_MAX]


def _endpoint(index: int, name: str) -> str:
    group = f"/group-{index % 10}"
    if index % 10 == index:  # the first ten are the groups themselves
        return group
    if index % 4 == 0:
        return f"{group}/{name}/v1"
    if index % 5 == 0:
        return (f"{group}/{name}/" + "e" * ENDPOINT_MAX)[:ENDPOINT_MAX]
    return f"{group}/{name}"


def _api(index: int) -> dict[str, Any]:
    name = _name(index)
    api: dict[str, Any] = {
        "name": name,
        "kind": "RealtimeAPI",
        "networking": {"endpoint": _endpoint(index, name)},
        "autoscaling": {"min_replicas": 0 if index % 7 == 0 else 1, "max_replicas": 4},
    }
    if index % 10 == 3:
        api["predictor"] = {"type": "python", "path": "predictor.py"}
        api["compute"] = {"cpu": "250m", "mem": "256Mi"}
    else:
        api["pod"] = {
            "port": 8080,
            "containers": [
                {
                    "name": "server",
                    "image": "public.ecr.aws/docker/library/nginx:1.27",
                    "compute": {"cpu": "250m", "mem": "256Mi"},
                }
            ],
        }
    return api


def write_spec(folder: Path, count: int) -> Path:
    """`count` APIs on one CPU node group behind api.example.com, in `folder/cortex.yaml`."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "three_apis" / "predictor.py", folder / "predictor.py")
    document = {
        "cluster": {
            "name": "many-apis",
            "region": "us-west-2",
            "availability_zones": ["us-west-2a", "us-west-2b"],
            "domain": "api.example.com",
            "node_groups": [
                {
                    "name": "cpu",
                    "instance_type": "m6i.xlarge",
                    "min_instances": 1,
                    "max_instances": 50,
                }
            ],
        },
        "apis": [_api(index) for index in range(count)],
    }
    spec = folder / "cortex.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return spec
