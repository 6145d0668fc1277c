"""The replace table: well-formed, cited, documented, and covering the program's types."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.serving.router_bootstrap import CLUSTERS_FILE, ROUTES_FILE
from offline import engine
from offline.kubernetes_replacements import HELM_RELEASE, KUBERNETES_METADATA, ROUTER_FILES
from offline.paths import format_path, parse_path
from offline.replace_matcher import markdown_table, replacing_rule
from offline.replacements import TABLE, rules_for
from tests.conftest import EXAMPLES, REPO

STAND_IN = Path(__file__).resolve().parent / "diff_program.py"


@pytest.mark.parametrize(("type_token", "path"), [(t, r.path) for t in TABLE for r in TABLE[t]])
def test_every_rule_path_parses_and_round_trips(type_token: str, path: str) -> None:
    """Each table path is valid Pulumi property-path syntax, written the canonical way."""
    assert format_path(parse_path(path)) == path, type_token


def test_every_rule_cites_a_source() -> None:
    """No row without a source: Terraform file, pulumi-kubernetes file or the cloud API."""
    for type_token, rules in TABLE.items():
        for rule in rules:
            assert rule.source.strip(), type_token
            if type_token.startswith("aws:") and rule.kind == "provider":
                assert rule.source.startswith("terraform-provider-aws "), type_token


def test_docs_show_exactly_this_table() -> None:
    """docs/diff.md carries the rendered table, so the two cannot drift apart."""
    assert markdown_table() in (REPO / "docs" / "diff.md").read_text(encoding="utf-8")


def test_metadata_name_replaces_every_kubernetes_kind_but_not_helm_releases() -> None:
    """metadata.name/namespace apply to every Kubernetes object, not to Helm releases."""
    assert KUBERNETES_METADATA[0] in (rules_for("kubernetes:core/v1:ConfigMap") or ())
    assert KUBERNETES_METADATA[0] in (rules_for("kubernetes:example.com/v1:Widget") or ())
    assert KUBERNETES_METADATA[0] not in (rules_for(HELM_RELEASE) or ())
    assert replacing_rule(HELM_RELEASE, ("name",), {}, {}) is not None


def test_unknown_aws_type_is_reported_as_unknown() -> None:
    """A type missing from the table is None (unknown), not () (known to have none)."""
    assert rules_for("aws:sns/topic:Topic") is None
    assert rules_for("pulumi:providers:aws") == ()
    assert rules_for("cortex:infra:Serving") == ()


def test_launch_template_data_changes_are_in_place() -> None:
    """Launch template data makes a new version; only its name forces a new template."""
    token = "aws:ec2/launchTemplate:LaunchTemplate"
    assert replacing_rule(token, ("imageId",), {}, {}) is None
    assert replacing_rule(token, ("blockDeviceMappings", 0, "ebs", "volumeSize"), {}, {}) is None
    assert replacing_rule(token, ("name",), {}, {}) is not None


@pytest.mark.slow
def test_table_knows_every_type_the_stand_in_program_declares() -> None:
    """Every resource type the diff tests' program declares has rules (possibly none)."""
    config = engine.stack_config(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    graph = engine.evaluate(config, stack="prod", region="us-west-2", program=STAND_IN)
    unknown = sorted({r.type for r in graph.resources if rules_for(r.type) is None})
    assert unknown == []


@pytest.mark.slow
def test_table_knows_every_type_the_real_program_declares() -> None:
    """Every resource type of the real program (mixed example, prod) is in the table."""
    config = engine.stack_config(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    graph = engine.evaluate(config, stack="prod", region="us-west-2")
    unknown = sorted({r.type for r in graph.resources if rules_for(r.type) is None})
    assert unknown == []


def test_router_config_maps_update_in_place_and_others_are_replaced() -> None:
    """The router's routes and clusters (a provider with enableConfigMapMutable) change in
    place; any other ConfigMap's data change is a replace, pulumi-kubernetes' default."""
    assert {ROUTES_FILE, CLUSTERS_FILE} == ROUTER_FILES
    token, path = "kubernetes:core/v1:ConfigMap", parse_path("data")
    for name in ROUTER_FILES:
        assert replacing_rule(token, path, {"data": {name: "a"}}, {"data": {name: "b"}}) is None
    spec = replacing_rule(token, path, {"data": {"api.json": "a"}}, {"data": {"api.json": "b"}})
    assert spec is not None
