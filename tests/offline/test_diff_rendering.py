"""Rendering the diff: warnings above replaces, markdown size and collapsing, JSON shape."""

from __future__ import annotations

import json
import re

from offline.diff import diff_graphs
from offline.diff_groups import Names
from offline.diff_markdown import COLLAPSE_AFTER, GITHUB_LIMIT, render_markdown
from offline.diff_report import DiffReport, build_report, render_text, to_json
from offline.graph import PlannedResource
from tests.offline.diff_fixtures import CLUSTER, autoscaler, graph, node_group, resource

NAMES = Names(apis=frozenset({"sentiment"}), managed={"gpu": "gpu"})


def _report(
    base_resources: list[PlannedResource], head_resources: list[PlannedResource]
) -> DiffReport:
    diff = diff_graphs(graph(*base_resources), graph(*head_resources))
    return build_report(diff, NAMES, title="base → head")


def _replaced_node_group() -> DiffReport:
    return _report([node_group()], [node_group(instanceTypes=["g6.xlarge"])])


def test_node_group_replace_carries_a_warning() -> None:
    """A replaced node group gets a warning naming it and the field that forces it."""
    warnings = list(_replaced_node_group().warnings.values())
    assert len(warnings) == 1
    assert warnings[0].startswith("node group gpu will be replaced (because of instanceTypes)")


def test_in_place_update_of_a_node_group_has_no_warning() -> None:
    """Scaling a node group is not dangerous: no warning."""
    report = _report([node_group()], [node_group(scalingConfig={"minSize": 1, "maxSize": 9})])
    assert report.warnings == {}


def test_cluster_and_subnet_deletes_are_warned_about() -> None:
    """Deleting a cluster or a subnet is as costly as replacing it: both warn."""
    cluster = resource("eks", CLUSTER, {"name": "demo"})
    subnet = resource("subnet-a", "aws:ec2/subnet:Subnet", {"cidrBlock": "10.0.0.0/20"})
    assert len(_report([cluster, subnet], []).warnings) == 2


def test_text_warning_stands_above_the_replaced_resource() -> None:
    """In the text form the warning line comes right before the replace line."""
    lines = render_text(_replaced_node_group()).splitlines()
    replace = next(i for i, line in enumerate(lines) if line.strip().startswith("+- replace"))
    assert lines[replace - 1].strip().startswith("WARNING: node group gpu")


def test_markdown_warning_stands_above_the_replaced_resource() -> None:
    """In markdown the GitHub warning block precedes the resource's heading line."""
    text = render_markdown(_replaced_node_group())
    entry = text.index("**`+-` replace**")
    assert "> [!WARNING]" in text[:entry]
    assert text.rindex("> [!WARNING]", 0, entry) > text.index("#### node group gpu")


def test_long_section_is_collapsed_in_details() -> None:
    """A section longer than the collapse threshold is wrapped in <details>."""
    many = [autoscaler(f"sentiment-{i}", 1) for i in range(COLLAPSE_AFTER)]
    names = Names(apis=frozenset({"sentiment"}))
    heads = [
        resource(r.name, r.type, {**r.inputs, "metadata": {"name": "api-sentiment"}}) for r in many
    ]
    report = build_report(diff_graphs(graph(), graph(*heads)), names, title="t")
    text = render_markdown(report)
    assert "<details>" in text
    assert "<summary>" in text.split("#### sentiment", 1)[1]


def test_huge_diff_fits_a_github_comment() -> None:
    """Thousands of long changes still render under the limit, saying detail was dropped."""
    base = [autoscaler(f"a{i}", 1) for i in range(3000)]
    head = [resource(r.name, r.type, {**r.inputs, "spec": {"x": "y" * 300}}) for r in base]
    text = render_markdown(_report(base, head))
    assert len(text) <= GITHUB_LIMIT
    assert "Detail was left out" in text


def test_markdown_respects_a_smaller_limit() -> None:
    """`--max-chars` budgets the comment (CI splits one comment between environments)."""
    base = [autoscaler(f"a{i}", 1) for i in range(200)]
    head = [autoscaler(f"a{i}", 2) for i in range(200)]
    assert len(render_markdown(_report(base, head), limit=5000)) <= 5000


def test_pipes_in_values_do_not_break_the_table() -> None:
    """A `|` inside a value is escaped so the markdown table keeps its columns."""
    report = _report(
        [autoscaler("sentiment", 1)],
        [
            resource(
                "serving-sentiment-hpa",
                autoscaler("s", 1).type,
                {"metadata": {"name": "api-sentiment"}, "spec": {"maxReplicas": "a|b"}},
            )
        ],
    )
    rows = [line for line in render_markdown(report).splitlines() if "spec.maxReplicas" in line]
    assert rows
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == 5


def test_json_document_shape() -> None:
    """JSON: {changes, violations, deliberate, steps, summary}, no unchanged resources."""
    document = to_json(
        _report(
            [node_group(), autoscaler("sentiment", 1)], [node_group(), autoscaler("sentiment", 2)]
        )
    )
    assert set(document) == {"changes", "violations", "deliberate", "steps", "summary"}
    assert document["violations"] == []
    assert [c["name"] for c in document["changes"]] == ["serving-sentiment-hpa"]
    summary = document["summary"]
    assert (summary["update"], summary["create"], summary["replace"], summary["delete"]) == (
        1,
        0,
        0,
        0,
    )
    assert summary["lines"] == ["sentiment: autoscaling max 1 → 2"]
    assert summary["groups"][0]["kind"] == "api"


def test_no_changes_says_so() -> None:
    """An empty diff renders a plain `no changes`."""
    report = _report([node_group()], [node_group()])
    assert render_text(report).splitlines()[-1] == "no changes"
    assert "No changes." in render_markdown(report)


def test_json_documents_in_strings_are_compared_inside() -> None:
    """A JSON string (a ConfigMap's api.json) is shown by the fields that changed in it."""

    def config_map(replicas: int) -> PlannedResource:
        document = json.dumps({"api": {"autoscaling": {"max_replicas": replicas}, "name": "x"}})
        inputs = {"metadata": {"name": "api-sentiment"}, "data": {"api.json": document}}
        return resource("serving-sentiment-spec", "kubernetes:core/v1:ConfigMap", inputs)

    report = _report([config_map(20)], [config_map(25)])
    assert (
        '      data["api.json"] » api.autoscaling.max_replicas: 20 → 25  (forces replacement)'
        in (render_text(report).splitlines())
    )
    assert to_json(report)["changes"][0]["fields"][0]["path"] == 'data["api.json"]'
