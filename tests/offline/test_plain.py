"""Plain data converts to and from protobuf as the Pulumi SDK converts it (offline/plain.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import rpc

from offline import engine
from offline.plain import plain_properties, plain_struct
from offline.recorder import GraphRecorder, synchronous
from tests.conftest import REPO

EXAMPLES = sorted((REPO / "examples").glob("*/cortex.yaml"))


def sdk_struct(state: dict[str, Any]) -> struct_pb2.Struct:
    result: struct_pb2.Struct = synchronous(rpc.serialize_properties(state, {}))
    return result


class CheckingRecorder(GraphRecorder):
    """Checks both conversions against the SDK's on every registration it answers."""

    checked = 0

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        fast = plain_properties(request.object)
        if fast is not None:
            assert fast == rpc.deserialize_properties(request.object, keep_unknowns=True)
            assert plain_struct(fast) == sdk_struct(fast), request.name
            CheckingRecorder.checked += 1
        return super().RegisterResource(request)


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_registration_of_an_example_converts_as_the_sdk(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every plain registration of every example reads and writes as the SDK's functions."""
    CheckingRecorder.checked = 0
    monkeypatch.setattr(engine, "GraphRecorder", CheckingRecorder)
    cluster = spec.parent / "cluster.yaml"
    config = engine.stack_config(spec, cluster_config=cluster if cluster.is_file() else None)
    graph = engine.evaluate(config, stack="dev", region="us-west-2")
    # Nearly every registration is plain (bundles are assets, registry passwords secrets).
    assert CheckingRecorder.checked >= 0.9 * len(graph.resources)


EDGES: list[dict[str, Any]] = [
    {"top": None, "nested": {"gone": None, "kept": [None, 1, 2.5, True, "s"]}},
    {"empty": {}, "list": [], "deep": [[{"a": [{}]}]], "tuple": (1, "x")},
    {"int": 3, "big": 2**60, "neg": -0.0, "unicode": "ü\u2028"},
]


@pytest.mark.parametrize("state", EDGES)
def test_plain_edges_convert_as_the_sdk(state: dict[str, Any]) -> None:
    """Nulls (dropped at the top and in mappings, kept in lists), empties, numbers, tuples."""
    struct = plain_struct(state)
    assert struct is not None
    assert struct == sdk_struct(state)
    assert plain_properties(struct) == rpc.deserialize_properties(struct)


def test_special_values_take_the_sdks_path() -> None:
    """An asset, a secret or an unknown is not plain: the caller falls back to the SDK."""
    assert plain_struct({"source": pulumi.StringAsset("x")}) is None
    secret = sdk_struct({"password": {rpc._special_sig_key: rpc._special_secret_sig, "value": "x"}})
    assert plain_properties(secret) is None
    assert plain_properties(sdk_struct({"later": [rpc.UNKNOWN]})) is None
