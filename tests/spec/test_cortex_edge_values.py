"""Edge values Cortex v0.42.1 accepted load as Cortex read them. Line numbers are those of
github.com/cortexlabs/cortex at v0.42.1: pkg/types/spec/validations.go (VAL) and
pkg/types/clusterconfig/cluster_config.go (CC)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cortex_spec import Spec, SpecError, load_spec
from cortex_spec.models.cortex_edges import PROBE_ZERO_DEFAULTS
from cortex_spec.schema import json_schema

CLUSTER: dict[str, Any] = {
    "name": "demo",
    "region": "us-west-2",
    "node_groups": [{"name": "cpu", "instance_type": "m5.large"}],
}
CONTAINER: dict[str, Any] = {"name": "s", "image": "ghcr.io/x/y:1", "compute": {"mem": "1Gi"}}
PROBE_FIELDS = tuple(PROBE_ZERO_DEFAULTS)


def _load(tmp_path: Path, cluster: dict[str, Any], api: dict[str, Any]) -> Spec:
    base = {"name": "boxed", "kind": "RealtimeAPI", "pod": {"containers": [dict(CONTAINER)]}}
    document = {"cluster": {**CLUSTER, **cluster}, "apis": [{**base, **api}]}
    (tmp_path / "cortex.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return load_spec(tmp_path / "cortex.yaml")


def _container(**fields: Any) -> dict[str, Any]:
    return {"pod": {"containers": [{**CONTAINER, **fields}]}}


def test_null_pod_port_is_the_default_port(tmp_path: Path) -> None:
    """VAL 152-160 (Port: AllowExplicitNull) and 745 (nil -> 8080): `port: null` is 8080."""
    spec = _load(tmp_path, {}, {"pod": {"port": None, "containers": [CONTAINER]}})
    pod = spec.api("boxed").pod
    assert pod is not None
    assert pod.port == 8080


def test_null_cpu_reads_as_the_default_request(tmp_path: Path) -> None:
    """VAL 459-466 (CPU: AllowExplicitNull): accepted; Cortex then requested no CPU, here
    the default 200m is requested (every container needs a request for node fit)."""
    spec = _load(tmp_path, {}, _container(compute={"cpu": None, "mem": "1Gi"}))
    [container] = spec.api("boxed").pod.containers or []  # type: ignore[union-attr]
    assert str(container.compute.cpu) == "200m"


@pytest.mark.parametrize(
    ("field", "kubernetes_default"),
    [
        ("timeout_seconds", 1),
        ("period_seconds", 10),
        ("success_threshold", 1),
        ("failure_threshold", 3),
    ],
)
def test_zero_probe_timings_read_as_kubernetes_defaults(
    tmp_path: Path, field: str, kubernetes_default: int
) -> None:
    """VAL 323-348 (GreaterThanOrEqualTo 0): Cortex passed 0 to Kubernetes, whose
    SetDefaults_Probe (pkg/apis/core/v1/defaults.go) turns it into 1, 10, 1 and 3."""
    probe = {"http_get": {"path": "/", "port": 8080}, field: 0}
    spec = _load(tmp_path, {}, _container(readiness_probe=probe))
    [container] = spec.api("boxed").pod.containers or []  # type: ignore[union-attr]
    assert container.readiness_probe is not None
    assert getattr(container.readiness_probe, field) == kubernetes_default


def test_quoted_integers_for_surge_and_unavailable(tmp_path: Path) -> None:
    """VAL 608-621 (CastInt) and utils.go 43 (surgeOrUnavailableValidator parses "1"):
    quoted integers read as integers, which is what Kubernetes' IntOrString accepts."""
    spec = _load(tmp_path, {}, {"update_strategy": {"max_surge": "2", "max_unavailable": "0"}})
    strategy = spec.api("boxed").update_strategy
    assert (strategy.max_surge, strategy.max_unavailable) == (2, 0)


def test_empty_availability_zones_means_chosen_zones(tmp_path: Path) -> None:
    """CC 579-585 (AvailabilityZones: AllowEmpty): `[]` is unset; the zones are chosen."""
    spec = _load(tmp_path, {"availability_zones": []}, {})
    assert spec.cluster.availability_zones is None


def test_cidrs_with_host_bits_are_normalised_with_a_warning(tmp_path: Path) -> None:
    """CC 659-680 and 1536-1559: Go's net.ParseCIDR accepted host bits (10.1.2.3/16); the
    network address is used and a located warning names it."""
    cluster = {"api_load_balancer_cidr_white_list": ["10.1.2.3/16"], "vpc_cidr": "10.9.8.7/16"}
    spec = _load(tmp_path, cluster, {})
    assert spec.cluster.api_load_balancer_cidr_white_list == ["10.1.0.0/16"]
    assert spec.cluster.vpc_cidr == "10.9.0.0/16"
    notes = sorted(w.message for w in spec.warnings if "host bits" in w.message)
    assert notes == [
        "10.1.2.3/16 has host bits set; read as 10.1.0.0/16",
        "10.9.8.7/16 has host bits set; read as 10.9.0.0/16",
    ]


def test_null_on_demand_split_reads_as_zero(tmp_path: Path) -> None:
    """CC 833-845 (AllowExplicitNull) and 1512-1518 (nil -> 0) for both on_demand_* keys."""
    group = {
        "name": "spot",
        "instance_type": "m5.large",
        "spot": True,
        "spot_config": {
            "on_demand_base_capacity": None,
            "on_demand_percentage_above_base_capacity": None,
        },
    }
    spec = _load(tmp_path, {"node_groups": [*CLUSTER["node_groups"], group]}, {})
    spot = (spec.cluster.node_groups or [])[1].spot_config
    assert spot is not None
    assert (spot.on_demand_base_capacity, spot.on_demand_percentage_above_base_capacity) == (0, 0)


def test_max_instances_zero_is_refused_with_cortex_own_reason(tmp_path: Path) -> None:
    """CC 766-769 accept 0 in the schema but 1183-1187 refuse it at `cluster up`; EKS
    managed node groups need maxSize >= 1, so one precise error, not a bare bound."""
    group = {"name": "idle", "instance_type": "m5.large", "min_instances": 0, "max_instances": 0}
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, {"node_groups": [*CLUSTER["node_groups"], group]}, {})
    [problem] = caught.value.problems
    assert "nodegroups cannot be created with max_instances set to 0" in problem.message
    assert problem.hint is not None
    assert "max_instances: 1" in problem.hint


def test_the_editor_schema_accepts_every_edge_value_that_loads(tmp_path: Path) -> None:
    """What loads satisfies `cortex-infra schema` (editors must not flag a Cortex file that
    deploys): null port and cpu, zero probe timings, quoted surge, empty zones, host bits,
    null on_demand_*."""
    probe = {"http_get": {"path": "/", "port": 8080}, **dict.fromkeys(PROBE_FIELDS, 0)}
    container = {**CONTAINER, "compute": {"cpu": None, "mem": "1Gi"}, "readiness_probe": probe}
    group = {
        "name": "spot",
        "instance_type": "m5.large",
        "spot": True,
        "spot_config": {"on_demand_base_capacity": None},
    }
    cluster = {
        **CLUSTER,
        "availability_zones": [],
        "api_load_balancer_cidr_white_list": ["10.1.2.3/16"],
        "node_groups": [*CLUSTER["node_groups"], group],
    }
    api = {
        "name": "boxed",
        "kind": "RealtimeAPI",
        "pod": {"port": None, "containers": [container]},
        "update_strategy": {"max_surge": "1", "max_unavailable": "0"},
    }
    document = {"cluster": cluster, "apis": [api]}
    (tmp_path / "cortex.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    load_spec(tmp_path / "cortex.yaml")
    errors = [
        e.message for e in jsonschema.Draft202012Validator(json_schema()).iter_errors(document)
    ]
    assert errors == []
