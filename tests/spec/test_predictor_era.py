"""Cortex's predictor-era (v0.20-v0.35) fields mean what they meant on Cortex.

Citations are files of github.com/cortexlabs/cortex at the tag named: `validations.go` is
`pkg/types/spec/validations.go`, `api.go` is `pkg/types/userconfig/api.go`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cortex_spec import Spec, SpecError, load_spec
from cortex_spec.serving_env import api_spec_document, serving_environment
from infra.serving.scaling_rules import scaled_object_spec

CLUSTER = {
    "region": "us-east-1",
    "node_groups": [{"name": "cpu", "instance_type": "c5.xlarge", "max_instances": 2}],
}


def _load(tmp_path: Path, api: dict[str, Any]) -> Spec:
    (tmp_path / "predictor.py").write_text("class PythonPredictor:\n    pass\n")
    (tmp_path / "cluster.yaml").write_text(yaml.safe_dump(CLUSTER))
    base = {
        "name": "api",
        "kind": "RealtimeAPI",
        "predictor": {"type": "python", "path": "predictor.py"},
    }
    (tmp_path / "cortex.yaml").write_text(yaml.safe_dump([_merge(base, api)]))
    return load_spec(tmp_path / "cortex.yaml", cluster_config=tmp_path / "cluster.yaml")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and key in out else value
    return out


def _errors(tmp_path: Path, api: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, api)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def test_two_by_four_predictor_targets_eight_with_cortex_in_flight_room(tmp_path: Path) -> None:
    """validations.go v0.33.0 `validateAutoscaling`: target_replica_concurrency defaults to
    processes_per_replica x threads_per_process; `consts.DefaultMaxReplicaConcurrency` (1024)
    is the in-flight limit. A 2 x 4 predictor runs 8, queues 1016, and scales at 8."""
    spec = _load(tmp_path, {"predictor": {"processes_per_replica": 2, "threads_per_process": 4}})
    api = spec.apis[0]
    assert (api.max_concurrency, api.max_queue_length, api.target_in_flight) == (8, 1016, 8.0)
    env = serving_environment(api, spec, bundle_uri="s3://b/k", bundle_sha256="0" * 64)
    assert env["CORTEX_MAX_CONCURRENCY"] == "8"
    assert env["CORTEX_MAX_QUEUE_LENGTH"] == "1016"
    scaled = scaled_object_spec(
        api,
        deployment="d",
        hpa_name="h",
        prometheus_url="http://p",
        external_scaler="s",
        interceptor_route="r",
    )
    assert scaled["triggers"][0]["metadata"]["threshold"] == "8"


def test_old_autoscaling_keys_map_onto_target_and_limit(tmp_path: Path) -> None:
    """api.go v0.33.0 `Autoscaling`: target_replica_concurrency is target_in_flight and
    max_replica_concurrency the in-flight limit (running + queued)."""
    spec = _load(
        tmp_path,
        {
            "predictor": {"threads_per_process": 3},
            "autoscaling": {"target_replica_concurrency": 2.5, "max_replica_concurrency": 10},
        },
    )
    api = spec.apis[0]
    assert (api.max_concurrency, api.max_queue_length, api.target_in_flight) == (3, 7, 2.5)
    assert api.in_flight_limit == 10


def test_target_above_the_in_flight_limit_is_refused(tmp_path: Path) -> None:
    """validations.go v0.33.0: "target_replica_concurrency (X) cannot be greater than
    max_replica_concurrency (Y)"."""
    errors = _errors(
        tmp_path,
        {"autoscaling": {"target_replica_concurrency": 20, "max_replica_concurrency": 10}},
    )
    assert errors == [
        "apis[0] (api, RealtimeAPI): autoscaling.target_replica_concurrency: must be <= "
        "max_replica_concurrency (got 20 > 10)"
    ]


def test_old_and_new_target_together_are_refused(tmp_path: Path) -> None:
    """One target: target_replica_concurrency (v0.20-v0.35) and target_in_flight (v0.36+)
    set together is an error, not a silent choice."""
    errors = _errors(
        tmp_path, {"autoscaling": {"target_replica_concurrency": 2, "target_in_flight": 3}}
    )
    assert any("both set" in e for e in errors)


def test_max_replica_concurrency_bounds_are_cortex_s(tmp_path: Path) -> None:
    """validations.go v0.33.0: MaxReplicaConcurrency > 0 and <= 30000."""
    errors = _errors(tmp_path, {"autoscaling": {"max_replica_concurrency": 30001}})
    assert errors == [
        "apis[0] (api, RealtimeAPI): autoscaling.max_replica_concurrency: must be less than "
        "or equal to 30000 (got 30001)"
    ]


def test_handler_and_compute_node_groups_of_v034_are_read(tmp_path: Path) -> None:
    """api.go v0.34.0: `handler` is the predictor and `compute.node_groups` the API's
    node_groups (moved to the API in v0.36)."""
    (tmp_path / "predictor.py").write_text("class Handler:\n    pass\n")
    spec = _load(
        tmp_path,
        {
            "compute": {"cpu": "100m", "node_groups": ["cpu"]},
            "handler": {"type": "python", "path": "predictor.py"},
            "predictor": None,
        },
    )
    api = spec.apis[0]
    assert api.predictor is not None
    assert api.node_groups == ["cpu"]


def test_shm_size_and_log_level_are_mapped(tmp_path: Path) -> None:
    """api.go v0.33.0: predictor.shm_size is the /dev/shm size (compute.shm here) and
    predictor.log_level the runtime's log level."""
    spec = _load(tmp_path, {"predictor": {"shm_size": "1Gi", "log_level": "debug"}})
    api = spec.apis[0]
    assert api.compute is not None
    assert str(api.compute.shm) == "1Gi"
    env = serving_environment(api, spec, bundle_uri="s3://b/k", bundle_sha256="0" * 64)
    assert env["CORTEX_LOG_LEVEL"] == "DEBUG"


@pytest.mark.parametrize(
    ("field", "value", "version"),
    [
        ("protobuf_path", "api.proto", "Cortex v0.32-v0.35"),
        ("multi_model_reloading", {"path": "s3://b/m"}, "Cortex v0.25-v0.35"),
        ("models", {"path": "s3://b/m"}, "Cortex v0.20-v0.35"),
        ("model_path", "s3://b/m", "Cortex v0.20-v0.24"),
    ],
)
def test_unserved_predictor_fields_name_their_version_not_a_typo(
    tmp_path: Path, field: str, value: object, version: str
) -> None:
    """api.go (v0.20.0, v0.33.0): a Cortex field cortex-infra does not serve gets one
    message with its Cortex versions and the alternative, never "did you mean"."""
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, {"predictor": {field: value}})
    [problem] = caught.value.problems
    assert problem.message.startswith(f"{version} field, not supported by cortex-infra")
    assert "did you mean" not in problem.message
    assert problem.hint


def test_server_side_batching_is_checked_as_cortex_did(tmp_path: Path) -> None:
    """validations.go v0.33.0 `validatePythonPredictor`: max_batch_size must equal
    threads_per_process; 2 <= max_batch_size <= 1024."""
    errors = _errors(
        tmp_path,
        {"predictor": {"server_side_batching": {"max_batch_size": 4, "batch_interval": "1s"}}},
    )
    assert any("threads_per_process (1) must be equal to max_batch_size (4)" in e for e in errors)
    errors = _errors(
        tmp_path,
        {"predictor": {"server_side_batching": {"max_batch_size": 1, "batch_interval": "1s"}}},
    )
    assert any("greater than or equal to 2" in e for e in errors)


def test_monitoring_is_ignored_with_a_warning(tmp_path: Path) -> None:
    """api.go v0.20.0 `Monitoring` (CloudWatch): loads, with a warning naming v0.20-v0.25
    and the Prometheus metrics to use instead."""
    spec = _load(tmp_path, {"monitoring": {"model_type": "classification"}})
    [warning] = [w for w in spec.warnings if "monitoring" in w.path]
    assert warning.message.startswith("Cortex v0.20-v0.25 field, ignored")
    assert warning.hint is not None
    assert "/metrics" in warning.hint


def test_predictor_memory_request_difference_is_warned(tmp_path: Path) -> None:
    """pkg/operator/operator/k8s.go (v0.20.0) lines 118-184: a predictor's compute.mem was a
    request only; here it is also the limit, so a Cortex file relying on it is warned."""
    spec = _load(tmp_path, {"compute": {"mem": "4G"}})
    [warning] = [w for w in spec.warnings if w.message.startswith("Cortex requested mem (4G)")]
    assert warning.path.endswith("compute.mem")
    assert "OOM-killed" in warning.message


def test_server_side_batching_loads_and_reaches_the_runtime(tmp_path: Path) -> None:
    """A batching predictor (max_batch_size = threads_per_process, as Cortex required) is
    accepted; the spec file the runtime reads carries its batching as written."""
    batching = {"max_batch_size": 4, "batch_interval": "100ms"}
    spec = _load(
        tmp_path,
        {"predictor": {"threads_per_process": 4, "server_side_batching": batching}},
    )
    document = api_spec_document(spec.api("api"), spec, bundle_uri="s3://b/k", bundle_sha256="a")
    assert document["api"]["predictor"]["server_side_batching"] == batching
