"""`environments:` overrides: deep merge by key, named lists by `name`, located in the override."""

from __future__ import annotations

from typing import Any

from cortex_spec.environments import apply_environment, check_overrides, environment_names
from cortex_spec.errors import Location
from cortex_spec.source import MapNode, locate, parse_yaml, to_plain

BASE = """\
cluster:
  name: recsys
  region: us-west-2
  availability_zones: [us-west-2a, us-west-2b]
  node_groups:
    - name: cpu
      instance_type: m5.large
      max_instances: 4
    - name: gpu
      instance_type: g5.xlarge
apis:
  - name: ranker
    kind: RealtimeAPI
    pod:
      containers:
        - name: api
          image: ghcr.io/acme/ranker:1
          env: {MODE: fast}
        - name: sidecar
          image: ghcr.io/acme/cache:2
environments:
  prod:
    cluster:
      name: recsys-prod
      availability_zones: [us-west-2c, us-west-2d]
      node_groups:
        - name: gpu
          max_instances: 9
        - name: inf2
          add: true
          instance_type: inf2.xlarge
    apis:
      - name: ranker
        pod:
          containers:
            - name: api
              env: {MODE: safe}
  dev:
"""


def _root() -> MapNode:
    node, _ = parse_yaml(BASE, "spec.yaml")
    assert isinstance(node, MapNode)
    return node


def _merged(env: str) -> Any:
    return to_plain(apply_environment(_root(), env))


def test_environment_names_are_listed_in_order() -> None:
    """The defined environments, as written."""
    assert environment_names(_root()) == ["prod", "dev"]


def test_mappings_merge_key_by_key() -> None:
    """An override changes only the keys it names; the rest of the base stays."""
    cluster = _merged("prod")["cluster"]
    assert (cluster["name"], cluster["region"]) == ("recsys-prod", "us-west-2")


def test_plain_lists_are_replaced() -> None:
    """A list without names (availability_zones) is replaced whole, not appended to."""
    assert _merged("prod")["cluster"]["availability_zones"] == ["us-west-2c", "us-west-2d"]


def test_node_groups_merge_by_name_and_marked_additions_are_appended() -> None:
    """`gpu` keeps its instance type and gets the new max; `inf2` (`add: true`) is added at
    the end, without the mark."""
    groups = _merged("prod")["cluster"]["node_groups"]
    assert [g["name"] for g in groups] == ["cpu", "gpu", "inf2"]
    assert groups[0] == {"name": "cpu", "instance_type": "m5.large", "max_instances": 4}
    assert groups[1] == {"name": "gpu", "instance_type": "g5.xlarge", "max_instances": 9}
    assert groups[2] == {"name": "inf2", "instance_type": "inf2.xlarge"}


def test_unmarked_unknown_names_are_left_out_of_the_merge() -> None:
    """An override naming no base item and not marked `add: true` adds nothing (the loader
    reports it as a typo)."""
    text = BASE.replace("          add: true\n", "")
    node, _ = parse_yaml(text, "spec.yaml")
    assert isinstance(node, MapNode)
    groups = to_plain(apply_environment(node, "prod"))["cluster"]["node_groups"]
    assert [g["name"] for g in groups] == ["cpu", "gpu"]


def test_apis_and_containers_merge_by_name() -> None:
    """An API override reaches into its containers by name, keeping the other containers."""
    (api,) = _merged("prod")["apis"]
    api_container, sidecar = api["pod"]["containers"]
    assert api_container == {
        "name": "api",
        "image": "ghcr.io/acme/ranker:1",
        "env": {"MODE": "safe"},
    }
    assert sidecar["name"] == "sidecar"


def test_merged_values_keep_the_override_location() -> None:
    """After merging, an overridden field is located on the override's own line."""
    merged = apply_environment(_root(), "prod")
    assert locate(merged, ("cluster", "node_groups", 1, "max_instances")) == Location(
        "spec.yaml", 28, 11
    )
    assert locate(merged, ("cluster", "node_groups", 1, "instance_type")) == Location(
        "spec.yaml", 10, 7
    )


def test_empty_or_unknown_environment_is_the_base() -> None:
    """`dev:` with no body, or no environment at all, gives the base without `environments`."""
    base = {k: v for k, v in to_plain(_root()).items() if k != "environments"}
    assert _merged("dev") == base
    assert _merged("") == base


def test_override_shapes_are_checked_in_place() -> None:
    """Overrides of other sections, and API overrides without a name, are reported there."""
    text = (
        "cluster: {region: us-west-2}\n"
        "environments:\n  a:\n    tags: {}\n    apis: [{kind: x}]\n  b: 3\n"
    )
    node, _ = parse_yaml(text, "e.yaml")
    assert isinstance(node, MapNode)
    findings = {f.path: f.message for f in check_overrides(node)}
    assert findings == {
        ("environments", "a", "tags"): "unknown field 'tags'",
        ("environments", "a", "apis", 0): "each override needs the name of the API it changes",
        ("environments", "b"): "must be a mapping with cluster: and/or apis:",
    }
