"""Plain data to and from protobuf Structs, as the Pulumi SDK converts it, without its walk.

`rpc.serialize_properties` and `rpc.deserialize_properties` (`pulumi/runtime/rpc.py`) handle
Outputs, secrets, assets, resource references and unknowns, and await at every level;
the mock engine's registrations carry none of those in practice, and the general walk was
a tenth of a plan's time. For plain data (dicts with string keys, lists, strings, numbers,
booleans, None) both functions reduce to the protobuf conversions below. Anything else
returns None and the caller takes the SDK's path; `tests/offline/test_plain.py` pins the
results equal to the SDK's on every registration of the examples and on the edge cases.
"""

from __future__ import annotations

from typing import Any, Final

from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import rpc

# Values the SDK treats specially when it reads a Struct: a signature key (secret, asset,
# archive, resource reference, output value) or the unknown marker.
_SPECIAL: Final = (rpc._special_sig_key.encode(), rpc.UNKNOWN.encode())


def plain_struct(state: dict[str, Any]) -> struct_pb2.Struct | None:
    """`serialize_properties(state, {})` for plain data: a None at the top is left out (the
    SDK drops a property that serialises to None), a nested None is a null. None when the
    state holds anything protobuf cannot take as is (an asset, an Output)."""
    struct = struct_pb2.Struct()
    try:
        struct.update({k: v for k, v in state.items() if v is not None})
    except (ValueError, TypeError, AttributeError):
        return None
    return struct


def _value(value: Any) -> Any:
    if isinstance(value, struct_pb2.Struct):
        # As the SDK: a property whose value is None (a null) does not exist.
        return {k: _value(v) for k, v in value.items() if v is not None}
    if isinstance(value, struct_pb2.ListValue):
        return [_value(v) for v in value]
    return value


def plain_properties(struct: struct_pb2.Struct) -> dict[str, Any] | None:
    """`deserialize_properties(struct)` when the Struct holds no special value (its bytes
    contain no signature key and no unknown marker); None otherwise."""
    data = struct.SerializeToString()
    if any(mark in data for mark in _SPECIAL):
        return None
    result: dict[str, Any] = _value(struct)
    return result
