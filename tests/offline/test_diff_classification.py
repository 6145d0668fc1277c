"""The graph diff: create, delete, update and replace by URN, field by field."""

from __future__ import annotations

from offline.diff import canonical, diff_graphs
from offline.graph import PlannedResource
from tests.offline.diff_fixtures import (
    CLUSTER,
    DEPLOYMENT,
    autoscaler,
    graph,
    node_group,
    resource,
)


def test_identical_graphs_have_no_changes() -> None:
    """Unchanged resources are omitted: equal graphs diff to nothing."""
    same = graph(node_group(), autoscaler("sentiment", 10))
    assert diff_graphs(same, same).changes == ()


def test_urn_only_in_head_is_a_create_and_only_in_base_a_delete() -> None:
    """A URN present on one side only is a create (head) or a delete (base)."""
    base = graph(autoscaler("old", 3))
    head = graph(autoscaler("new", 3))
    ops = {c.name: c.op for c in diff_graphs(base, head).changes}
    assert ops == {"serving-old-hpa": "delete", "serving-new-hpa": "create"}


def test_created_resource_lists_its_inputs_as_after_values() -> None:
    """A create shows each top-level input with before None and after the value."""
    change = diff_graphs(graph(), graph(autoscaler("new", 3))).changes[0]
    spec = next(f for f in change.fields if f.path == "spec")
    assert (spec.before, spec.after) == (None, {"minReplicas": 1, "maxReplicas": 3})


def test_changed_leaf_is_an_update_with_before_and_after() -> None:
    """A changed input outside the replace table is an in-place update of that field."""
    change = diff_graphs(graph(autoscaler("api", 20)), graph(autoscaler("api", 25))).changes[0]
    assert change.op == "update"
    assert [(f.path, f.before, f.after, f.replaces) for f in change.fields] == [
        ("spec.maxReplicas", 20, 25, False)
    ]


def test_instance_types_change_is_a_replace() -> None:
    """A node group's instanceTypes forces a new node group (Terraform ForceNew)."""
    base = graph(node_group())
    head = graph(node_group(instanceTypes=["g6.xlarge"]))
    change = diff_graphs(base, head).changes[0]
    assert change.op == "replace"
    assert [(f.path, f.replaces) for f in change.fields] == [("instanceTypes", True)]


def test_scaling_change_beside_a_replace_is_marked_in_place() -> None:
    """Only the replace-forcing fields carry replaces=True; the others stay False."""
    head = graph(
        node_group(amiType="AL2023_x86_64_STANDARD", scalingConfig={"minSize": 1, "maxSize": 9})
    )
    fields = {f.path: f.replaces for f in diff_graphs(graph(node_group()), head).changes[0].fields}
    assert fields == {"amiType": True, "scalingConfig.maxSize": False}


def test_ignore_changes_paths_are_left_out() -> None:
    """Fields under the resource's ignoreChanges option are not reported (Pulumi skips them)."""
    head = graph(node_group(scalingConfig={"desiredSize": 7, "minSize": 1, "maxSize": 3}))
    assert diff_graphs(graph(node_group()), head).changes == ()


def test_replace_on_changes_option_forces_a_replace() -> None:
    """A path named in replaceOnChanges makes its change a replace, whatever the table says."""

    def deployment(image: str) -> PlannedResource:
        return resource(
            "serving-api",
            DEPLOYMENT,
            {
                "metadata": {"name": "api-x"},
                "spec": {"template": {"spec": {"containers": [{"image": image}]}}},
            },
            options={"replaceOnChanges": ["spec.template.spec.containers[*].image"]},
        )

    change = diff_graphs(graph(deployment("a:1")), graph(deployment("a:2"))).changes[0]
    assert change.op == "replace"
    assert change.fields[0].path == "spec.template.spec.containers[0].image"


def test_deployment_selector_change_is_a_replace() -> None:
    """A Deployment's spec.selector is immutable: changing it recreates the Deployment."""

    def deployment(labels: dict[str, str]) -> PlannedResource:
        return resource(
            "d",
            DEPLOYMENT,
            {"metadata": {"name": "api-x"}, "spec": {"selector": {"matchLabels": labels}}},
        )

    change = diff_graphs(graph(deployment({"a": "1"})), graph(deployment({"a": "2"}))).changes[0]
    assert change.op == "replace"


def test_kubernetes_metadata_name_change_is_a_replace_for_any_kind() -> None:
    """metadata.name of every Kubernetes object forces a replacement (pulumi-kubernetes)."""

    def custom(name: str) -> PlannedResource:
        return resource(
            "so", "kubernetes:keda.sh/v1alpha1:ScaledObject", {"metadata": {"name": name}}
        )

    assert diff_graphs(graph(custom("a")), graph(custom("b"))).changes[0].op == "replace"


def test_added_block_replaces_only_when_a_ruled_field_beneath_changes() -> None:
    """A whole object added counts as replace only if a ruled path inside it differs."""

    def cluster(extra: dict[str, object]) -> PlannedResource:
        return resource("eks", CLUSTER, {"name": "demo", "roleArn": "r", **extra})

    logging = diff_graphs(graph(cluster({})), graph(cluster({"enabledClusterLogTypes": ["api"]})))
    assert logging.changes[0].op == "update"
    network = diff_graphs(
        graph(cluster({})), graph(cluster({"kubernetesNetworkConfig": {"ipFamily": "ipv6"}}))
    )
    assert network.changes[0].op == "replace"


def test_cluster_moving_to_other_subnets_of_its_vpc_is_in_place() -> None:
    """EKS updates a cluster's subnets in place while at least one stays (same VPC)."""

    def cluster(subnets: list[str]) -> PlannedResource:
        return resource("eks", CLUSTER, {"name": "demo", "vpcConfig": {"subnetIds": subnets}})

    grown = diff_graphs(graph(cluster(["a", "b"])), graph(cluster(["a", "b", "c"])))
    moved = diff_graphs(graph(cluster(["a", "b"])), graph(cluster(["x", "y"])))
    assert grown.changes[0].op == "update"
    assert moved.changes[0].op == "replace"


def test_replace_lists_the_head_resources_that_depend_on_it() -> None:
    """A replaced resource names its dependents: they may change with its new ID."""
    group = node_group(instanceTypes=["g6.xlarge"])
    user = resource(
        "serving-x", DEPLOYMENT, {"metadata": {"name": "api-x"}}, dependencies=(group.urn,)
    )
    change = next(c for c in diff_graphs(graph(node_group(), user), graph(group, user)).changes)
    assert change.dependents == (user.urn,)


def test_protect_option_change_is_reported() -> None:
    """Dropping `protect` is shown as a field change, although no provider call follows."""
    protected = resource("eks", CLUSTER, {"name": "demo"}, options={"protect": True})
    plain = resource("eks", CLUSTER, {"name": "demo"})
    change = diff_graphs(graph(protected), graph(plain)).changes[0]
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("[options].protect", True, None)
    ]


def test_provider_credentials_and_json_config_compare_by_meaning() -> None:
    """Provider JSON config compares parsed; a kubeconfig is masked, never shown."""

    def provider(tags: str, kubeconfig: str) -> PlannedResource:
        return resource(
            "k8s", "pulumi:providers:kubernetes", {"defaultTags": tags, "kubeconfig": kubeconfig}
        )

    same = diff_graphs(graph(provider('{"a": 1}', "one")), graph(provider('{"a":1}', "two")))
    assert same.changes == ()


def test_mock_urns_are_rewritten_in_the_engine_form() -> None:
    """Top-level URNs drop `pulumi:pulumi:Stack$`; children carry the full parent chain."""
    stack_urn = "urn:pulumi:dev::cortex::pulumi:pulumi:Stack::cortex-dev"
    outer = PlannedResource(
        "urn:pulumi:dev::cortex::pulumi:pulumi:Stack$cortex:infra:Serving::serving",
        "cortex:infra:Serving",
        "serving",
        "",
        "",
        (),
        {},
    )
    inner = PlannedResource(
        "urn:pulumi:dev::cortex::cortex:infra:Serving$cortex:infra:Api::serving-x",
        "cortex:infra:Api",
        "serving-x",
        outer.urn,
        "",
        (),
        {},
    )
    leaf = PlannedResource(
        "urn:pulumi:dev::cortex::cortex:infra:Api$kubernetes:apps/v1:Deployment::d",
        DEPLOYMENT,
        "d",
        inner.urn,
        "",
        (outer.urn,),
        {},
    )
    urns = {r.name: r for r in canonical(graph(outer, inner, leaf)).resources}
    assert urns["serving"].urn == "urn:pulumi:dev::cortex::cortex:infra:Serving::serving"
    assert urns["d"].urn == (
        "urn:pulumi:dev::cortex::cortex:infra:Serving$cortex:infra:Api$kubernetes:apps/v1:Deployment::d"
    )
    assert urns["d"].parent == urns["serving-x"].urn
    assert urns["d"].dependencies == (urns["serving"].urn,)
    assert stack_urn not in {r.urn for r in urns.values()}


def test_json_change_has_the_documented_keys() -> None:
    """A JSON change has exactly urn, type, name, op, fields (path, before, after, replaces)."""
    change = diff_graphs(graph(autoscaler("a", 1)), graph(autoscaler("a", 2))).changes[0].to_dict()
    assert set(change) == {"urn", "type", "name", "op", "fields"}
    assert set(change["fields"][0]) == {"path", "before", "after", "replaces"}
