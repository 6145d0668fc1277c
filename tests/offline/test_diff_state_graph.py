"""A deployed checkpoint as a graph: normalised so that what the program would declare again
compares equal, and secrets never come through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cortex_spec.errors import StateError
from offline import engine
from offline.diff import diff_graphs
from offline.graph import DYNAMIC_PROVIDER_KEY, SECRET
from offline.state_graph import SECRET_SIG, SIG, graph_from_checkpoint, normalize_state
from tests.conftest import EXAMPLES
from tests.offline.checkpoints import checkpoint
from tests.offline.diff_fixtures import CLUSTER, autoscaler, graph, node_group, resource

STAND_IN = Path(__file__).resolve().parent / "diff_program.py"


def _read(document: dict[str, object]) -> object:
    return graph_from_checkpoint(document, stack="dev", project="cortex")


def test_state_of_the_same_graph_diffs_to_nothing() -> None:
    """Engine additions (stack, default provider, ids, version, __defaults) are taken out."""
    provider = resource("k8s", "pulumi:providers:kubernetes", {"kubeconfig": SECRET})
    desired = graph(node_group(), autoscaler("sentiment", 3), provider)
    state = checkpoint(
        desired, defaults={"platform-gpu": {"diskSize": 20, "forceUpdateVersion": False}}
    )
    assert (
        diff_graphs(graph_from_checkpoint(state, stack="dev", project="cortex"), desired).changes
        == ()
    )


def test_property_dependencies_come_back_from_state() -> None:
    """The update simulator follows references in deployed state as in the plan."""
    group = resource("tg", "aws:lb/targetGroup:TargetGroup", {"port": 80})
    binding = resource(
        "binding", "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", reads={"spec": group}
    )
    stored = graph_from_checkpoint(checkpoint(graph(group, binding)), stack="dev", project="cortex")
    read = {r.name: r.property_dependencies for r in stored.resources}
    assert read == {"tg": {}, "binding": {"spec": (group.urn,)}}


@pytest.mark.slow
def test_state_of_an_evaluated_program_diffs_to_nothing() -> None:
    """The whole stand-in program, stored and read back, compares equal to itself."""
    config = engine.stack_config(EXAMPLES / "mixed" / "cortex.yaml", environment="prod")
    desired = engine.evaluate(config, stack="prod", region="us-west-2", program=STAND_IN)
    stored = graph_from_checkpoint(checkpoint(desired), stack="prod", project="cortex")
    assert diff_graphs(stored, desired).changes == ()


def test_a_dynamic_resources_pickled_provider_is_not_compared() -> None:
    """The `__provider` Pulumi stores with NodeGroupScaling (a secret pickle) is left out,
    as the plan leaves it out: a stored scaling owner equals the program's."""
    scaling = resource(
        "platform-nodes-cpu-scaling",
        "pulumi-python:dynamic/cortex:NodeGroupScaling",
        {"clusterName": "demo", "nodegroupName": "cpu-1", "minSize": 1, "maxSize": 4},
    )
    desired = graph(scaling)
    state = checkpoint(desired)
    [stored] = [r for r in state["checkpoint"]["latest"]["resources"] if r["urn"] == scaling.urn]
    stored["inputs"][DYNAMIC_PROVIDER_KEY] = {SIG: SECRET_SIG, "ciphertext": "v1:ZGlsbA=="}
    read = graph_from_checkpoint(state, stack="dev", project="cortex")
    assert DYNAMIC_PROVIDER_KEY not in read.get(scaling.urn).inputs
    assert diff_graphs(read, desired).changes == ()


def test_ciphertext_and_plaintext_secrets_are_masked() -> None:
    """Both stored secret forms become [secret]; the plaintext never reaches the graph."""
    value = {
        "a": {SIG: SECRET_SIG, "ciphertext": "v1:abc"},
        "b": {SIG: SECRET_SIG, "plaintext": '"hunter2"'},
    }
    normalised = normalize_state(value)
    assert normalised == {"a": SECRET, "b": SECRET}
    assert "hunter2" not in json.dumps(normalised)


def test_nested_defaults_are_removed_at_every_level() -> None:
    """`__defaults` lists provider-filled keys at any depth; they and the list go."""
    stored = {
        "name": "x",
        "tags": {},
        "__defaults": ["tags"],
        "block": {"a": 1, "b": 2, "__defaults": ["b"]},
    }
    assert normalize_state(stored) == {"name": "x", "block": {"a": 1}}


def test_stored_assets_compare_like_the_mock_graphs_assets() -> None:
    """Asset wrappers become the mock's {asset, sha256} form; remote ones keep their URI."""
    asset = {SIG: "c44067f5952c0a294b673a41bacd8c17", "hash": "ab", "path": "/tmp/x.py"}
    remote = {SIG: "c44067f5952c0a294b673a41bacd8c17", "hash": "cd", "uri": "https://e/x"}
    assert normalize_state(asset) == {"asset": "file", "sha256": "ab"}
    assert normalize_state(remote) == {"asset": "remote", "uri": "https://e/x"}


def test_stack_parent_external_and_pending_deletes_are_dropped() -> None:
    """Top-level parents become "", reads and resources pending deletion are not deployed."""
    desired = graph(resource("eks", CLUSTER, {"name": "demo"}))
    document = checkpoint(desired)
    resources = document["checkpoint"]["latest"]["resources"]
    resources.append(
        {
            "urn": "urn:pulumi:dev::cortex::aws:ec2/vpc:Vpc::old",
            "type": "aws:ec2/vpc:Vpc",
            "delete": True,
        }
    )
    resources.append(
        {
            "urn": "urn:pulumi:dev::cortex::aws:ec2/vpc:Vpc::read",
            "type": "aws:ec2/vpc:Vpc",
            "external": True,
        }
    )
    stored = graph_from_checkpoint(document, stack="dev", project="cortex")
    assert [r.name for r in stored.resources] == ["eks"]
    assert stored.resources[0].parent == ""
    assert stored.resources[0].provider == ""


def test_never_deployed_stack_is_an_empty_graph() -> None:
    """A stack file without `latest` (created, never updated) holds no resources."""
    document = {"version": 3, "checkpoint": {"stack": "organization/cortex/dev"}}
    assert graph_from_checkpoint(document, stack="dev", project="cortex").resources == ()


@pytest.mark.parametrize("document", [{"version": 1, "checkpoint": {}}, {"version": 3}])
def test_unreadable_checkpoint_is_a_state_error(document: dict[str, object]) -> None:
    """Another format version, or no checkpoint object, is a StateError with a message."""
    with pytest.raises(StateError):
        graph_from_checkpoint(document, stack="dev", project="cortex")
