"""Names and identifiers are matched whole: no `re.match(...$)` is left in the spec package,
and every name check refuses a valid name with a trailing newline."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

import cortex_spec
from cortex_spec.models.api import RealtimeAPI
from cortex_spec.models.api_base import Networking
from cortex_spec.models.base import check_dns1035, check_image
from cortex_spec.models.cluster import ClusterConfig, ExistingSubnet
from cortex_spec.models.node_group import NodeGroup
from cortex_spec.models.probes import TcpSocket
from cortex_spec.models.workload import check_env_name
from cortex_spec.quantities import QuantityError, parse_quantity

PACKAGE = Path(cortex_spec.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _calls_to_match(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "match"
    ]


def _dollar_patterns(tree: ast.AST) -> list[int]:
    """Lines of `re.compile(...)` literals ending in an unescaped `$`."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "compile"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and re.search(r"(?<!\\)\$$", node.args[0].value)
        ):
            found.append(node.lineno)
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_prefix_matching_in_the_spec_package(source: Path) -> None:
    """No `.match(` call and no `$`-anchored pattern: `re.match("...$")` accepts a trailing
    newline, so every check uses `fullmatch`."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    assert _calls_to_match(tree) == [], "use re.fullmatch (or Pattern.fullmatch)"
    assert _dollar_patterns(tree) == [], "drop the $ anchor and use fullmatch"


def _api(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "RealtimeAPI",
        "pod": {"containers": [{"name": "c", "image": "x"}]},
    }


def _model(model: Any, build: Callable[[str], Any]) -> Callable[[str], object]:
    return lambda value: model.model_validate(build(value))


CHECKS: list[tuple[str, Callable[[str], object], str]] = [
    ("dns1035", lambda v: check_dns1035(v, "name", 63), "sentiment"),
    ("image", check_image, "ghcr.io/org/model:1.2"),
    ("env-name", check_env_name, "MODEL_PATH"),
    ("api-name", _model(RealtimeAPI, _api), "sentiment"),
    ("cluster-name", _model(ClusterConfig, lambda v: {"name": v, "region": "us-west-2"}), "prod"),
    ("node-group", _model(NodeGroup, lambda v: {"name": v, "instance_type": "m5.large"}), "cpu"),
    ("subnet", _model(ExistingSubnet, lambda v: {"availability_zone": "a", "subnet_id": v}),
     "subnet-0123456789abcdef0"),
    ("port-name", _model(TcpSocket, lambda v: {"port": v}), "http"),
    ("endpoint", _model(Networking, lambda v: {"endpoint": v}), "/text-embedder"),
    ("k8s-version", _model(ClusterConfig, lambda v: {"region": "us-west-2",
     "kubernetes_version": v}), "1.35"),
    ("certificate", _model(ClusterConfig, lambda v: {"region": "us-west-2",
     "ssl_certificate_arn": v}), "arn:aws:acm:us-west-2:123456789012:certificate/abc-123"),
    ("policy", _model(ClusterConfig, lambda v: {"region": "us-west-2", "iam_policy_arns": [v]}),
     "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("check", "valid"), [(c, v) for _, c, v in CHECKS], ids=[n for n, _, _ in CHECKS]
)
@pytest.mark.parametrize("suffix", ["\n", "\r\n", " ", "\x00"])
def test_a_trailing_newline_or_blank_is_refused(
    check: Callable[[str], object], valid: str, suffix: str
) -> None:
    """Each name check accepts the name, and refuses it with anything after it."""
    check(valid)
    with pytest.raises((ValidationError, PydanticCustomError)):
        check(valid + suffix)


@pytest.mark.parametrize("digits", ["\u0661", "\u0663\u0665", "\uff15"])
def test_only_ascii_digits_are_numbers(digits: str) -> None:
    """`\\d` would read other scripts' digits; quantities and versions take 0-9 only."""
    with pytest.raises(QuantityError):
        parse_quantity(f"{digits}00m")
    with pytest.raises(ValidationError):
        ClusterConfig.model_validate({"region": "us-west-2", "kubernetes_version": f"1.{digits}"})
